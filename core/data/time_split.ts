import type { TimeSplitConfig } from "../config/dataset.ts";
import { ConfigError, DataError } from "../errors.ts";
import type { TimeSplitRecord } from "./fingerprint.ts";
import { type Frame, frameRows, symbolRanges } from "./frame.ts";

/** The three splits, in time order. */
export const SPLIT_NAMES = ["train", "val", "test"] as const;
/** One of the three splits. */
export type SplitName = (typeof SPLIT_NAMES)[number];

/** Where val and test start (ms since the epoch, the same for every symbol) and the rows dropped around each boundary. */
export interface TimeSplitPlan {
  valStart: number;
  testStart: number;
  /** Rows dropped before each boundary, per series: their labels would look into the next split. */
  purge: number;
  /** Rows dropped after each boundary, per series. */
  embargo: number;
}

/** Split of a row the purge or the embargo dropped; kept rows are 0 train, 1 val, 2 test. */
export const DROPPED = -1;

/** Rows per split after the purge and the embargo, and how many were dropped. */
export type SplitCounts = Record<SplitName, number> & { dropped: number };

/** What a run records of a time split (declared in zod in fingerprint.ts). */
export type { TimeSplitRecord } from "./fingerprint.ts";

/** How to read a split config: the purge when the config names none, and names for messages. */
export interface PlanOptions {
  /** Purge when `config.purge` is absent: the longest label horizon, so no label looks across a boundary. */
  purge: number;
  /** The data's name, e.g. a file. */
  source: string;
  /** Where the config sits, e.g. `dataset.split` (default `split`). */
  key?: string;
}

/**
 * The boundaries of a time split: `config.dates`, or `config.fractions` of the time range of `time`.
 * Dates out of order, or leaving train or test without a bar, are errors naming the date and the range.
 * @example planTimeSplit(frame.time, { fractions: [0.7, 0.15, 0.15], embargo: 0 }, { purge: 5, source: "data.parquet" })
 */
export function planTimeSplit(time: ArrayLike<number>, config: TimeSplitConfig, options: PlanOptions): TimeSplitPlan {
  const { source, key = "split" } = options;
  let t0 = Infinity, t1 = -Infinity;
  for (let i = 0; i < time.length; i++) {
    if (time[i] < t0) t0 = time[i];
    if (time[i] > t1) t1 = time[i];
  }
  if (!(t0 <= t1)) throw new DataError(`${source} has no rows to split into train, val and test`, { file: source });
  const span = `${source} spans ${iso(t0)} to ${iso(t1)}`;
  let valStart: number, testStart: number;
  if (config.dates) {
    const [a, b] = config.dates;
    [valStart, testStart] = [Date.parse(a), Date.parse(b)];
    if (!(valStart < testStart)) {
      throw new ConfigError(`${key}.dates must be increasing: validation starts at "${a}" but test starts at "${b}"`, {
        key: `${key}.dates`,
        value: config.dates,
      });
    }
    if (!(valStart > t0)) {
      throw new ConfigError(`${key}.dates[0] "${a}" (validation start) leaves train without rows: it must be after the first bar; ${span}`, {
        key: `${key}.dates`,
        value: a,
        file: source,
      });
    }
    if (!(testStart <= t1)) {
      throw new ConfigError(`${key}.dates[1] "${b}" (test start) leaves test without rows: it must be at or before the last bar; ${span}`, {
        key: `${key}.dates`,
        value: b,
        file: source,
      });
    }
  } else {
    const [a, b, c] = config.fractions;
    const total = a + b + c;
    valStart = t0 + ((t1 - t0) * a) / total;
    testStart = t0 + ((t1 - t0) * (a + b)) / total;
    if (!(valStart > t0 && valStart < testStart && testStart <= t1)) {
      throw new ConfigError(`${key}.fractions [${config.fractions.join(", ")}] leave a split without rows: ${span}`, {
        key: `${key}.fractions`,
        value: config.fractions,
        file: source,
      });
    }
  }
  return { valStart, testStart, purge: config.purge ?? options.purge, embargo: config.embargo };
}

/**
 * Assigns every row to a split by its time alone (so every symbol is cut at the same instants); then,
 * in each series, drops the `purge` rows before a boundary (their labels look into the next split)
 * and the `embargo` rows after it. `segments` are [start, end) row ranges of time-ordered series.
 */
