/**
 * The parts of the experiment report that single out runs: the best model per horizon (chosen on
 * validation) with its deflated Sharpe ratio, the diversity of the models' test predictions, and the
 * best model's per-symbol table. The rules are in {@link ./report.ts}'s module doc.
 * @module
 */

import type { Metrics } from "../train/evaluate.ts";
import { deflatedSharpe, expectedMaxSharpe } from "../train/metrics/sharpe_stats.ts";
import { predictionDiversity } from "./diversity.ts";
import type { ReportInput, ReportRow, ReportRun } from "./report.ts";
import { seedStat } from "./report_stats.ts";

/** The deflated Sharpe ratio of the best model's validation returns, and what went into it. */
export interface DeflatedSharpeReport {
  /** P(true val Sharpe > what the best of n_trials would show by luck); null when undefined (see reason). */
  dsr: number | null;
  /** Configurations compared at this horizon: labels with a finished run, ensembles included. */
  n_trials: number;
  /** Sample variance (ddof 1) of their per-bar val Sharpe ratios; 0 with fewer than two. */
  sr_variance: number;
  /** Expected maximum per-bar Sharpe of n_trials trials with that variance (the DSR benchmark). */
  sr_benchmark: number;
  /** The best run's per-bar val Sharpe, skewness, non-excess kurtosis and number of bars. */
  sr_per_bar: number | null;
  skew: number | null;
  kurtosis: number | null;
  n_bars: number | null;
  /** Why dsr is null. */
  reason?: string;
}

/** The best label at a horizon, chosen on validation only. */
export interface BestModel {
  label: string;
  model: string;
  family: string;
  /** The means over seeds that chose it. */
  val_f1_macro: number;
  val_sharpe: number | null;
  /** The run that stands for the label in the DSR and the per-symbol table: its first finished seed. */
  run_id: string | null;
  seed: number;
  dsr: DeflatedSharpeReport;
  /** PSR of that run's test returns: shown, never used to choose. */
  test_psr: number | null;
}

/** Correlation of test signals and agreement of predicted classes between labels. */
export interface DiversitySummary {
  /** Labels in matrix order, each represented by its first finished run. */
  labels: string[];
  run_ids: string[];
  seeds: number[];
  /** Test rows every one of these runs has. */
  n_shared: number;
  correlation: (number | null)[][];
  agreement: (number | null)[][];
  /** Labels with a finished run but no test predictions to compare. */
  missing: string[];
}

/** The per-symbol metrics the report shows. */
export interface PerSymbolMetrics {
  f1_macro: number | null;
  sharpe: number | null;
  n_trades: number | null;
  win_rate: number | null;
}

/** The best label's metrics per symbol, from one run. */
export interface PerSymbolTable {
  label: string;
  run_id: string | null;
  seed: number;
  rows: { symbol: string; val: PerSymbolMetrics | null; test: PerSymbolMetrics | null }[];
}

/**
 * The best label of a horizon: highest mean val macro-F1, ties by mean val Sharpe, then by order.
 * `groups[i]` are the runs of `rows[i]`. Null when no label has a finished run with val metrics.
 *
 * @example
 * ```ts
 * bestOfHorizon(rows, groups)?.label;
 * ```
 */
export function bestOfHorizon(rows: readonly ReportRow[], groups: readonly ReportRun[][]): BestModel | null {
  let best = -1;
  for (let i = 0; i < rows.length; i++) {
    if (rows[i].val.f1_macro.mean === null) continue;
    if (best < 0 || better(rows[i], rows[best])) best = i;
  }
  if (best < 0) return null;
  const row = rows[best], rep = representative(groups[best])!;
  const trialSrs = groups.map(representative).filter((r) => r !== undefined).map((r) => r.val?.sharpe_per_bar);
  return {
    label: row.label,
    model: row.model,
    family: row.family,
    val_f1_macro: row.val.f1_macro.mean!,
    val_sharpe: row.val.sharpe.mean,
    run_id: rep.run_id ?? null,
    seed: rep.seed,
    dsr: deflated(rep.val, trialSrs),
    test_psr: finite(rep.test?.psr),
  };
}

