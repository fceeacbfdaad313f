import { describe, expect, it } from "vitest";
import { packBundle } from "../../../core/bundle/container.ts";
import { decodeBundle } from "../../../core/bundle/decode.ts";
import { encodeBundle } from "../../../core/bundle/encode.ts";
import { BundleExperimentReader, experimentsOfRuns, readExperiments } from "../../../core/bundle/experiments.ts";
import { BundleRunReader } from "../../../core/bundle/reader.ts";
import { matches, parseSelect } from "../../../core/bundle/select.ts";
import { ConfigError, DataError, NotFoundError } from "../../../core/errors.ts";
import { MemoryRunStore } from "../../../core/memory_store.ts";
import { readRunJson, RunRecord } from "../../../core/train/run_record.ts";
import { fakeExperiment } from "../../fixtures/fake_experiment.ts";
import { fakeStore } from "./fake_runs.ts";

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** The header and sections of a bundle, for building broken ones. */
function open(bytes: Uint8Array) {
  const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true);
  const header = JSON.parse(text(bytes.subarray(12, 12 + length)));
  const sections: Record<string, Uint8Array> = Object.fromEntries(
    Object.entries(header.sections as Record<string, { offset: number; length: number }>).map((
      [name, s],
    ) => [name, bytes.slice(s.offset, s.offset + s.length)]),
  );
  delete header.sections;
  return { header, sections };
}

function rejects(bytes: Uint8Array): string {
  try {
    decodeBundle(bytes, "runs.mfbundle");
  } catch (error) {
    expect(error).toBeInstanceOf(DataError);
    return (error as Error).message;
  }
  throw new Error("the bundle was accepted");
}

/** A bundle of an experiment's runs with the experiment in it; `extra` experiments are written into its store too. */
async function bundleOf(extra: string[] = []) {
  const xp = await fakeExperiment({ failing: { label: "mlp", error: "Out of memory" } });
  for (const name of extra) await xp.experiments.write(name, "experiment.json", JSON.stringify({ name }));
  const bytes = await encodeBundle(xp.runs, xp.runIds, { createdBy: "test", experiments: { reader: xp.experiments, names: [xp.name, ...extra] } });
  return { xp, bytes };
}

