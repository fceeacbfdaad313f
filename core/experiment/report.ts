/**
 * The experiment's comparison report (report.json): every cell, and per horizon every model side by
 * side over seeds, pass/fail against the success bar, the best model chosen on validation with its
 * deflated Sharpe ratio, the diversity of the models' test predictions and the best model's
 * per-symbol table. Pure: the runner gathers the runs, {@link ./report_markdown.ts} renders it.
 *
 * Rules:
 * - Only finished runs enter the aggregates; failed ones are listed with their errors.
 * - A model is a `label` (one model entry of the experiment, or an ensemble); its runs at a horizon
 *   are its seeds. Labels and horizons keep the order they first appear in, horizons ascending.
 * - meets_bar: mean val macro-F1 > success.val_f1_macro and mean val Sharpe > success.val_sharpe.
 * - The best label per horizon has the highest mean val macro-F1, ties by mean val Sharpe, then by
 *   order; test metrics never enter the choice.
 * - Where one run must stand for a label (DSR, diversity, per-symbol table), it is the label's first
 *   finished run in input order: never picked by a score, so it carries no selection of its own.
 * @module
 */

import type { SplitMetrics } from "../train/evaluate.ts";
import type { RunRecord } from "../train/run_record.ts";
import type { SuccessCriteria } from "./config.ts";
import { type BestModel, bestOfHorizon, diversityOfHorizon, type DiversitySummary, type PerSymbolTable, perSymbolTable } from "./report_best.ts";
import { type FitInfo, type FitSummary, fitSummary, jsonSafe, type SplitSummary, splitSummary } from "./report_stats.ts";

/** Where a cell of the experiment stands. */
export type CellStatus = "finished" | "failed" | "running" | "pending" | "stopped";

/**
 * A cell's status from its run's: an experiment never prunes its cells, so a pruned run (a tuner's) reads as stopped
 * early, and an interrupted run (its process died) as failed, as the runner treats it: its cell is trained again.
 */
export function cellStatusOf(status: RunRecord["status"]): CellStatus {
  return status === "pruned" ? "stopped" : status === "interrupted" ? "failed" : status;
}

/** One cell of the experiment (a model entry at a horizon and seed), or an ensemble. */
export interface ReportRun {
  model: string;
  label: string;
  family: string;
  horizon: number;
  seed: number;
  cell_id: string;
  run_id?: string;
  status: CellStatus;
  error?: string;
  /** The run's metrics.json sections. */
  val?: SplitMetrics;
  test?: SplitMetrics;
  fit?: FitInfo;
  /** Set for an ensemble: how it combines, and its member run ids. */
  ensemble?: { kind: "soft_voting" | "stacking"; members: string[] };
}

/** Everything the report is built from. */
export interface ReportInput {
  experiment: { name: string; description: string };
  success: SuccessCriteria;
  runs: ReportRun[];
  /** Test predictions by run id: symbol name and time per row, n x 3 probabilities (short, neutral, long). */
  testPredictions: Map<string, { time: Float64Array; symbol: string[]; probs: Float32Array }>;
  generated_at: string;
  wall_s?: number;
  notes?: string[];
}

/** A cell as report.json lists it: the run's identity, status and metrics.json sections. */
export interface ReportCell {
  model: string;
  label: string;
  horizon: number;
  seed: number;
  cell_id: string;
  run_id: string | null;
  status: CellStatus;
  error?: string;
  val?: SplitMetrics;
  test?: SplitMetrics;
  fit?: FitInfo;
}

/** One model (label) at one horizon, over its seeds. */
export interface ReportRow {
  label: string;
  model: string;
  family: string;
  /** Present for an ensemble. */
  ensemble?: { kind: "soft_voting" | "stacking"; members: string[] };
  /** Cells of this label at this horizon, by status. */
  cells: Record<CellStatus, number>;
  val: SplitSummary;
  test: SplitSummary;
  fit: FitSummary;
  /** Mean val macro-F1 and mean val Sharpe both above the bar; null while no run has finished. */
  meets_bar: boolean | null;
}

/** A failed cell and its error. */
export interface FailedCell {
  label: string;
  model: string;
  seed: number;
  cell_id: string;
  run_id: string | null;
  error: string;
}

/** Everything the report says about one horizon. */
export interface HorizonReport {
  horizon: number;
  rows: ReportRow[];
  /** Chosen on validation only; null when no label has a finished run. */
  best: BestModel | null;
  /** Test predictions of the labels side by side; null when no label has test predictions. */
  diversity: DiversitySummary | null;
  /** The best label's per-symbol metrics; null without a best. */
  per_symbol: PerSymbolTable | null;
  failed: FailedCell[];
}

