import { describe, expect, it } from "vitest";
import { decodeBundle } from "../../../core/bundle/decode.ts";
import { BundleRunReader } from "../../../core/bundle/reader.ts";
import { MemoryRunStore } from "../../../core/memory_store.ts";
import { exportBundle, importBundle, importRuns } from "../../../web/runs/bundle.ts";
import { fakeStore } from "../../core/bundle/fake_runs.ts";

// The app's import and export over a runs folder holding one damaged run: the others go through, the damaged one
// is named among the problems. Files picked as a folder carry their path in the name, as webkitRelativePath does.
async function pickedFolder(store: MemoryRunStore): Promise<File[]> {
  const files: File[] = [];
  for (const id of await store.list()) {
    for (const path of await store.files(id)) files.push(new File([await store.read(id, path) as Uint8Array<ArrayBuffer>], `runs/${id}/${path}`));
  }
  return files;
}

describe("the app's import and export with a damaged run", () => {
  it("imports the other runs of a picked runs folder and names the damaged one", async () => {
    const source = await fakeStore(3, { points: 5, predictions: 5, weights: 10 });
    const [a, b, c] = await source.list();
    await source.write(b, "run.json", JSON.stringify({ id: b })); // not a run record
    const into = new MemoryRunStore();
    const result = await importRuns(into, await pickedFolder(source));
    expect(result.imported).toEqual([a, c]);
    expect(result.skipped).toHaveLength(1);
    expect(result.skipped[0]).toMatch(new RegExp(`^not imported \\(damaged\\): Run ${b}: run.json is malformed`));
    expect(await into.list()).toEqual([a, c]);
  });

  it("downloads the other runs when one picked run is damaged, naming it; a bundle import refuses a damaged run and takes the rest", async () => {
    const source = await fakeStore(3, { points: 5, predictions: 5, weights: 10 });
    const [a, b, c] = await source.list();
    await source.write(c, "model/model.json", "{");
    const problems: string[] = [];
    const bytes = await exportBundle(source, [a, b, c], { onDamaged: (p) => problems.push(p) });
    expect(problems).toEqual([expect.stringMatching(new RegExp(`^Run ${c}: model/model.json is not valid JSON`))]);
    expect(await new BundleRunReader(decodeBundle(bytes)).list()).toEqual([a, b]);
    const into = new MemoryRunStore();
    expect(await importBundle(into, new File([bytes as Uint8Array<ArrayBuffer>], "runs.mfbundle"))).toEqual({ imported: [a, b], skipped: [] });

    // without the callback the damaged model file travels (only run.json is checked), and the import refuses that run
    const carried = await exportBundle(source, [a, b, c]);
    expect(await new BundleRunReader(decodeBundle(carried)).list()).toEqual([a, b, c]);
    const fresh = new MemoryRunStore();
    const result = await importBundle(fresh, new File([carried as Uint8Array<ArrayBuffer>], "runs.mfbundle"));
    expect(result.imported).toEqual([a, b]);
    expect(result.skipped).toEqual([expect.stringMatching(new RegExp(`^not imported \\(damaged\\): Run ${c}: model/model.json is not valid JSON`))]);
    expect(await fresh.list()).toEqual([a, b]);
  });
});
