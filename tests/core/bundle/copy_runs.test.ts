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

/** A memory store with `writeRun`, recording each whole run written. */
class WholeRunStore extends MemoryRunStore {
  whole: string[] = [];
  async writeRun(runId: string, files: Record<string, Uint8Array>) {
    this.whole.push(runId);
    await this.remove(runId);
    for (const [path, data] of Object.entries(files)) await this.write(runId, path, data);
  }
}

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe("copyRuns", () => {
  it("imports new runs with run.json written last, skips ids already there untouched, and replaces a folder without run.json", async () => {
    const source = await fakeStore(3, { points: 10 });
    const [a, b, c] = await source.list();
    const reader = new BundleRunReader(decodeBundle(await encodeBundle(source, [a, b, c], { createdBy: "test" })));
    const target = new RecordingStore();
    await target.write(a, "run.json", "mine");
    await target.write(b, "model/leftover.bin", "half an import"); // what an import killed midway left: no run.json
    target.writes = [];
    const result = await copyRuns(reader, target);
    expect(result.imported).toEqual([b, c]);
    expect(result.skipped).toEqual([`${a}: already in memory://${a}, left as it is`]);
    expect(result.damaged).toEqual([]);
    for (const id of [b, c]) expect(target.writes.filter((w) => w.startsWith(`${id}/`)).at(-1)).toBe(`${id}/run.json`);
    expect(target.writes.some((w) => w.startsWith(`${a}/`))).toBe(false);
    expect(text(await target.read(a, "run.json"))).toBe("mine");
    const carried = (await source.files(c)).filter((p) => !p.startsWith("predictions/"));
    expect(await target.files(b)).toEqual(await source.files(b).then((f) => f.filter((p) => !p.startsWith("predictions/"))));
    expect(await target.files(c)).toEqual(carried);
    expect(await target.read(c, "model/weights.bin")).toEqual(await source.read(c, "model/weights.bin"));
  });

  it("checks every run before writing any: a damaged run is refused with the file named, the others are copied", async () => {
    const source = await fakeStore(5, { points: 10 });
    const [good, notJson, notRecord, otherId, badModel] = await source.list();
    await source.write(notJson, "run.json", "{ half");
    await source.write(notRecord, "run.json", JSON.stringify({ id: notRecord, model: "x" }));
    await source.write(otherId, "run.json", text(await source.read(good, "run.json"))); // says it is `good`
    await source.write(badModel, "model/model.json", "not json");
    const target = new RecordingStore();
    const outcomes: string[] = [];
    const result = await copyRuns(source, target, { onRun: (id, outcome) => outcomes.push(`${id} ${outcome}`) });
    expect(result.imported).toEqual([good]);
    expect(result.damaged).toHaveLength(4);
    expect(result.damaged[0]).toMatch(new RegExp(`^Run ${notJson}: run.json is not valid JSON`));
    expect(result.damaged[1]).toMatch(new RegExp(`^Run ${notRecord}: run.json is malformed`));
    expect(result.damaged[2]).toBe(`Run ${otherId}: run.json says its id is "${good}", not "${otherId}"`);
    expect(result.damaged[3]).toMatch(new RegExp(`^Run ${badModel}: model/model.json is not valid JSON`));
    expect(outcomes).toEqual([`${good} imported`, `${notJson} damaged`, `${notRecord} damaged`, `${otherId} damaged`, `${badModel} damaged`]);
    expect(target.writes.every((w) => w.startsWith(`${good}/`))).toBe(true);
    expect(await target.list()).toEqual([good]);
  });

  it("hands a store with writeRun each run whole, and never a run it already has", async () => {
    const source = await fakeStore(2, { points: 10 });
    const [a, b] = await source.list();
    const target = new WholeRunStore();
    await target.write(a, "run.json", "mine");
    await target.write(b, "model/leftover.bin", "half");
    const result = await copyRuns(source, target);
    expect(result.imported).toEqual([b]);
    expect(target.whole).toEqual([b]);
    expect(await target.files(b)).toEqual(await source.files(b));
    expect(text(await target.read(a, "run.json"))).toBe("mine");
  });
});