/** A label over every horizon. */
export interface LabelSummary {
  label: string;
  model: string;
  family: string;
  /** Meets the bar on at least one horizon; null while it meets none yet and a horizon has no finished run. */
  meets_bar_any_horizon: boolean | null;
  /** Horizons where it meets the bar. */
  horizons_met: number[];
}

/** report.json: JSON-safe (no NaN, no Infinity, no typed arrays). */
export interface ExperimentReport {
  experiment: { name: string; description: string };
  generated_at: string;
  wall_s: number | null;
  notes: string[];
  success: SuccessCriteria;
  cells: ReportCell[];
  horizons: HorizonReport[];
  labels: LabelSummary[];
}

const STATUSES: readonly CellStatus[] = ["finished", "failed", "running", "pending", "stopped"];

/**
 * Builds the comparison report of an experiment's runs.
 *
 * @example
 * ```ts
 * const report = buildReport({ experiment, success, runs, testPredictions, generated_at: new Date().toISOString() });
 * report.horizons[0].best?.label; // the model chosen on validation at the first horizon
 * ```
 */
export function buildReport(input: ReportInput): ExperimentReport {
  const { runs, success } = input;
  const horizons = [...new Set(runs.map((r) => r.horizon))].sort((a, b) => a - b);
  const labelOrder = [...new Set(runs.map((r) => r.label))];

  const perHorizon = horizons.map((horizon): HorizonReport => {
    const here = runs.filter((r) => r.horizon === horizon);
    const groups = labelOrder.map((label) => here.filter((r) => r.label === label)).filter((g) => g.length > 0);
    const rows = groups.map((g) => rowOf(g, success));
    const best = bestOfHorizon(rows, groups);
    return {
      horizon,
      rows,
      best,
      diversity: diversityOfHorizon(groups, input.testPredictions),
      per_symbol: best ? perSymbolTable(groups.find((g) => g[0].label === best.label)!) : null,
      failed: here.filter((r) => r.status === "failed").map((r) => ({
        label: r.label,
        model: r.model,
        seed: r.seed,
        cell_id: r.cell_id,
        run_id: r.run_id ?? null,
        error: r.error ?? "(no error message recorded)",
      })),
    };
  });

  const labels = labelOrder.map((label): LabelSummary => {
    const first = runs.find((r) => r.label === label)!;
    const verdicts = perHorizon.flatMap((h) => h.rows.filter((row) => row.label === label).map((row) => ({ horizon: h.horizon, meets: row.meets_bar })));
    const met = verdicts.filter((v) => v.meets === true).map((v) => v.horizon);
    const anyUnknown = verdicts.some((v) => v.meets === null);
    return {
      label,
      model: first.model,
      family: first.family,
      meets_bar_any_horizon: met.length > 0 ? true : anyUnknown ? null : false,
      horizons_met: met,
    };
  });

  return jsonSafe({
    experiment: { name: input.experiment.name, description: input.experiment.description },
    generated_at: input.generated_at,
    wall_s: input.wall_s ?? null,
    notes: input.notes ?? [],
    success,
    cells: runs.map(cellOf),
    horizons: perHorizon,
    labels,
  });
}

function cellOf(r: ReportRun): ReportCell {
  const cell: ReportCell = {
    model: r.model,
    label: r.label,
    horizon: r.horizon,
    seed: r.seed,
    cell_id: r.cell_id,
    run_id: r.run_id ?? null,
    status: r.status,
  };
  if (r.error !== undefined) cell.error = r.error;
  if (r.val) cell.val = r.val;
  if (r.test) cell.test = r.test;
  if (r.fit) cell.fit = r.fit;
  return cell;
}

function rowOf(group: ReportRun[], success: SuccessCriteria): ReportRow {
  const first = group[0];
  const done = group.filter((r) => r.status === "finished");
  const cells = Object.fromEntries(STATUSES.map((s) => [s, group.filter((r) => r.status === s).length])) as Record<CellStatus, number>;
  const val = splitSummary(done.map((r) => r.val));
  const f1 = val.f1_macro.mean, sharpe = val.sharpe.mean;
  const row: ReportRow = {
    label: first.label,
    model: first.model,
    family: first.family,
    cells,
    val,
    test: splitSummary(done.map((r) => r.test)),
    fit: fitSummary(done.map((r) => r.fit)),
    meets_bar: f1 === null || sharpe === null ? null : f1 > success.val_f1_macro && sharpe > success.val_sharpe,
  };
  const ensemble = group.find((r) => r.ensemble)?.ensemble;
  if (ensemble) row.ensemble = { kind: ensemble.kind, members: [...ensemble.members] };
  return row;
}
