import type { ByteSource } from "./platform.ts";
import type { EvaluationData } from "./evaluation.ts";
import { type LoadedRun, predictFrame, readRunFrame } from "./predict.ts";
import { evaluate, type SplitMetrics } from "./train/evaluate.ts";

/** The scores of one labelled file and what it was. */
export interface RunEvaluation {
  data: EvaluationData;
  metrics: SplitMetrics;
}

/**
 * Scores a loaded run on a labelled file the way training scored its test split: the run's features
 * (checked by name and order), NaN policy, scaler, window and neutral rule; every labelled row with a
 * full window is a sample. A file without the run's label column is a DataError naming both.
 */
export async function evaluateRun(run: LoadedRun, source: ByteSource): Promise<RunEvaluation> {
  const frame = await readRunFrame(run, source, { labels: true });
  const excludeNeutrals = run.record.config.dataset.exclude_neutrals ?? false;
  const { windows, probs } = await predictFrame(run, frame, { requireLabel: true, excludeNeutrals });
  const metrics = evaluate(windows, probs, run.preprocess.horizon);
  let first = Infinity, last = -Infinity;
  for (const t of frame.time) {
    if (t < first) first = t;
    if (t > last) last = t;
  }
  const iso = (t: number) => (Number.isFinite(t) ? new Date(t).toISOString() : null);
  const data: EvaluationData = {
    file: source.name,
    bytes: source.byteLength,
    rows: frame.rows,
    samples: windows.size,
    symbols: [...frame.symbols],
    skipped_symbols: [...windows.skippedSymbols],
    label_column: run.preprocess.label_column,
    fwd_returns: frame.fwdReturn !== undefined,
    time: { start: iso(first), end: iso(last) },
  };
  return { data, metrics };
}
