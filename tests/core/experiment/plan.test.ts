import { describe, expect, it } from "vitest";
import { canonicalJson, contentId } from "../../../core/experiment/cell_id.ts";
import { planExperiment, selectCells } from "../../../core/experiment/plan.ts";
import { registry } from "../../../models/index.ts";

const base = {
  experiment: { name: "baseline", description: "test" },
  data: { dir: "data" },
  horizons: [5, 20],
  seeds: [1, 2],
  models: [
    { name: "trees:gbdt", config_path: "gbdt.json" },
    { name: "mlp" },
    { name: "neural:lstm", label: "lstm-60", dataset: { seq_len: 60 }, trainer: { epochs: 10 } },
  ],
  dataset: { standardize: true, seq_len: 4 },
  trainer: { patience: 5, epochs: 3 },
};
const modelFiles = { "gbdt.json": { model: "trees:gbdt", params: { max_depth: 3 }, dataset: { seq_len: 1 }, trainer: { epochs: 50, seed: 9 } } };
const plan = (raw: unknown, fingerprint: unknown = { rows: 100 }) =>
  planExperiment(raw, { registry, file: "exp.yaml", modelFiles, dataFingerprint: fingerprint });

describe("planExperiment", () => {
  it("expands models x horizons x seeds in that order, with labels and full names", () => {
    const { cells } = plan(base);
    expect(cells).toHaveLength(12);
    expect(cells.map((c) => `${c.label}/${c.horizon}/${c.seed}`).slice(0, 5)).toEqual(["gbdt/5/1", "gbdt/5/2", "gbdt/20/1", "gbdt/20/2", "mlp/5/1"]);
    expect(cells.map((c) => c.index)).toEqual([...Array(12).keys()]);
    expect(new Set(cells.map((c) => c.model))).toEqual(new Set(["trees:gbdt", "neural:mlp", "neural:lstm"]));
  });

  it("layers settings: plugin defaults < config file < shared < model entry; horizon and seed from the cell", () => {
    const { cells } = plan(base);
    const gbdt = cells[0], lstm = cells.find((c) => c.label === "lstm-60" && c.horizon === 20 && c.seed === 2)!;
    expect(gbdt.resolved.params.max_depth).toBe(3); // from the file
    expect(gbdt.resolved.trainer.epochs).toBe(3); // shared beats the file's 50
    expect(gbdt.resolved.trainer.seed).toBe(1); // the cell's seed beats the file's 9
    expect(gbdt.resolved.dataset.seq_len).toBe(4); // shared beats the file's 1
    expect(lstm.resolved.dataset).toMatchObject({ seq_len: 60, horizon: 20, standardize: true });
    expect(lstm.resolved.trainer).toMatchObject({ epochs: 10, patience: 5, seed: 2 });
    expect(lstm.resolved.params.units).toBeTypeOf("number"); // the plugin's default
  });

  it("reads every horizon's label column once", () => {
    expect(plan(base).labels).toEqual([{ label: "label_h5", fwdReturn: "fwd_ret_h5" }, { label: "label_h20", fwdReturn: "fwd_ret_h20" }]);
  });

  it("gives one file's time split to every cell", () => {
    const { cells } = plan({ ...base, data: { path: "bars.parquet", split: { fractions: [0.6, 0.2, 0.2] } } });
    expect(cells.every((c) => c.resolved.dataset.split?.fractions?.[0] === 0.6)).toBe(true);
  });

  it("names the file and key of a bad setting before anything runs", () => {
    const bad = structuredClone(base) as typeof base & { models: Record<string, unknown>[] };
    bad.models[1].params = { hiden: [8] };
    expect(() => plan(bad)).toThrow(/exp\.yaml: models\[1\] \(mlp\): neural:mlp config: unknown key "hiden" \(did you mean "hidden"\?\)/);
    expect(() => plan({ ...base, trainer: { epoch: 3 } })).toThrow(/experiment config exp\.yaml.*unknown key "trainer\.epoch" \(did you mean "epochs"\?\)/);
    expect(() => plan({ ...base, models: [{ name: "lstmm" }] })).toThrow(/Unknown model "lstmm" \(did you mean "lstm"\?\)/);
    expect(() => plan({ ...base, models: [{ name: "mlp" }, { name: "neural:mlp" }] })).toThrow(/models\[1\]: label "mlp" is already used by models\[0\]/);
    expect(() => plan({ ...base, data: { dir: "a", path: "b" } })).toThrow(/give exactly one of dir/);
    expect(() => plan({ ...base, models: [{ name: "mlp", dataset: { nan_policy: "drop" } }, { name: "logistic" }] })).toThrow(
      /models\[1\] \(logistic\): reads the data differently from mlp/,
    );
  });

  it("refuses a config_path written for another model", () => {
    const raw = { ...base, models: [{ name: "mlp", config_path: "gbdt.json" }] };
    expect(() => plan(raw)).toThrow(/config_path gbdt\.json is for "trees:gbdt", but the entry names "mlp"/);
  });
});

describe("cell identity", () => {
  it("is the same for the same config, whatever the key order, and for another experiment name", () => {
    const a = plan(base).cells.map((c) => c.cellId);
    const reordered = {
      trainer: base.trainer,
      dataset: { seq_len: 4, standardize: true },
      models: base.models,
      seeds: base.seeds,
      horizons: base.horizons,
      data: base.data,
      experiment: { name: "other", description: "" },
    };
    expect(plan(reordered).cells.map((c) => c.cellId)).toEqual(a);
    expect(new Set(a).size).toBe(12);
  });

  it("changes with one changed param, only in that model's cells", () => {
    const a = plan(base).cells;
    const changed = structuredClone(base) as typeof base & { models: Record<string, unknown>[] };
    changed.models[1].params = { hidden: [7] };
    const b = plan(changed).cells;
    a.forEach((cell, k) => expect(b[k].cellId === cell.cellId).toBe(cell.label !== "mlp"));
  });

  it("changes with the data fingerprint, and with a default that a setting now spells out differently", () => {
    const a = plan(base).cells[0].cellId;
    expect(plan(base, { rows: 101 }).cells[0].cellId).not.toBe(a);
    // spelling out a default gives the same resolved settings, so the same cell
    expect(plan({ ...base, trainer: { ...base.trainer, min_delta: 1e-4 } }).cells[0].cellId).toBe(a);
  });

  it("hashes canonical JSON: sorted keys at every level", () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[2,{"y":2,"z":1}]},"b":1}');
    expect(contentId({ a: 1, b: 2 })).toBe(contentId({ b: 2, a: 1 }));
    expect(contentId({ a: 1 })).toMatch(/^[0-9a-f]{16}$/);
    expect(contentId({ a: 1 })).not.toBe(contentId({ a: 2 }));
  });
});

describe("selectCells (--only)", () => {
  const { cells } = plan(base);
  it("filters by model (full or short name), label, horizon and seed, with | for alternatives", () => {
    expect(selectCells(cells, "model=gbdt|neural:mlp,horizon=5").map((c) => `${c.label}/${c.seed}`)).toEqual(["gbdt/1", "gbdt/2", "mlp/1", "mlp/2"]);
    expect(selectCells(cells, "label=lstm-60,seed=2")).toHaveLength(2);
    expect(selectCells(cells, undefined)).toHaveLength(12);
  });
  it("names a bad key", () => {
    expect(() => selectCells(cells, "family=trees")).toThrow(/--only: expected key=value with key model, label, horizon or seed, got "family=trees"/);
  });
});
