import type { Windows } from "../data/windows.ts";
import type { RunStore } from "../platform.ts";
import { evaluate, type SplitMetrics, tradingInput } from "../train/evaluate.ts";
import { equityCurve } from "../train/metrics/trading.ts";
import { predictionsParquet } from "../train/predictions.ts";
import { jsonText, type Preprocess } from "../train/run_record.ts";
import type { EnsembleSpec } from "./spec.ts";

/** One scored split of an ensemble: its samples and the ensemble's probabilities of them. */
export interface ScoredSplit {
  windows: Windows;
  probs: Float32Array;
}

/** What an ensemble run holds besides run.json: the spec, how predict reads input for it, its two scored splits. */
export interface EnsembleFiles {
  spec: EnsembleSpec;
  preprocess: Preprocess;
  val: ScoredSplit;
  test: ScoredSplit;
  /** Files copied from the members (their common prepare.json, so `mf predict --raw` works). */
  attachments?: Record<string, Uint8Array>;
}

/**
 * Writes an ensemble run's files in the trainer's formats, scored by the same evaluator as every run:
 * predictions/{val,test}.parquet, metrics.json {val, test}, equity.json, model/ensemble.json and
 * model/preprocess.json. Returns the metrics.
 */
export async function writeEnsembleFiles(store: RunStore, runId: string, files: EnsembleFiles): Promise<{ val: SplitMetrics; test: SplitMetrics }> {
  const { horizon } = files.spec;
  const val = score(files.val, horizon), test = score(files.test, horizon);
  for (const [path, bytes] of Object.entries(files.attachments ?? {})) await store.write(runId, path, bytes);
  await store.write(runId, "predictions/val.parquet", val.parquet);
  await store.write(runId, "predictions/test.parquet", test.parquet);
  await store.write(runId, "metrics.json", jsonText({ val: val.metrics, test: test.metrics }));
  await store.write(runId, "equity.json", JSON.stringify({ val: val.equity, test: test.equity }));
  await store.write(runId, "model/ensemble.json", jsonText(files.spec));
  await store.write(runId, "model/preprocess.json", jsonText(files.preprocess));
  return { val: val.metrics, test: test.metrics };
}

// the same figures and rounding as the trainer's scoring of a split (core/train/fit_run.ts)
function score({ windows, probs }: ScoredSplit, horizon: number) {
  const curve = equityCurve(tradingInput(windows, probs, horizon));
  const round = (a: Float64Array) => Array.from(a, (v) => Number(v.toPrecision(7)));
  const equity = { time: Array.from(curve.time), equity: round(curve.equity), drawdown: round(curve.drawdown) };
  return { metrics: evaluate(windows, probs, horizon), parquet: predictionsParquet(windows, probs, horizon), equity };
}
