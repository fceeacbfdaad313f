import { z } from "zod";

const windows = (defaults: number[]) => z.array(z.number().int().min(2).max(100_000)).max(16).default(defaults);

/** Which causal features to compute, and their windows (in bars). An empty list turns a family off. */
export const FeatureConfig = z.strictObject({
  /** log(close_i / close_{i-lag}) */
  log_returns: z.array(z.number().int().min(1).max(100_000)).max(16).default([1, 2, 3, 6, 12, 24, 48]),
  /** Rolling std of 1-bar log returns. */
  volatility: windows([12, 48, 288]),
  /** log(high/low) of the bar and where the close sits in its range (0 low .. 1 high). */
  range: z.boolean().default(true),
  /** z-score of log volume against its rolling mean and std. */
  volume_z: windows([12, 48, 288]),
  /** Wilder RSI, rescaled to [-1, 1]. */
  rsi: windows([14]),
  /** log(close / EMA(span)). */
  ema_gaps: windows([12, 48]),
  /** MACD (EMA fast - EMA slow) and its signal line, as log-price differences. */
  macd: z.strictObject({ fast: z.number().int().min(2), slow: z.number().int().min(3), signal: z.number().int().min(2) }).nullable().default({
    fast: 12,
    slow: 26,
    signal: 9,
  }),
  /** Average true range over close. */
  atr: windows([14]),
  /** Rolling skew and excess kurtosis of 1-bar log returns. */
  moments: windows([48]),
  /** sin/cos of the time of day and the day of the week (UTC). */
  calendar: z.boolean().default(true),
});
/** Feature settings after defaults. */
export type FeatureConfig = z.output<typeof FeatureConfig>;

/** The whole `mf prepare` configuration (config/prepare/default.json). */
export const PrepareConfig = z.strictObject({
  $schema: z.string().optional(),
  description: z.string().optional(),
  /** Names of the input columns. */
  columns: z.strictObject({
    datetime: z.string().default("datetime"),
    symbol: z.string().default("symbol"),
    open: z.string().default("open"),
    high: z.string().default("high"),
    low: z.string().default("low"),
    close: z.string().default("close"),
    volume: z.string().default("volume"),
  }).prefault({}),
  /** A gap in a symbol's bar grid: keep the rows as they are, or cut the series there (no feature or label spans a cut). */
  gaps: z.enum(["keep", "cut"]).default("keep"),
  features: FeatureConfig.prefault({}),
  labels: z.strictObject({
    horizons: z.array(z.number().int().min(1).max(10_000)).min(1).max(8).default([5, 20]),
    /** Barrier width multiplier per horizon (a key per horizon, e.g. "5": 1.0); missing horizons use `default_k`. */
    k: z.record(z.string().regex(/^\d+$/), z.number().positive().max(100)).default({ "5": 1.0, "20": 1.5 }),
    default_k: z.number().positive().max(100).default(1.0),
    /** Window of the rolling volatility that scales the barriers. */
    vol_window: z.number().int().min(2).max(100_000).default(48),
  }).prefault({}),
  split: z.strictObject({
    /** Train, val and test shares of the common time range; used unless `dates` are given. */
    fractions: z.tuple([z.number().positive(), z.number().positive(), z.number().positive()]).default([0.7, 0.15, 0.15]),
    /** Two ISO dates: val starts at the first, test at the second. */
    dates: z.tuple([z.iso.datetime({ offset: true }).or(z.iso.date()), z.iso.datetime({ offset: true }).or(z.iso.date())]).optional(),
    /** Bars dropped before each boundary; max(horizons) when absent, so no label looks into the next split. */
    purge: z.number().int().min(0).optional(),
    /** Bars dropped after each boundary. */
    embargo: z.number().int().min(0).default(20),
  }).prefault({}),
  scaler: z.enum(["standard", "robust", "none"]).default("standard"),
});
/** Prepare settings after defaults. */
export type PrepareConfig = z.output<typeof PrepareConfig>;
