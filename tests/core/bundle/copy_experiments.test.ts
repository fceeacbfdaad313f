import { describe, expect, it } from "vitest";
import { copyExperiments } from "../../../core/bundle/copy_experiments.ts";
import { MemoryRunStore } from "../../../core/memory_store.ts";

/** A memory store that records the order of writes. */
class RecordingStore extends MemoryRunStore {
  writes: string[] = [];
  override async write(name: string, path: string, data: Uint8Array | string) {
    this.writes.push(`${name}/${path}`);
    await super.write(name, path, data);
  }
}

async function experiment(store: MemoryRunStore, name: string, report = "{}") {
  await store.write(name, "experiment.json", JSON.stringify({ name }));
  await store.write(name, "report.json", report);
  await store.write(name, "report.md", `# ${name}`);
}

describe("copyExperiments", () => {
  it("writes new experiments with experiment.json last, leaves identical ones, and never overwrites another version", async () => {
    const source = new MemoryRunStore();
    for (const name of ["fresh", "same", "changed", "partial"]) await experiment(source, name);
    const target = new RecordingStore();
    await experiment(target, "same");
    await experiment(target, "changed", '{"older": true}');
    await target.write("partial", "report.md", "# partial"); // a leftover without experiment.json is someone's too
    target.writes = [];
    const seen: string[] = [];
    const result = await copyExperiments(source, target, {
      names: ["fresh", "same", "changed", "partial"],
      onExperiment: (name, outcome) => seen.push(`${name} ${outcome}`),
    });
    expect(result).toEqual({
      imported: ["fresh"],
      identical: ["same"],
      skipped: [
        "changed: memory://changed holds another version (report.json differs); left as it is",
        "partial: memory://partial holds another version (experiment.json (not there), report.json (not there) differ); left as it is",
      ],
    });
    expect(seen).toEqual(["fresh imported", "same identical", "changed skipped", "partial skipped"]);
    expect(target.writes).toEqual(["fresh/report.json", "fresh/report.md", "fresh/experiment.json"]);
    expect(new TextDecoder().decode(await target.read("changed", "report.json"))).toBe('{"older": true}');
    expect(await target.files("partial")).toEqual(["report.md"]);
  });
});
