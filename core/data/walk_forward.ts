import { z } from "zod";
import type { DatasetConfig } from "../config/dataset.ts";
import { DataError } from "../errors.ts";
import type { ProgressSink } from "../platform.ts";
import type { LoadedDataset } from "./dataset.ts";
import { type Frame, frameRows, symbolRanges } from "./frame.ts";
import { fitStandardScaler, scaleFrame, type StandardScaler } from "./scaler.ts";
import type { RunData, RunSplits } from "./splits.ts";
import { assignTimeSplit, defaultPurge } from "./time_split.ts";
import { windowSplits } from "./window_splits.ts";

/**
 * Purged walk-forward cross-validation over the rows before test: the time range of train + val is cut into
 * `folds + 1` equal blocks; fold k validates on block k + 1 and trains on every block before it (expanding) or on
 * block k alone (sliding). At each fold boundary the `purge` rows before it (their labels look across) and the
 * `embargo` rows after it are dropped per symbol; the scaler is fitted on each fold's training part.
 */
export const WalkForwardConfig = z.strictObject({
  folds: z.number().int().min(2).max(50),
  window: z.enum(["expanding", "sliding"]).default("expanding"),
  /** Rows dropped before each fold boundary; the label's horizon when absent. */
  purge: z.number().int().min(0).max(100_000).optional(),
  /** Rows dropped after each fold boundary. */
  embargo: z.number().int().min(0).max(100_000).default(0),
});
/** Walk-forward settings after defaults. */
export type WalkForwardConfig = z.output<typeof WalkForwardConfig>;

/** One fold's time ranges, [from, to) in ms (to is Infinity for the last fold's validation). */
export interface FoldBounds {
  trainFrom: number;
  valFrom: number;
  valTo: number;
}

/** The folds' time ranges over rows spanning `time`'s range. */
export function foldBounds(time: ArrayLike<number>, cv: Pick<WalkForwardConfig, "folds" | "window">): FoldBounds[] {
  let t0 = Infinity, t1 = -Infinity;
  for (let i = 0; i < time.length; i++) [t0, t1] = [Math.min(t0, time[i]), Math.max(t1, time[i])];
  const edge = (j: number) => (j === 0 ? -Infinity : j > cv.folds ? Infinity : t0 + ((t1 - t0) * j) / (cv.folds + 1));
  return Array.from({ length: cv.folds }, (_, k) => ({
    trainFrom: cv.window === "expanding" ? -Infinity : edge(k),
    valFrom: edge(k + 1),
    valTo: edge(k + 2),
  }));
}

/**
 * The folds of a loaded dataset. `fold(k)` is data a run trains on like any other (core/train/fit_run.ts), with
 * train and val only: it has no test split, so nothing trained on a fold can score test.
 */
export class WalkForward {
  private readonly cuts = new Map<string, { frames: { train: Frame; val: Frame }; scaler?: StandardScaler; bounds: FoldBounds; purge: number }>();

  constructor(private readonly data: LoadedDataset, readonly cv: WalkForwardConfig) {}

  /** Fold `k` (0 is the earliest) as run data. */
  fold(k: number): RunData {
    if (!(Number.isInteger(k) && k >= 0 && k < this.cv.folds)) throw new RangeError(`Fold ${k} is out of range 0..${this.cv.folds - 1}`);
    return { splits: (config, progress) => this.splits(k, config, progress) };
  }

  private splits(k: number, config: DatasetConfig & { seq_len: number }, progress?: ProgressSink): RunSplits {
    const { frames, scaler, bounds, purge } = this.cut(k, config);
    const labelColumn = frames.train.labelColumn!;
    const files = { train: { name: frames.train.source }, val: { name: frames.val.source } };
    const { windows, records } = windowSplits(frames, files, config, labelColumn, progress);
    const iso = (ms: number) => (Number.isFinite(ms) ? new Date(ms).toISOString() : null);
    return {
      train: windows.train,
      val: windows.val,
      featureNames: frames.train.featureNames,
      scaler,
      labelColumn,
      fingerprint: {
        files: records,
        symbols: [...new Set([...frames.train.symbols, ...frames.val.symbols])].sort(),
        features: [...frames.train.featureNames],
        label_column: labelColumn,
        cv: {
          fold: k,
          folds: this.cv.folds,
          window: this.cv.window,
          purge,
          embargo: this.cv.embargo,
          train_from: iso(bounds.trainFrom),
          val_from: iso(bounds.valFrom),
          val_to: iso(bounds.valTo),
        },
      },
    };
  }

  /** Fold k's frames for a run's label, split and scaling; made once and kept for the next trial that needs the same. */
  private cut(k: number, config: DatasetConfig) {
    const dev = this.data.developmentFrame(config);
    const key = JSON.stringify([k, dev.labelColumn, config.split ?? null, config.standardize]);
    const known = this.cuts.get(key);
    if (known) return known;
    const bounds = foldBounds(dev.time, this.cv)[k];
    const purge = this.cv.purge ?? defaultPurge(config.horizon, dev.labelColumn);
    // the fold's rows, then one boundary between its train and val parts, purged and embargoed per symbol
    const inside: number[] = [];
    for (let i = 0; i < dev.rows; i++) if (dev.time[i] >= bounds.trainFrom && dev.time[i] < bounds.valTo) inside.push(i);
    const part = frameRows(dev, inside);
    const split = assignTimeSplit({ rows: part.rows, time: part.time, segments: symbolRanges(part) }, {
      valStart: bounds.valFrom,
      testStart: Infinity,
      purge,
      embargo: this.cv.embargo,
    });
    const pick = (s: number) => split.reduce<number[]>((rows, v, i) => (v === s && rows.push(i), rows), []);
    const name = (what: string) => `${dev.source} (fold ${k + 1}/${this.cv.folds} ${what})`;
    let frames = { train: frameRows(part, pick(0), name("train")), val: frameRows(part, pick(1), name("val")) };
    for (const [what, frame] of Object.entries(frames)) {
      if (frame.rows === 0) {
        throw new DataError(
          `${
            name(what)
          } has no rows after purging ${purge} and an embargo of ${this.cv.embargo} row(s) per symbol: ${dev.source} is too short for ${this.cv.folds} folds; use fewer folds`,
          { file: dev.source, value: this.cv.folds },
        );
      }
    }
    const scaler = config.standardize ? fitStandardScaler(frames.train) : undefined;
    if (scaler) frames = { train: scaleFrame(scaler, frames.train), val: scaleFrame(scaler, frames.val) };
    const entry = { frames, scaler, bounds, purge };
    this.cuts.set(key, entry);
    return entry;
  }
}
