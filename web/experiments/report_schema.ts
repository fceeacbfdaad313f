import { z } from "zod";
import { DataError } from "../../core/errors.ts";
import type { ExperimentReport } from "../../core/experiment/report.ts";

/**
 * The shape of report.json as the report view reads it, checked where a report comes from a file (a
 * bundle, a store), so that a malformed or foreign file is one clear message instead of a broken page.
 */

const n = z.number().nullable();
const SeedStat = z.looseObject({ mean: n, std: n, n: z.number() });
const SplitSummary = z.looseObject({
  f1_macro: SeedStat,
  f1: z.looseObject({ "-1": SeedStat, "0": SeedStat, "1": SeedStat }),
  log_loss: SeedStat,
  sharpe: SeedStat,
  psr: SeedStat,
  max_drawdown: SeedStat,
  win_rate: SeedStat,
  profit_factor: SeedStat,
  n_trades: SeedStat,
});
const FitSummary = z.looseObject({
  fit_s: SeedStat,
  s_per_epoch: SeedStat,
  peak_rss_mb: SeedStat,
  epochs_run: SeedStat,
  best_epoch: SeedStat,
  train_samples: SeedStat,
  train_samples_available: SeedStat,
});
const Status = z.enum(["finished", "failed", "running", "pending", "stopped"]);
const Ensemble = z.looseObject({ kind: z.enum(["soft_voting", "stacking"]), members: z.array(z.string()) });
const Row = z.looseObject({
  label: z.string(),
  model: z.string(),
  family: z.string(),
  ensemble: Ensemble.optional(),
  cells: z.record(Status, z.number()),
  val: SplitSummary,
  test: SplitSummary,
  fit: FitSummary,
  meets_bar: z.boolean().nullable(),
});
const Best = z.looseObject({
  label: z.string(),
  model: z.string(),
  family: z.string(),
  val_f1_macro: z.number(),
  val_sharpe: n,
  run_id: z.string().nullable(),
  seed: z.number(),
  dsr: z.looseObject({
    dsr: n,
    n_trials: z.number(),
    sr_variance: z.number(),
    sr_benchmark: z.number(),
    sr_per_bar: n,
    skew: n,
    kurtosis: n,
    n_bars: n,
    reason: z.string().optional(),
  }),
  test_psr: n,
});
const Matrix = z.array(z.array(n));
const Diversity = z.looseObject({
  labels: z.array(z.string()),
  run_ids: z.array(z.string()),
  seeds: z.array(z.number()),
  n_shared: z.number(),
  correlation: Matrix,
  agreement: Matrix,
  missing: z.array(z.string()),
}).refine((d) => [d.correlation, d.agreement].every((m) => m.length === d.labels.length && m.every((row) => row.length === d.labels.length)), {
  message: "the matrices must be labels x labels",
});
const SymbolMetrics = z.looseObject({ f1_macro: n, sharpe: n, n_trades: n, win_rate: n }).nullable();
const PerSymbol = z.looseObject({
  label: z.string(),
  run_id: z.string().nullable(),
  seed: z.number(),
  rows: z.array(z.looseObject({ symbol: z.string(), val: SymbolMetrics, test: SymbolMetrics })),
});
const Failed = z.looseObject({ label: z.string(), model: z.string(), seed: z.number(), cell_id: z.string(), run_id: z.string().nullable(), error: z.string() });
const Cell = z.looseObject({
  model: z.string(),
  label: z.string(),
  horizon: z.number(),
  seed: z.number(),
  cell_id: z.string(),
  run_id: z.string().nullable(),
  status: Status,
  error: z.string().optional(),
});

/** report.json as the view needs it. */
export const ReportFile = z.looseObject({
  experiment: z.looseObject({ name: z.string(), description: z.string() }),
  generated_at: z.string(),
  wall_s: n,
  notes: z.array(z.string()),
  success: z.looseObject({ val_f1_macro: z.number(), val_sharpe: z.number() }),
  cells: z.array(Cell),
  horizons: z.array(z.looseObject({
    horizon: z.number(),
    rows: z.array(Row),
    best: Best.nullable(),
    diversity: Diversity.nullable(),
    per_symbol: PerSymbol.nullable(),
    failed: z.array(Failed),
  })),
  labels: z.array(z.looseObject({
    label: z.string(),
    model: z.string(),
    family: z.string(),
    meets_bar_any_horizon: z.boolean().nullable(),
    horizons_met: z.array(z.number()),
  })),
});

/** What the schema reads is an ExperimentReport: when the report changes shape, this stops compiling. */
type Reads<T extends ExperimentReport> = T;
export type ReportFile = Reads<z.output<typeof ReportFile>>;

/**
 * Parses report.json; text that is not JSON or not a report is a DataError naming `name` and the field.
 *
 * @example
 * ```ts
 * const report = parseReport(new TextDecoder().decode(bytes), "baseline/report.json");
 * ```
 */
export function parseReport(text: string, name: string): ExperimentReport {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new DataError(`${name} is not valid JSON: ${(error as Error).message}`, { file: name });
  }
  const parsed = ReportFile.safeParse(value);
  if (!parsed.success) throw new DataError(`${name} is not an experiment report:\n${z.prettifyError(parsed.error)}`, { file: name });
  return parsed.data;
}
