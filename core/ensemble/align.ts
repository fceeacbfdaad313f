import { type PredictionColumns, readPredictions } from "../bundle/predictions.ts";
import { DatasetConfig } from "../config/dataset.ts";
import type { Windows } from "../data/windows.ts";
import { DataError } from "../errors.ts";
import { canonicalJson } from "../experiment/cell_id.ts";
import type { RunReader } from "../platform.ts";
import type { RunRecord } from "../train/run_record.ts";

/** What members must agree on to be scored on the same samples, each read from a run.json. */
const MUST_AGREE: readonly [string, (r: RunRecord) => unknown][] = [
  ["the horizon", (r) => r.horizon],
  ["the label column", (r) => r.dataset.label_column],
  ["dataset.exclude_neutrals", (r) => r.config.dataset.exclude_neutrals ?? false],
  ["dataset.split", (r) => r.config.dataset.split ?? null],
  ["dataset.feature_columns", (r) => r.config.dataset.feature_columns ?? null],
  ["dataset.include_symbols", (r) => r.config.dataset.include_symbols ?? null],
  ["dataset.nan_policy", (r) => r.config.dataset.nan_policy ?? "error"],
  ["the feature columns", (r) => r.dataset.features],
  ["the symbols", (r) => r.dataset.symbols],
  ["the validation file", (r) => fileId(r.dataset.files.val)],
  ["the test file", (r) => fileId(r.dataset.files.test)],
];

function fileId(file: RunRecord["dataset"]["files"][string] | undefined) {
  return file ? { name: file.name, bytes: file.bytes ?? null, rows: file.rows } : null;
}

/**
 * The dataset settings the ensemble is scored with: the members' own (they must agree on everything that decides
 * which samples exist and what a file row is: horizon, label, neutrals, split, features, symbols, files) with the
 * longest member window, so every sample is one every member scored. Disagreeing members are a DataError naming
 * the setting and both runs.
 */
export function alignmentConfig(members: readonly RunRecord[]): DatasetConfig & { seq_len: number } {
  const [first, ...rest] = members;
  for (const [what, get] of MUST_AGREE) {
    const want = canonicalJson(get(first));
    for (const other of rest) {
      const got = canonicalJson(get(other));
      if (got !== want) {
        throw new DataError(
          `Ensemble members disagree on ${what}: run ${first.id} has ${want}, run ${other.id} has ${got}; the members of an ensemble must score the same samples`,
          { key: what.startsWith("dataset.") ? what : undefined },
        );
      }
    }
  }
  const longest = members.reduce((a, b) => (b.seq_len > a.seq_len ? b : a));
  const config = DatasetConfig.loose().parse(longest.config.dataset);
  return { ...config, horizon: longest.horizon, seq_len: longest.seq_len };
}

/** A member's stored predictions of one split (predictions/<split>.parquet), checked to be the trainer's columns at the horizon. */
export async function readMemberPredictions(reader: RunReader, runId: string, split: "val" | "test", horizon: number): Promise<PredictionColumns> {
  const path = `predictions/${split}.parquet`;
  const columns = await readPredictions(await reader.read(runId, path));
  if (!columns) throw new DataError(`Run ${runId}: ${path} does not have the trainer's prediction columns`, { file: path });
  const other = columns.horizon.find((h) => h !== horizon);
  if (other !== undefined) {
    throw new DataError(`Run ${runId}: ${path} holds predictions at horizon ${other}, expected ${horizon}`, { file: path, column: "horizon" });
  }
  return columns;
}

/**
 * A member's probabilities (n x 3) on the samples of `windows`, looked up by (symbol, time) in its stored
 * predictions. A sample the member did not score is a DataError naming it: the windows must be the member's own
 * or shorter-sampled (a longer window starts later, so its samples are a subset).
 */
export function alignPredictions(windows: Windows, columns: PredictionColumns, where: string): Float32Array {
  const key = (symbol: string, time: number) => `${symbol}\u0000${time}`;
  const index = new Map<string, number>();
  for (let k = 0; k < columns.datetime.length; k++) index.set(key(columns.symbol[k], columns.datetime[k]), k);
  const { frame, ends } = windows;
  const out = new Float32Array(ends.length * 3);
  for (let s = 0; s < ends.length; s++) {
    const row = ends[s];
    const symbol = frame.symbols[frame.symbol[row]], time = frame.time[row];
    const k = index.get(key(symbol, time));
    if (k === undefined) {
      throw new DataError(
        `${where} has no prediction for ${symbol} at ${
          new Date(time).toISOString()
        }, a sample of the ensemble's ${windows.seqLen}-row windows (${frame.source})`,
        { file: where },
      );
    }
    out[s * 3] = columns.prob_short[k];
    out[s * 3 + 1] = columns.prob_neutral[k];
    out[s * 3 + 2] = columns.prob_long[k];
  }
  return out;
}