describe("experiments in a bundle", () => {
  it("carry every file of each experiment byte for byte, beside the runs, and list them in the header", async () => {
    const { xp, bytes } = await bundleOf(["other"]);
    const bundle = decodeBundle(bytes, "runs.mfbundle");
    expect(bundle.header.version).toBe(1);
    expect(bundle.header.experiments).toEqual([
      { name: "baseline", files: ["experiment.json", "report.json", "report.md"] },
      { name: "other", files: ["experiment.json"] },
    ]);
    const reader = new BundleExperimentReader(bundle);
    expect(await reader.list()).toEqual(["baseline", "other"]);
    for (const path of await xp.experiments.files("baseline")) {
      expect(await reader.read("baseline", path), path).toEqual(await xp.experiments.read("baseline", path));
    }
    expect(JSON.parse(text(await reader.read("baseline", "report.json")))).toEqual(xp.report);
    // the runs are read as before
    const runs = new BundleRunReader(bundle);
    expect(await runs.list()).toEqual([...xp.runIds].sort());
    expect((await readRunJson(runs, xp.runIds[0], "run.json", RunRecord)).experiment?.name).toBe("baseline");
    await expect(reader.read("baseline", "notes.txt")).rejects.toThrow(new NotFoundError("Experiment baseline has no notes.txt in runs.mfbundle"));
    await expect(reader.files("nope")).rejects.toThrow(new NotFoundError("No experiment nope in runs.mfbundle"));
  });

  it("leave a bundle without experiments as version 1 always was: no header field, no section", async () => {
    const store = await fakeStore(1, { points: 5 });
    const plain = await encodeBundle(store, await store.list(), { createdBy: "test", experiments: { reader: new MemoryRunStore(), names: [] } });
    const { header, sections } = open(plain);
    expect("experiments" in header).toBe(false);
    expect(Object.keys(sections).sort()).toEqual(["epochs", "equity", "files"]);
    expect(await new BundleExperimentReader(decodeBundle(plain)).list()).toEqual([]);
  });

  it("are refused on reading when the header and the section disagree, or a name or path is unsafe", async () => {
    const { bytes } = await bundleOf();
    const { header, sections } = open(bytes);
    const [xp] = header.experiments;
    const { experiments: _, ...noSection } = sections;
    expect(rejects(packBundle(header, noSection))).toBe("runs.mfbundle: the header lists 1 experiment(s) but the bundle has no experiments section");
    expect(rejects(packBundle({ ...header, experiments: [] }, sections))).toBe(
      "runs.mfbundle: section experiments holds baseline/experiment.json, which the header does not list",
    );
    expect(rejects(packBundle({ ...header, experiments: [{ ...xp, files: [...xp.files, "ensembles.json"] }] }, sections))).toBe(
      "runs.mfbundle: experiment baseline lists ensembles.json, but the experiments section does not hold it",
    );
    expect(rejects(packBundle({ ...header, experiments: [{ ...xp, files: ["report.json"] }] }, sections))).toBe(
      "runs.mfbundle: experiment baseline has no experiment.json in its file list",
    );
    expect(rejects(packBundle({ ...header, experiments: [xp, xp] }, sections))).toBe("runs.mfbundle: experiment baseline appears twice in the header");
    expect(rejects(packBundle({ ...header, experiments: [{ ...xp, name: "../up" }] }, sections))).toMatch(
      /the header is malformed:[\s\S]*experiments\[0\]\.name/,
    );
    expect(rejects(packBundle({ ...header, experiments: [{ ...xp, files: ["../../x", "experiment.json"] }] }, sections))).toMatch(
      /the header is malformed:[\s\S]*experiments\[0\]\.files\[0\]/,
    );
    expect(rejects(packBundle(header, { ...sections, experiments: sections.files }))).toBe(
      'runs.mfbundle: section experiments has no column "experiment"; columns: run, path, data',
    );
  });
});

describe("readExperiments", () => {
  it("needs an experiment.json naming the experiment, and a name that is a folder name", async () => {
    const store = new MemoryRunStore();
    await store.write("a", "report.md", "# a");
    await store.write("b", "experiment.json", JSON.stringify({ name: "c" }));
    await expect(readExperiments(store, ["a"])).rejects.toThrow(new DataError("Experiment a has no experiment.json (its files: report.md)"));
    await expect(readExperiments(store, ["b"])).rejects.toThrow('Experiment b: experiment.json names experiment "c", not the folder\'s name');
    await expect(readExperiments(store, ["missing"])).rejects.toThrow(new NotFoundError("No experiment missing in the experiments store"));
    await expect(readExperiments(store, ["../a"])).rejects.toThrow(ConfigError);
    await expect(readExperiments(store, ["a", "a"])).rejects.toThrow("Experiment a is asked for twice");
  });
});

describe("the experiments of runs", () => {
  it("are named by their run.json, each once; --select experiment=NAME picks their runs", async () => {
    const xp = await fakeExperiment({ labels: ["a"], horizons: [5], seeds: [1, 2] });
    const other = await fakeStore(1, { points: 5 });
    const plain = (await other.list())[0];
    for (const path of await other.files(plain)) await xp.runs.write(plain, path, await other.read(plain, path));
    expect(await experimentsOfRuns(xp.runs, [...xp.runIds, plain])).toEqual(["baseline"]);
    expect(await experimentsOfRuns(xp.runs, [plain])).toEqual([]);
    const records = await Promise.all([...xp.runIds, plain].map((id) => readRunJson(xp.runs, id, "run.json", RunRecord)));
    expect(records.filter((r) => matches(r, parseSelect("experiment=baseline"))).map((r) => r.id)).toEqual(xp.runIds);
    expect(records.filter((r) => matches(r, parseSelect("experiment=other|baseline,seed=2"))).map((r) => r.id)).toEqual([xp.runIds[1]]);
  });
});
