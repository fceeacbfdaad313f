import { describe, expect, it } from "vitest";
import { copyRuns } from "../../../core/bundle/copy_runs.ts";
import { decodeBundle } from "../../../core/bundle/decode.ts";
import { encodeBundle } from "../../../core/bundle/encode.ts";
import { BundleRunReader } from "../../../core/bundle/reader.ts";
import { MemoryRunStore } from "../../../core/memory_store.ts";
import { fakeStore } from "./fake_runs.ts";

/** A memory store that records the order of writes. */
class RecordingStore extends MemoryRunStore {
  writes: string[] = [];
  override async write(runId: string, path: string, data: Uint8Array | string) {
    this.writes.push(`${runId}/${path}`);
    await super.write(runId, path, data);
  }
}

describe("copyRuns", () => {
  it("imports new runs with run.json written last, and skips ids already there without touching them", async () => {
    const source = await fakeStore(3, { points: 10 });
    const [a, b, c] = await source.list();
    const reader = new BundleRunReader(decodeBundle(await encodeBundle(source, [a, b, c], { createdBy: "test" })));
    const target = new RecordingStore();
    await target.write(a, "run.json", "mine");
    await target.write(b, "model/leftover.bin", "half an import"); // a folder without run.json is someone's too
    target.writes = [];
    const result = await copyRuns(reader, target);
    expect(result.imported).toEqual([c]);
    expect(result.skipped).toEqual([`${a}: already in memory://${a}, left as it is`, `${b}: already in memory://${b}, left as it is`]);
    expect(target.writes.at(-1)).toBe(`${c}/run.json`);
    expect(target.writes.every((w) => w.startsWith(`${c}/`))).toBe(true);
    expect(new TextDecoder().decode(await target.read(a, "run.json"))).toBe("mine");
    expect(await target.files(b)).toEqual(["model/leftover.bin"]);
    expect(await target.files(c)).toEqual(await source.files(c).then((f) => f.filter((p) => !p.startsWith("predictions/"))));
    expect(await target.read(c, "model/weights.bin")).toEqual(await source.read(c, "model/weights.bin"));
  });
});
