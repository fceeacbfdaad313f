import type { ByteSource } from "./platform.ts";
import type { Frame } from "./data/frame.ts";
import { Windows } from "./data/windows.ts";
import { DataError } from "./errors.ts";
import type { EvaluationData } from "./evaluation.ts";
import { type FilePredictions, type LoadedRun, predictFrame, readRunFrame } from "./predict.ts";
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
  const { windows, probs } = await predictFrame(run, frame, { requireLabel: true, excludeNeutrals: excludesNeutrals(run) });
  return { data: evaluationData(run, source, frame, windows), metrics: evaluate(windows, probs, run.preprocess.horizon) };
}

/**
 * Scores every row of a labelled file that has a full window (as `predictFile` does) and, from those same
 * predictions, its labelled samples as `evaluateRun` does: the model runs once. For the Predict page, which
 * shows both; the metrics are evaluateRun's (the same samples, and each sample's probabilities do not
 * depend on which other windows share its batch).
 */
export async function predictAndEvaluate(run: LoadedRun, source: ByteSource): Promise<{ predictions: FilePredictions; evaluation: RunEvaluation }> {
  const frame = await readRunFrame(run, source, { labels: true });
  const predictions = await predictFrame(run, frame);
  // the labelled samples are a subset of every row's windows, over the same (scaled) frame
  const labelled = new Windows(predictions.windows.frame, { seqLen: run.preprocess.seq_len, requireLabel: true, excludeNeutrals: excludesNeutrals(run) });
  if (labelled.size === 0) {
    throw new DataError(
      `${frame.source} has no symbol with ${run.preprocess.seq_len} rows ending in a labelled row (${frame.labelColumn}), the run's window length`,
      {
        file: frame.source,
      },
    );
  }
  const probs = pickRows(predictions.windows.ends, predictions.probs, labelled.ends);
  const evaluation = { data: evaluationData(run, source, frame, labelled), metrics: evaluate(labelled, probs, run.preprocess.horizon) };
  return { predictions, evaluation };
}

/** Whether the run's training left neutral samples out (its evaluation does too). */
function excludesNeutrals(run: LoadedRun): boolean {
  return run.record.config.dataset.exclude_neutrals ?? false;
}

/** The probability rows (n x 3) of `wanted` end rows, out of those of `ends`; both ascending, `wanted` a subset. */
function pickRows(ends: Int32Array, probs: Float32Array, wanted: Int32Array): Float32Array {
  const out = new Float32Array(wanted.length * 3);
  let k = 0;
  for (let j = 0; j < wanted.length; j++) {
    while (ends[k] < wanted[j]) k++;
    if (ends[k] !== wanted[j]) throw new RangeError(`Sample ending at row ${wanted[j]} was not predicted`);
    out.set(probs.subarray(k * 3, k * 3 + 3), j * 3);
  }
  return out;
}

/** What a scored file was: its size, rows, samples, symbols, label column and time range. */
function evaluationData(run: LoadedRun, source: ByteSource, frame: Frame, windows: Windows): EvaluationData {
  let first = Infinity, last = -Infinity;
  for (const t of frame.time) {
    if (t < first) first = t;
    if (t > last) last = t;
  }
  const iso = (t: number) => (Number.isFinite(t) ? new Date(t).toISOString() : null);
  return {
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
}
