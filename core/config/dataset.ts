import { z } from "zod";

/** A time as ISO 8601: a date (midnight UTC) or a date-time with seconds and an offset (`Z` for UTC). */
const IsoTime = z.iso.datetime({ offset: true }).or(z.iso.date());

/**
 * How one data file is cut into train, val and test by time. The boundaries are the same for every
 * symbol; rows whose label looks across a boundary are purged, so no label leaks into the next split.
 */
export const TimeSplitConfig = z.strictObject({
  /** Two times: validation starts at the first (train ends just before it), test at the second. */
  dates: z.tuple([IsoTime, IsoTime]).optional(),
  /** Train, val and test shares of the file's time range; used unless `dates` are given. */
  fractions: z.tuple([z.number().positive(), z.number().positive(), z.number().positive()]).default([0.7, 0.15, 0.15]),
  /** Rows dropped before each boundary, per symbol; the label's horizon when absent (labels look that many bars ahead). */
  purge: z.number().int().min(0).max(100_000).optional(),
  /** Rows dropped after each boundary, per symbol. Windows never cross a boundary, so none are needed against leakage. */
  embargo: z.number().int().min(0).max(100_000).default(0),
});
/** Time-split settings after defaults. */
export type TimeSplitConfig = z.output<typeof TimeSplitConfig>;

/** How the Phase-1 splits are read and windowed. Horizons are any positive integer; 5 is the default. */
export const DatasetConfig = z.strictObject({
  /** Label horizon in bars: reads `label_h{horizon}` and `fwd_ret_h{horizon}`. */
  horizon: z.number().int().min(1).max(100_000).default(5),
  /** Window length in rows, ending at (and including) the sample's row; the model's default when absent. */
  seq_len: z.number().int().min(1).max(4096).optional(),
  /** Feature columns in order; every numeric non-metadata, non-label, non-return column when absent. */
  feature_columns: z.array(z.string().min(1)).min(1).optional(),
  /** Label column; `label_h{horizon}` when absent. */
  label_column: z.string().min(1).optional(),
  /** Keep only these symbols. */
  include_symbols: z.array(z.string().min(1)).min(1).optional(),
  /** Drop samples labelled 0 from training and evaluation (a two-sided long/short task on three-class outputs). */
  exclude_neutrals: z.boolean().default(false),
  /** What to do with NaN or infinite feature values: stop with an error, carry the symbol's last value forward, or drop the row. */
  nan_policy: z.enum(["error", "ffill", "drop"]).default("error"),
  /**
   * Train on every k-th sample end of each symbol; validation and test are always scored whole. For window models on
   * large data, where neighbouring windows overlap by all but one row and add little.
   */
  train_stride: z.number().int().min(1).max(1_000_000).default(1),
  /** At most this many training samples, taken as evenly spaced sample ends of each symbol (after `train_stride`); validation and test stay whole. */
  max_train_samples: z.number().int().min(1).optional(),
  /** Standardise features with mean and std fitted on the training split only. */
  standardize: z.boolean().default(true),
  /** Cut one data file into train, val and test by time (only with one file; three split files are already cut). */
  split: TimeSplitConfig.optional(),
});
/** Dataset settings after defaults. */
export type DatasetConfig = z.output<typeof DatasetConfig>;