/**
 * Diversity of the labels' test predictions, each label represented by its first finished run; null
 * when none of them has test predictions.
 *
 * @example
 * ```ts
 * diversityOfHorizon(groups, input.testPredictions)?.correlation;
 * ```
 */
export function diversityOfHorizon(groups: readonly ReportRun[][], predictions: ReportInput["testPredictions"]): DiversitySummary | null {
  const reps = groups.map(representative).filter((r) => r !== undefined);
  const present = reps.filter((r) => r.run_id !== undefined && predictions.has(r.run_id));
  if (present.length === 0) return null;
  const d = predictionDiversity(present.map((r) => predictions.get(r.run_id!)!), present.map((r) => `${r.label} (run ${r.run_id})`));
  return {
    labels: present.map((r) => r.label),
    run_ids: present.map((r) => r.run_id!),
    seeds: present.map((r) => r.seed),
    n_shared: d.n_shared,
    correlation: d.correlation,
    agreement: d.agreement,
    missing: reps.filter((r) => !present.includes(r)).map((r) => r.label),
  };
}

/**
 * Per-symbol val and test metrics of a label's first finished run, symbols sorted by name.
 *
 * @example
 * ```ts
 * perSymbolTable(runsOfBestLabel).rows[0].symbol;
 * ```
 */
export function perSymbolTable(group: readonly ReportRun[]): PerSymbolTable | null {
  const rep = representative(group);
  if (!rep) return null;
  const val = rep.val?.per_symbol ?? {}, test = rep.test?.per_symbol ?? {};
  const symbols = [...new Set([...Object.keys(val), ...Object.keys(test)])].sort();
  return {
    label: rep.label,
    run_id: rep.run_id ?? null,
    seed: rep.seed,
    rows: symbols.map((symbol) => ({ symbol, val: symbolMetrics(val[symbol]), test: symbolMetrics(test[symbol]) })),
  };
}

function better(a: ReportRow, b: ReportRow): boolean {
  const fa = a.val.f1_macro.mean!, fb = b.val.f1_macro.mean!;
  if (fa !== fb) return fa > fb;
  return (a.val.sharpe.mean ?? -Infinity) > (b.val.sharpe.mean ?? -Infinity);
}

/** The first finished run of a label: the one that stands for it where one run must. */
function representative(group: readonly ReportRun[]): ReportRun | undefined {
  return group.find((r) => r.status === "finished");
}

function deflated(val: Partial<Metrics> | undefined, trialSrs: (number | null | undefined)[]): DeflatedSharpeReport {
  const nTrials = trialSrs.length;
  // seedStat's std is the sample std (ddof 1) of the finite values, null with fewer than two.
  const spread = seedStat(trialSrs).std;
  const variance = spread === null ? 0 : spread * spread;
  const benchmark = expectedMaxSharpe(nTrials, variance);
  const sr = finite(val?.sharpe_per_bar), skew = finite(val?.skew), kurtosis = finite(val?.kurtosis), nBars = finite(val?.n_bars);
  const out: DeflatedSharpeReport = {
    dsr: null,
    n_trials: nTrials,
    sr_variance: variance,
    sr_benchmark: benchmark,
    sr_per_bar: sr,
    skew,
    kurtosis,
    n_bars: nBars,
  };
  if (sr === null || nBars === null || val?.skew === undefined || val?.kurtosis === undefined) {
    out.reason = "the run's val metrics lack sharpe_per_bar, skew, kurtosis or n_bars (written before they were recorded?)";
  } else if (skew === null || kurtosis === null) {
    out.reason = "skew and kurtosis of the val returns are undefined (fewer than 2 bars or constant returns)";
  } else {
    out.dsr = finite(deflatedSharpe({ sr, t: nBars, skew, kurtosis }, { nTrials, variance }));
    if (out.dsr === null) out.reason = "undefined for these moments";
  }
  return out;
}

function symbolMetrics(m: Partial<Metrics> | undefined): PerSymbolMetrics | null {
  if (!m) return null;
  return { f1_macro: finite(m.f1_macro), sharpe: finite(m.sharpe), n_trades: finite(m.n_trades), win_rate: finite(m.win_rate) };
}

function finite(x: number | null | undefined): number | null {
  return typeof x === "number" && Number.isFinite(x) ? x : null;
}
