/**
 * Summaries over seeds for the experiment report: the mean and spread of each metric of a model's
 * finished runs at one horizon.
 * @module
 */

import type { SplitMetrics } from "../train/evaluate.ts";

/** Mean and sample standard deviation (ddof 1) over seeds; n counts the seeds with a finite value. */
export interface SeedStat {
  /** Mean over the seeds with a finite value; null when there are none. */
  mean: number | null;
  /** Sample standard deviation; null with fewer than 2 values. */
  std: number | null;
  /** Seeds that had a finite value (profit factor is null when a run has no losses, and is left out). */
  n: number;
}

/** A stat of 0-based epoch numbers as a person counts them, from 1 (`mf train` and `mf runs` say "best epoch" that way): the mean moves, the spread does not. */
export function countedFromOne(s: SeedStat): SeedStat {
  return { ...s, mean: s.mean === null ? null : s.mean + 1 };
}

/** Split metrics the report compares, each over seeds. */
export interface SplitSummary {
  f1_macro: SeedStat;
  /** Per-class F1, keyed by class label -1, 0, 1. */
  f1: { "-1": SeedStat; "0": SeedStat; "1": SeedStat };
  log_loss: SeedStat;
  sharpe: SeedStat;
  psr: SeedStat;
  max_drawdown: SeedStat;
  win_rate: SeedStat;
  profit_factor: SeedStat;
  n_trades: SeedStat;
}

/** What a run's fit cost, as the runner records it. */
export interface FitInfo {
  fit_s?: number;
  epochs_run?: number;
  best_epoch?: number;
  peak_rss_mb?: number;
  train_samples?: number;
  train_samples_available?: number;
}

/** Fit cost over seeds; s_per_epoch = fit_s / epochs_run of each run. */
export interface FitSummary {
  fit_s: SeedStat;
  s_per_epoch: SeedStat;
  peak_rss_mb: SeedStat;
  epochs_run: SeedStat;
  best_epoch: SeedStat;
  train_samples: SeedStat;
  train_samples_available: SeedStat;
}

/** The split metrics read by the report; older metrics.json files may lack the newer keys. */
type SplitLike = Partial<SplitMetrics> | undefined;

/**
 * Mean and sample std of the finite numbers among `values` (null, undefined, NaN and Infinity are left out).
 *
 * @example
 * ```ts
 * seedStat([0.4, 0.5, null]); // { mean: 0.45, std: 0.0707..., n: 2 }
 * ```
 */
export function seedStat(values: readonly (number | null | undefined)[]): SeedStat {
  const xs = values.filter((v): v is number => typeof v === "number" && Number.isFinite(v));
  const n = xs.length;
  if (n === 0) return { mean: null, std: null, n: 0 };
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, std: null, n };
  const ss = xs.reduce((a, x) => a + (x - mean) ** 2, 0);
  return { mean, std: Math.sqrt(ss / (n - 1)), n };
}

/**
 * Summary over seeds of one split's metrics, from the finished runs' metrics.json sections.
 *
 * @example
 * ```ts
 * splitSummary([run1.val, run2.val]).f1_macro.mean;
 * ```
 */
export function splitSummary(splits: readonly SplitLike[]): SplitSummary {
  const of = (pick: (m: Partial<SplitMetrics>) => number | null | undefined) => seedStat(splits.map((m) => (m ? pick(m) : undefined)));
  return {
    f1_macro: of((m) => m.f1_macro),
    f1: { "-1": of((m) => m.f1?.["-1"]), "0": of((m) => m.f1?.["0"]), "1": of((m) => m.f1?.["1"]) },
    log_loss: of((m) => m.log_loss),
    sharpe: of((m) => m.sharpe),
    psr: of((m) => m.psr),
    max_drawdown: of((m) => m.max_drawdown),
    win_rate: of((m) => m.win_rate),
    profit_factor: of((m) => m.profit_factor),
    n_trades: of((m) => m.n_trades),
  };
}

/**
 * Summary over seeds of the runs' fit cost.
 *
 * @example
 * ```ts
 * fitSummary([{ fit_s: 10, epochs_run: 5 }]).s_per_epoch.mean; // 2
 * ```
 */
export function fitSummary(fits: readonly (FitInfo | undefined)[]): FitSummary {
  const of = (pick: (f: FitInfo) => number | undefined) => seedStat(fits.map((f) => (f ? pick(f) : undefined)));
  return {
    fit_s: of((f) => f.fit_s),
    s_per_epoch: of((f) => (f.fit_s !== undefined && f.epochs_run ? f.fit_s / f.epochs_run : undefined)),
    peak_rss_mb: of((f) => f.peak_rss_mb),
    epochs_run: of((f) => f.epochs_run),
    best_epoch: of((f) => f.best_epoch),
    train_samples: of((f) => f.train_samples),
    train_samples_available: of((f) => f.train_samples_available),
  };
}

/**
 * A copy of a value that JSON holds exactly: non-finite numbers become null, typed arrays plain
 * arrays, undefined object fields are dropped.
 *
 * @example
 * ```ts
 * jsonSafe({ a: Infinity, b: new Float32Array([1]) }); // { a: null, b: [1] }
 * ```
 */
export function jsonSafe<T>(value: T): T {
  return clean(value) as T;
}

function clean(v: unknown): unknown {
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  if (v === null || typeof v !== "object") return v;
  if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number>, clean);
  if (Array.isArray(v)) return v.map(clean);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = clean(x);
  return out;
}
