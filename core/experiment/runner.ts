import { readMetadata } from "../data/read_frame.ts";
import { LoadedDataset } from "../data/dataset.ts";
import type { SplitSources } from "../data/splits.ts";
import type { ProgressEvent, ProgressSink, RunStore } from "../platform.ts";
import { type FitHooks, fitRun, type TrainEnv } from "../train/fit_run.ts";
import { jsonText, markRunFailed, readRunJson } from "../train/run_record.ts";
import { cellRun, type ExperimentRuns, findExperimentRuns, type PredictionsCache, reportInput } from "./collect.ts";
import type { Cell, ExperimentPlan } from "./plan.ts";
import { EXPERIMENT_FILE, ExperimentRecord } from "./record.ts";
import { buildReport, type ExperimentReport } from "./report.ts";
import { reportMarkdown } from "./report_markdown.ts";

/** What the experiment reports as it goes: its plan, each cell's start and end, the current run's own progress, the report. */
export type ExperimentEvent =
  | { kind: "plan"; cells: readonly Cell[]; done: readonly string[] }
  | { kind: "cell"; cell: Cell; position: number; total: number; elapsed_s: number; eta_s?: number }
  | { kind: "cell-end"; cell: Cell; status: "finished" | "failed" | "stopped" | "skipped"; runId?: string; error?: string }
  | { kind: "run"; cell: Cell; event: ProgressEvent }
  | { kind: "report"; report: ExperimentReport };

/** The platform an experiment runs on: the run environment, plus where its record and report go, and the data. */
export interface ExperimentEnv extends Omit<TrainEnv, "progress"> {
  /** Where experiments keep their record and report: `<experiment name>/report.md` etc. */
  experiments: RunStore;
  /** The experiment's data, opened by the platform; read once for every cell. */
  sources: SplitSources;
  /** The experiment file's name, for the record. */
  file: string;
  /** Where the runs are, for the record (a directory, `indexeddb://...`). */
  runsLocation: string;
  /** Files every run keeps (e.g. the prepare.json of prepared splits). */
  attachments?: Record<string, Uint8Array | string>;
  progress?: (event: ExperimentEvent) => void;
  /** Runs after the cells, before the final report (ensembles); its notes go into the report. */
  afterCells?: (context: AfterCellsContext) => Promise<void>;
  hooks?: FitHooks;
}

/** What the after-cells hook gets: the plan, its runs, the experiment's data, and the report's notes. */
export interface AfterCellsContext {
  plan: ExperimentPlan;
  runs: ExperimentRuns;
  /** The data the cells were trained on: read on the first call (unless a cell read it already), then shared. */
  data: () => Promise<LoadedDataset>;
  /** The notes the report will show; the hook adds its own and removes those it wrote before. */
  notes: Set<string>;
}

/** How an experiment invocation ended. */
export interface ExperimentResult {
  cells: number;
  finished: number;
  failed: number;
  /** Cells trained by this invocation (the rest were finished before, or not selected). */
  trained: number;
  report: ExperimentReport;
}

/**
 * Runs the cells of a plan that have no finished run, one at a time, on data read once: a failing cell is
 * recorded and the experiment goes on; a run left `running` by a killed process is marked failed and its
 * cell trained again. The record (experiment.json) and the report (report.json, report.md) are rewritten
 * after every cell, so they are current whenever the process stops.
 */
