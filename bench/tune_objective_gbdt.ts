// The five-parameter GBDT-on-synth objective of bench/tune.ts: trees:gbdt fitted on a small synth dataset with the
// sampled learning rate, depth, min child weight, subsample and colsample, scored by validation log loss (minimise).
// The data, rounds and trainer seed are fixed, so the value is a function of the five parameters alone.
// Run as a program it serves the objective to bench/tune_reference.py (Optuna): one JSON object of parameters per line
// on stdin, one JSON value per line on stdout, in one long-lived process (no start-up per trial). Its first line is
// `{"space": GBDT_SPACE}`, so Optuna samples the very space ours does.
import { DatasetConfig } from "../core/config/dataset.ts";
import { horizonLabels, LoadedDataset } from "../core/data/dataset.ts";
import { writeParquet } from "../core/data/parquet_write.ts";
import { synthSplits } from "../core/data/synth.ts";
import { MemoryRunStore } from "../core/memory_store.ts";
import type { ByteSource } from "../core/platform.ts";
import { fitRun } from "../core/train/fit_run.ts";
import { objectiveValue } from "../core/tune/objective.ts";
import type { SearchSpace } from "../core/tune/space.ts";
import { gbdt } from "../models/gbdt/gbdt.ts";
import { startBackend, versions } from "../cli/versions.ts";

/** The data: 2 symbols x 2,000 bars x 12 features, strong signal, horizon 5. */
export const GBDT_SYNTH = { symbols: 2, rows: 2000, features: 12, seed: 7, horizons: [5], signal: 1 };
/** Boosting rounds per fit (no early stopping: every trial trains the same number of rounds). */
export const GBDT_ROUNDS = 20;
const HORIZON = 5;

/** The five parameters and their ranges (the model's own ranges, models/gbdt/gbdt.ts, but depth 2-8 instead of 3-10 to keep fits short). */
export const GBDT_SPACE: SearchSpace = {
  "params.learning_rate": { type: "float", low: 0.01, high: 0.3, log: true },
  "params.max_depth": { type: "int", low: 2, high: 8 },
  "params.min_child_weight": { type: "float", low: 0.1, high: 20, log: true },
  "params.subsample": { type: "float", low: 0.5, high: 1 },
  "params.colsample_bytree": { type: "float", low: 0.5, high: 1 },
};

function source(name: string, bytes: Uint8Array): ByteSource {
  return {
    name,
    byteLength: bytes.length,
    slice: (start, end = bytes.length) => bytes.buffer.slice(bytes.byteOffset + start, bytes.byteOffset + end) as ArrayBuffer,
  };
}

/** Loads the synth data once and returns the objective: validation log loss of trees:gbdt with the given parameters. */
export async function gbdtObjective(): Promise<(p: Record<string, unknown>) => Promise<number>> {
  const splits = synthSplits(GBDT_SYNTH);
  const data = await LoadedDataset.load({
    train: source("train.parquet", writeParquet(splits.train.columns)),
    val: source("val.parquet", writeParquet(splits.val.columns)),
    test: source("test.parquet", writeParquet(splits.test.columns)),
  }, { ...DatasetConfig.parse({ horizon: HORIZON }), labels: horizonLabels([HORIZON]) });
  const env = { clock: Date, startBackend, versions: versions() };
  return async (p) => {
    const params = Object.fromEntries(Object.entries(p).map(([k, v]) => [k.replace(/^params\./, ""), v]));
    const trainer = { epochs: GBDT_ROUNDS, patience: GBDT_ROUNDS, seed: 42, backend: "cpu", checkpoint: false };
    // A fresh store per fit: the runs are thrown away, and a shared one would keep every model in memory.
    const result = await fitRun(data, {
      plugin: gbdt,
      params: { input: "last", ...params },
      dataset: { horizon: HORIZON, seq_len: 1 },
      trainer,
      scoreTest: false,
    }, {
      ...env,
      store: new MemoryRunStore(),
    });
    return objectiveValue("log_loss", result.val);
  };
}

if (import.meta.main) {
  const objective = await gbdtObjective();
  const encoder = new TextEncoder();
  await Deno.stdout.write(encoder.encode(JSON.stringify({ space: GBDT_SPACE }) + "\n"));
  let pending = "";
  for await (const chunk of Deno.stdin.readable.pipeThrough(new TextDecoderStream())) {
    pending += chunk;
    let end;
    while ((end = pending.indexOf("\n")) >= 0) {
      const line = pending.slice(0, end).trim();
      pending = pending.slice(end + 1);
      if (!line) continue;
      const value = await objective(JSON.parse(line));
      await Deno.stdout.write(encoder.encode(JSON.stringify(value) + "\n"));
    }
  }
}
