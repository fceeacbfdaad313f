// Shared by the training benchmarks (train_speed.ts, dispatches.ts) and the dispatch budget check: the issues'
// training shapes and settings, and random training windows of a given shape, so a model trains without a data file.
import type { Frame } from "../core/data/frame.ts";
import { Windows } from "../core/data/windows.ts";
import { createRng } from "../core/random.ts";

/** The issues' training shape (issues 3 and 15): a window of 60 rows x 107 features, batch 256. */
export const ISSUE_SHAPE = { seqLen: 60, features: 107, batch: 256 } as const;

/** The issues' architectures: MLP 6420 -> 128 -> 3 without dropout and LSTM(64) (GRU likewise); the other models at their defaults. */
export const ISSUE_PARAMS: Record<string, unknown> = { mlp: { hidden: [128], dropout: 0 }, lstm: { units: 64 }, gru: { units: 64 } };

/** One symbol of random standardised rows (`features` columns) with random labels: enough for `samples` windows of `seqLen` rows. */
export function syntheticWindows(samples: number, seed: number, shape: { seqLen: number; features: number }): Windows {
  const { seqLen, features: F } = shape;
  const rows = samples + seqLen - 1;
  const rng = createRng(seed);
  const features = Float32Array.from({ length: rows * F }, () => rng.normal());
  const label = Int8Array.from({ length: rows }, () => rng.int(3) - 1);
  const frame: Frame = {
    source: "synthetic",
    rows,
    featureNames: Array.from({ length: F }, (_, j) => `f${j}`),
    features,
    time: Float64Array.from({ length: rows }, (_, i) => i * 300_000),
    symbols: ["SYM"],
    symbol: new Int32Array(rows),
    label,
  };
  return new Windows(frame, { seqLen, requireLabel: true });
}
