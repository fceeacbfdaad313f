import { z } from "zod";

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
  /** Standardise features with mean and std fitted on the training split only. */
  standardize: z.boolean().default(true),
});
/** Dataset settings after defaults. */
export type DatasetConfig = z.output<typeof DatasetConfig>;