export async function runExperiment(plan: ExperimentPlan, selected: readonly Cell[], env: ExperimentEnv): Promise<ExperimentResult> {
  const { store, clock } = env;
  const name = plan.config.experiment.name;
  const record = await openRecord(plan, env);
  let runs = await findExperimentRuns(store, name);
  const done = (cell: Cell) => cellRun(runs.get(cell.cellId))?.status === "finished";
  env.progress?.({ kind: "plan", cells: plan.cells, done: plan.cells.filter(done).map((c) => c.cellId) });
  for (const list of runs.values()) {
    for (const run of list) {
      if (run.status === "running") await markRunFailed(store, run.id, "interrupted: the process running it ended before the run did");
    }
  }
  const todo = selected.filter((cell) => !done(cell));
  let data: Promise<LoadedDataset> | undefined, trained = 0;
  const loadData = (progress?: ProgressSink) => data ??= LoadedDataset.load(env.sources, { ...plan.read, labels: plan.labels }, progress);
  const t0 = clock.now();
  const notes = new Set(record.notes);
  const predictions: PredictionsCache = new Map();
  const wallBefore = record.wall_s;
  for (const [k, cell] of todo.entries()) {
    const elapsed = (clock.now() - t0) / 1000;
    env.progress?.({ kind: "cell", cell, position: k + 1, total: todo.length, elapsed_s: elapsed, eta_s: k ? (elapsed / k) * (todo.length - k) : undefined });
    if (env.signal?.aborted) break;
    const loaded = await loadData((event) => env.progress?.({ kind: "run", cell, event }));
    try {
      const result = await fitRun(
        loaded,
        {
          plugin: cell.resolved.plugin,
          ...cell.settings,
          attachments: env.attachments,
          tags: { experiment: { name, cell_id: cell.cellId, label: cell.label } },
        },
        { ...env, progress: (event) => env.progress?.({ kind: "run", cell, event }) },
        env.hooks,
      );
      trained++;
      delete record.failures[cell.cellId];
      const files = result.record.dataset.files.train;
      if (files.samples_available) {
        notes.add(
          `${cell.label}: trained on ${files.samples} of ${files.samples_available} training samples (dataset.train_stride / max_train_samples); validation and test are whole`,
        );
      }
      env.progress?.({ kind: "cell-end", cell, status: result.record.status === "stopped" ? "stopped" : "finished", runId: result.runId });
    } catch (error) {
      // one bad cell never blocks the rest: its run (when it got one) is already marked failed with this message
      const message = String((error as Error)?.message ?? error);
      record.failures[cell.cellId] = message;
      env.progress?.({ kind: "cell-end", cell, status: "failed", error: message });
    }
    record.wall_s = wallBefore + (clock.now() - t0) / 1000;
    record.notes = [...notes];
    runs = await findExperimentRuns(store, name);
    await writeReport(record, env, runs, predictions);
  }
  if (env.afterCells && !env.signal?.aborted) {
    await env.afterCells({ plan, runs, data: () => loadData(), notes });
    record.notes = [...notes];
    record.wall_s = wallBefore + (clock.now() - t0) / 1000;
    runs = await findExperimentRuns(store, name);
  }
  const report = await writeReport(record, env, runs, predictions);
  const statuses = plan.cells.map((cell) => cellRun(runs.get(cell.cellId))?.status ?? (record.failures[cell.cellId] ? "failed" : undefined));
  return {
    cells: plan.cells.length,
    finished: statuses.filter((s) => s === "finished").length,
    failed: statuses.filter((s) => s === "failed").length,
    trained,
    report,
  };
}

/** What identifies an experiment's data without reading it: each file's name, size and row count (from its footer). */
export async function sourcesFingerprint(sources: SplitSources): Promise<Record<string, { name: string; bytes: number; rows: number }>> {
  const entries = "file" in sources ? [["file", sources.file] as const] : (["train", "val", "test"] as const).map((s) => [s, sources[s]] as const);
  const out: Record<string, { name: string; bytes: number; rows: number }> = {};
  for (const [key, source] of entries) {
    const base = source.name.split(/[\\/]/).at(-1)!;
    out[key] = { name: base, bytes: source.byteLength, rows: Number((await readMetadata(source)).num_rows) };
  }
  return out;
}

/** Rebuilds an experiment's report from its record and its runs: `mf report`, and after every cell. */
export async function writeReport(
  record: ExperimentRecord,
  env: Pick<ExperimentEnv, "store" | "experiments" | "clock">,
  runs?: ExperimentRuns,
  cache?: PredictionsCache,
) {
  const found = runs ?? await findExperimentRuns(env.store, record.name);
  const now = new Date(env.clock.now()).toISOString();
  const report = buildReport(await reportInput(env.store, record, found, now, cache));
  await env.experiments.write(record.name, EXPERIMENT_FILE, jsonText({ ...record, updated_at: now }));
  await env.experiments.write(record.name, "report.json", jsonText(report));
  await env.experiments.write(record.name, "report.md", reportMarkdown(report));
  return report;
}

/** The experiment's record: the stored one brought up to this plan (cells added by a changed config are appended), or a new one. */
async function openRecord(plan: ExperimentPlan, env: ExperimentEnv): Promise<ExperimentRecord> {
  const name = plan.config.experiment.name;
  const now = new Date(env.clock.now()).toISOString();
  const stored = (await env.experiments.files(name).catch((): string[] => [])).includes(EXPERIMENT_FILE)
    ? await readRunJson(env.experiments, name, EXPERIMENT_FILE, ExperimentRecord)
    : undefined;
  const cells = plan.cells.map((c) => ({
    index: c.index,
    label: c.label,
    model: c.model,
    family: c.resolved.plugin.family,
    horizon: c.horizon,
    seed: c.seed,
    cell_id: c.cellId,
  }));
  const record: ExperimentRecord = {
    name,
    description: plan.config.experiment.description,
    file: env.file,
    config: plan.config,
    cells,
    runs: env.runsLocation,
    created_at: stored?.created_at ?? now,
    updated_at: now,
    wall_s: stored?.wall_s ?? 0,
    notes: stored?.notes ?? [],
    failures: stored?.failures ?? {},
  };
  await env.experiments.write(name, EXPERIMENT_FILE, jsonText(record));
  return record;
}