export function assignTimeSplit(data: { rows: number; time: ArrayLike<number>; segments: ArrayLike<number> }, plan: TimeSplitPlan): Int8Array {
  const split = new Int8Array(data.rows);
  for (let i = 0; i < data.rows; i++) split[i] = data.time[i] < plan.valStart ? 0 : data.time[i] < plan.testStart ? 1 : 2;
  for (let s = 0; s < data.segments.length; s += 2) {
    const start = data.segments[s], end = data.segments[s + 1];
    // boundaries first (rows that start a new split), then the drops, so one never hides the next
    const boundaries: number[] = [];
    for (let i = start + 1; i < end; i++) if (split[i] !== split[i - 1]) boundaries.push(i);
    for (const b of boundaries) {
      for (let j = Math.max(start, b - plan.purge); j < b; j++) split[j] = DROPPED;
      for (let j = b; j < Math.min(end, b + plan.embargo); j++) split[j] = DROPPED;
    }
  }
  return split;
}

/**
 * Counts the rows of each split; a split left without rows is an error naming the boundaries, the
 * purge and the embargo, so a person sees which value to move.
 */
export function countSplits(split: Int8Array, plan: TimeSplitPlan, source: string): SplitCounts {
  const counts: SplitCounts = { train: 0, val: 0, test: 0, dropped: 0 };
  for (let i = 0; i < split.length; i++) {
    if (split[i] === DROPPED) counts.dropped++;
    else counts[SPLIT_NAMES[split[i]]]++;
  }
  for (const name of SPLIT_NAMES) {
    if (counts[name] > 0) continue;
    const range = name === "train"
      ? `before ${iso(plan.valStart)}`
      : name === "val"
      ? `from ${iso(plan.valStart)} to ${iso(plan.testStart)}`
      : `from ${iso(plan.testStart)}`;
    throw new DataError(
      `${source}: the ${name} split (${range}) has no rows left after purging ${plan.purge} row(s) before each boundary and an embargo of ${plan.embargo}; move the boundaries apart`,
      { file: source, value: iso(name === "test" ? plan.testStart : plan.valStart) },
    );
  }
  return counts;
}

/**
 * The purge that keeps every label inside its split: the horizon, or the label column's own horizon
 * when a `label_h{H}` column with a longer one is read instead.
 */
export function defaultPurge(horizon: number, labelColumn?: string): number {
  return Math.max(horizon, Number(/^label_h(\d+)$/.exec(labelColumn ?? "")?.[1] ?? 0));
}

/** The name a split cut from `file` goes by in messages: `data.parquet (val part)`. */
export function partName(file: string, split: SplitName): string {
  return `${file} (${split} part)`;
}

/** The three frames of a time split, and its record. */
export type TimeSplitFrames = Record<SplitName, Frame> & { record: TimeSplitRecord };

/**
 * Cuts a frame into train, val and test by time, purging rows whose label looks across a boundary.
 * Each split is a frame of its own, so a window built on it never crosses a boundary.
 * @example const { train, val, test, record } = splitFrameByTime(frame, TimeSplitConfig.parse({}), { purge: 5, source: frame.source });
 */
export function splitFrameByTime(frame: Frame, config: TimeSplitConfig, options: PlanOptions): TimeSplitFrames {
  const plan = planTimeSplit(frame.time, config, options);
  const split = assignTimeSplit({ rows: frame.rows, time: frame.time, segments: symbolRanges(frame) }, plan);
  const counts = countSplits(split, plan, options.source);
  const rows = SPLIT_NAMES.map((_, k) => new Int32Array(counts[SPLIT_NAMES[k]]));
  const filled = [0, 0, 0];
  for (let i = 0; i < split.length; i++) if (split[i] !== DROPPED) rows[split[i]][filled[split[i]]++] = i;
  const [train, val, test] = SPLIT_NAMES.map((name, k) => frameRows(frame, rows[k], partName(frame.source, name)));
  return { train, val, test, record: timeSplitRecord(options.source, plan, counts) };
}

/** The record of a time split for run.json. */
export function timeSplitRecord(file: string, plan: TimeSplitPlan, counts: SplitCounts): TimeSplitRecord {
  return {
    file,
    val_start: iso(plan.valStart),
    test_start: iso(plan.testStart),
    purge: plan.purge,
    embargo: plan.embargo,
    rows: { train: counts.train, val: counts.val, test: counts.test },
    dropped: counts.dropped,
  };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
