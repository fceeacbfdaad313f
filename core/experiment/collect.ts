import { readPredictions } from "../bundle/predictions.ts";
import { NotFoundError } from "../errors.ts";
import type { RunReader } from "../platform.ts";
import { readRunJson, RunRecord } from "../train/run_record.ts";
import { z } from "zod";
import type { CellRecord, ExperimentRecord } from "./record.ts";
import { cellStatusOf, type ReportInput, type ReportRun } from "./report.ts";

/** The runs of one experiment found in a run store, by cell id (newest last). */
export type ExperimentRuns = Map<string, RunRecord[]>;

/**
 * Reads run.json of every run in `reader` and keeps those of experiment `name`, grouped by cell id, oldest
 * first. A run.json that does not parse belongs to no experiment we can tell, and is skipped.
 */
export async function findExperimentRuns(reader: RunReader, name: string): Promise<ExperimentRuns> {
  const out: ExperimentRuns = new Map();
  for (const id of await reader.list()) {
    const record = await readRunJson(reader, id, "run.json", RunRecord).catch(() => undefined);
    if (record?.experiment?.name !== name) continue;
    const list = out.get(record.experiment.cell_id) ?? [];
    list.push(record);
    out.set(record.experiment.cell_id, list);
  }
  for (const list of out.values()) list.sort((a, b) => a.created_at.localeCompare(b.created_at));
  return out;
}

/** The run that stands for a cell: its newest finished run, else its newest run of any status. */
export function cellRun(runs: readonly RunRecord[] | undefined): RunRecord | undefined {
  if (!runs?.length) return undefined;
  return [...runs].reverse().find((r) => r.status === "finished") ?? runs.at(-1);
}

/** Test predictions of finished runs, by run id: they never change, so a runner reads each once however often it reports. */
export type PredictionsCache = Map<string, ReportInput["testPredictions"] extends Map<string, infer P> ? P | undefined : never>;

/** A finished run's test predictions; undefined when it has none (a run that skipped test) or they are not the trainer's columns. */
async function testPredictionsOf(reader: RunReader, runId: string, cache?: PredictionsCache) {
  if (cache?.has(runId)) return cache.get(runId);
  const bytes = await reader.read(runId, "predictions/test.parquet").catch((error) => {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  });
  const columns = bytes && await readPredictions(bytes);
  let out;
  if (columns) {
    const n = columns.datetime.length, probs = new Float32Array(n * 3);
    for (let k = 0; k < n; k++) probs.set([columns.prob_short[k], columns.prob_neutral[k], columns.prob_long[k]], k * 3);
    out = { time: Float64Array.from(columns.datetime), symbol: columns.symbol, probs };
  }
  cache?.set(runId, out);
  return out;
}

const Metrics = z.looseObject({ val: z.record(z.string(), z.unknown()), test: z.record(z.string(), z.unknown()).optional() });

/**
 * What the report is built from: every cell with its run's status, metrics and fit figures, the ensembles'
 * runs, and the finished runs' test predictions (for the diversity matrices).
 */
export async function reportInput(
  reader: RunReader,
  experiment: ExperimentRecord,
  runs: ExperimentRuns,
  now: string,
  cache?: PredictionsCache,
): Promise<ReportInput> {
  const rows: ReportRun[] = [];
  const testPredictions: ReportInput["testPredictions"] = new Map();
  const add = async (cell: CellRecord, run: RunRecord | undefined, ensemble?: ReportRun["ensemble"]) => {
    const row: ReportRun = {
      model: cell.model,
      label: cell.label,
      family: cell.family,
      horizon: cell.horizon,
      seed: cell.seed,
      cell_id: cell.cell_id,
      status: run ? cellStatusOf(run.status) : experiment.failures[cell.cell_id] ? "failed" : "pending",
      ...(!run && experiment.failures[cell.cell_id] ? { error: experiment.failures[cell.cell_id] } : {}),
      ...(ensemble ? { ensemble } : {}),
    };
    if (run) {
      row.run_id = run.id;
      if (run.error) row.error = run.error;
      row.fit = {
        fit_s: run.timings.fit_s,
        epochs_run: run.epochs_run,
        best_epoch: run.best_epoch,
        peak_rss_mb: run.resources?.peak_rss_mb,
        train_samples: run.dataset.files.train?.samples,
        train_samples_available: run.dataset.files.train?.samples_available,
      };
    }
    if (run?.status === "finished") {
      const metrics = await readRunJson(reader, run.id, "metrics.json", Metrics);
      row.val = metrics.val as ReportRun["val"];
      if (metrics.test) row.test = metrics.test as ReportRun["test"];
      const predictions = await testPredictionsOf(reader, run.id, cache);
      if (predictions) testPredictions.set(run.id, predictions);
    }
    rows.push(row);
  };
  for (const cell of experiment.cells) await add(cell, cellRun(runs.get(cell.cell_id)));
  for (const [cellId, list] of runs) {
    const run = cellRun(list)!;
    if (run.family !== "ensemble" || experiment.cells.some((c) => c.cell_id === cellId)) continue;
    const members = (run.config.params as { members?: { run_id: string }[] }).members?.map((m) => m.run_id) ?? [];
    const kind = (run.config.params as { kind?: "soft_voting" | "stacking" }).kind ?? "soft_voting";
    const cell: CellRecord = {
      index: -1,
      label: run.experiment!.label,
      model: run.model,
      family: run.family,
      horizon: run.horizon,
      seed: run.seed,
      cell_id: cellId,
    };
    await add(cell, run, { kind, members });
  }
  return {
    experiment: { name: experiment.name, description: experiment.description },
    success: experiment.config.success,
    runs: rows,
    testPredictions,
    generated_at: now,
    wall_s: experiment.wall_s,
    notes: experiment.notes,
  };
}
