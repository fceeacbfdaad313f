import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeBundle } from "../../core/bundle/decode.ts";
import { encodeBundle } from "../../core/bundle/encode.ts";
import { BundleRunReader } from "../../core/bundle/reader.ts";
import type { WriteColumn } from "../../core/data/parquet_write.ts";
import { writeParquet } from "../../core/data/parquet_write.ts";
import { SYNTH_STRONG_SIGNAL, synthSplits } from "../../core/data/synth.ts";
import { DataError } from "../../core/errors.ts";
import { type Evaluation, evaluationName, readEvaluations, saveEvaluation } from "../../core/evaluation.ts";
import { evaluateRun, predictAndEvaluate } from "../../core/evaluate_run.ts";
import { MemoryRunStore } from "../../core/memory_store.ts";
import { type LoadedRun, loadRun, predictFile } from "../../core/predict.ts";
import type { SplitMetrics } from "../../core/train/evaluate.ts";
import { train } from "../../core/train/trainer.ts";
import { registry } from "../../models/index.ts";
import { tfjsBackend } from "../../models/tfjs/backend.ts";
import { memorySource } from "../helpers.ts";

const tiny = synthSplits({ symbols: 2, rows: 1500, features: 8, seed: 3, signal: SYNTH_STRONG_SIGNAL });
const source = (name: string, columns: readonly WriteColumn[]) => memorySource(name, writeParquet(columns));
const sources = () => ({
  train: source("train.parquet", tiny.train.columns),
  val: source("val.parquet", tiny.val.columns),
  test: source("test.parquet", tiny.test.columns),
});
let clock = 1_700_000_000_000;
const env = (store: MemoryRunStore) => ({ store, clock: { now: () => (clock += 1000) }, startBackend: tfjsBackend() });
const decode = (bytes: Uint8Array) => JSON.parse(new TextDecoder().decode(bytes));

/** Trains a tiny logistic run into `store` and loads its saved model back. */
async function trainAndLoad(store: MemoryRunStore, dataset: Record<string, unknown> = {}): Promise<LoadedRun> {
  const result = await train({ plugin: registry.get("logistic"), sources: sources(), dataset, trainer: { epochs: 3, backend: "cpu" } }, env(store));
  return loadRun(store, result.runId, registry, await tfjsBackend()("cpu"));
}

describe("evaluateRun", () => {
  const store = new MemoryRunStore();
  let run: LoadedRun;
  let stored: { test: SplitMetrics };
  beforeAll(async () => {
    run = await trainAndLoad(store);
    stored = decode(await store.read(run.record.id, "metrics.json"));
  });
  afterAll(() => run?.model.dispose());

  it("on the run's own test file reproduces metrics.json's test section, per symbol included", async () => {
    const { metrics } = await evaluateRun(run, sources().test);
    expect(metrics.n).toBeGreaterThan(100);
    // JSON round trip: metrics.json holds what JSON keeps (non-finite values are already null)
    expect(JSON.parse(JSON.stringify(metrics))).toEqual(stored.test);
  });

  it("describes the data it scored: file, bytes, rows, samples, symbols, label, time range", async () => {
    const test = sources().test;
    const { data } = await evaluateRun(run, test);
    const fingerprint = run.record.dataset.files.test;
    const times = tiny.test.columns.find((c) => c.name === "datetime")!.data as ArrayLike<number>;
    expect(data).toEqual({
      file: "test.parquet",
      bytes: test.byteLength,
      rows: fingerprint.rows,
      samples: fingerprint.samples,
      symbols: ["SYM00", "SYM01"],
      skipped_symbols: [],
      label_column: "label_h5",
      fwd_returns: true,
      time: { start: new Date(Math.min(...Array.from(times))).toISOString(), end: new Date(Math.max(...Array.from(times))).toISOString() },
    });
  });

  it("without forward returns scores trading on the label as a unit payoff, and says so", async () => {
    const { data, metrics } = await evaluateRun(run, source("nofwd.parquet", tiny.test.columns.filter((c) => !c.name.startsWith("fwd_ret_"))));
    expect(data.fwd_returns).toBe(false);
    // classification does not depend on returns; trading does
    expect(metrics.confusion).toEqual(stored.test.confusion);
    expect(metrics.sharpe).not.toBe(stored.test.sharpe);
  });

  it("a file without the run's label column is a DataError naming the file and the column", async () => {
    const unlabelled = source("unlabelled.parquet", tiny.test.columns.filter((c) => c.name !== "label_h5"));
    const error = await evaluateRun(run, unlabelled).catch((e) => e);
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toMatch(/"label_h5".*unlabelled\.parquet/);
  });

  it("features in another order are a DataError naming the first column out of place", async () => {
    const cols = [...tiny.test.columns];
    const a = cols.findIndex((c) => c.name === "f_000"), b = cols.findIndex((c) => c.name === "f_001");
    expect(a).toBeGreaterThanOrEqual(0);
    [cols[a], cols[b]] = [cols[b], cols[a]];
    const error = await evaluateRun(run, source("swapped.parquet", cols)).catch((e) => e);
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toMatch(/swapped\.parquet.*column 0 is "f_001", the model expects "f_000"/);
  });

  it("saveEvaluation writes evaluations/<name>.json, refuses to replace it without force, and readEvaluations reads it back", async () => {
    const { data, metrics } = await evaluateRun(run, sources().test);
    const evaluation: Evaluation = {
      name: "test",
      created_at: "2026-01-01T00:00:00.000Z",
      run_id: run.record.id,
      model: run.record.model,
      horizon: 5,
      data,
      backend: "cpu",
      metrics,
    };
    expect(await saveEvaluation(store, evaluation)).toBe("evaluations/test.json");
    await expect(saveEvaluation(store, { ...evaluation, backend: "wasm" })).rejects.toThrow(/already has an evaluation named "test".*--force/);
    expect(decode(await store.read(run.record.id, "evaluations/test.json")).backend).toBe("cpu");
    await saveEvaluation(store, { ...evaluation, backend: "wasm" }, { force: true });
    const read = await readEvaluations(store, run.record.id);
    expect(read).toHaveLength(1);
    expect(read[0]).toMatchObject({ name: "test", backend: "wasm", data: { samples: data.samples } });
    expect(read[0].metrics.f1_macro).toBe(metrics.f1_macro);
  });

  it("a bundle carries the evaluations, so the static viewer reads them through its RunReader", async () => {
    const { data, metrics } = await evaluateRun(run, sources().test);
    const evaluation: Evaluation = {
      name: "bundled",
      created_at: "2026-01-01T00:00:00.000Z",
      run_id: run.record.id,
      model: "m",
      horizon: 5,
      data,
      backend: "cpu",
      metrics,
    };
    await saveEvaluation(store, evaluation, { force: true });
    const bytes = await encodeBundle(store, [run.record.id], { createdBy: "test", now: Date.UTC(2026, 0, 1) });
    const read = await readEvaluations(new BundleRunReader(decodeBundle(bytes, "runs.mfbundle")), run.record.id);
    expect(read.find((e) => e.name === "bundled")).toEqual(JSON.parse(JSON.stringify(evaluation)));
  });
});

/** Counts the calls of the run's model.predict from now on. */
function countPredicts(run: LoadedRun): { calls: number } {
  const counter = { calls: 0 };
  const predict = run.model.predict.bind(run.model);
  run.model.predict = (data, options) => (counter.calls++, predict(data, options));
  return counter;
}

describe("predictAndEvaluate", () => {
  const store = new MemoryRunStore();
  let run: LoadedRun;
  beforeAll(async () => {
    run = await trainAndLoad(store);
  });
  afterAll(() => run?.model.dispose());

  it("runs the model once and gives predictFile's predictions and evaluateRun's scores", async () => {
    const [alone, scored] = [await predictFile(run, sources().test), await evaluateRun(run, sources().test)];
    const counter = countPredicts(run);
    const { predictions, evaluation } = await predictAndEvaluate(run, sources().test);
    expect(counter.calls).toBe(1);
    // every row with a full window is predicted, the unlabelled ones too (the file ends in rows without a label)
    expect(predictions.windows.size).toBeGreaterThan(evaluation.data.samples);
    expect(Array.from(predictions.windows.ends)).toEqual(Array.from(alone.windows.ends));
    expect(predictions.probs).toEqual(alone.probs);
    expect(predictions.parquet).toEqual(alone.parquet);
    expect(evaluation).toEqual(scored);
  });

  it("a file without labelled samples of a full window is the DataError evaluateRun gives", async () => {
    const labels = tiny.test.columns.find((c) => c.name === "label_h5")!;
    const nullLabels = { ...labels, data: Array.from({ length: (labels.data as ArrayLike<unknown>).length }, () => null) } as WriteColumn;
    const columns = tiny.test.columns.map((c) => (c.name === "label_h5" ? nullLabels : c));
    const ours = await predictAndEvaluate(run, source("nolabels.parquet", columns)).catch((e) => e);
    const theirs = await evaluateRun(run, source("nolabels.parquet", columns)).catch((e) => e);
    expect(ours).toBeInstanceOf(DataError);
    expect(ours.message).toBe(theirs.message);
  });
});

describe("evaluateRun with exclude_neutrals", () => {
  it("leaves out neutral samples as the run's training did, so its test metrics come back", async () => {
    const store = new MemoryRunStore();
    const run = await trainAndLoad(store, { exclude_neutrals: true });
    const { data, metrics } = await evaluateRun(run, sources().test);
    expect(data.samples).toBe(run.record.dataset.files.test.samples);
    expect(metrics.support["0"]).toBe(0);
    expect(JSON.parse(JSON.stringify(metrics))).toEqual(decode(await store.read(run.record.id, "metrics.json")).test);
    // the Predict page's single pass leaves the neutral samples out of its scores the same way
    expect((await predictAndEvaluate(run, sources().test)).evaluation).toEqual({ data, metrics });
    run.model.dispose();
  });
});

describe("evaluationName", () => {
  it("is the file's base name without extension, unsafe characters made _", () => {
    expect(evaluationName("data/2024 q1/test-2024.parquet")).toBe("test-2024");
    expect(evaluationName("C:\\x\\my file (v2).parquet")).toBe("my_file__v2_");
    expect(evaluationName(".hidden.parquet")).toBe("_hidden");
    expect(evaluationName("plain")).toBe("plain");
  });
});
