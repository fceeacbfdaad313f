import { readMetadata } from "../data/read_frame.ts";
import { LoadedDataset } from "../data/dataset.ts";
import type { SplitSources } from "../data/splits.ts";
import { NotFoundError } from "../errors.ts";
import type { Clock, ProgressEvent, ProgressSink, RunStore } from "../platform.ts";
import { type FitHooks, fitRun, type TrainEnv } from "../train/fit_run.ts";
import { markRunFailed, readRunJson, RunRecord } from "../train/run_record.ts";
import { AFTER_CELLS, type CellClaim, type ClaimEnd, type ClaimHolder, type ClaimStore, endClaim, takeNext } from "./claims.ts";
import { cellRun, type ExperimentRuns, findExperimentRuns, type PredictionsCache } from "./collect.ts";
import { holdClaim, type WorkerTimers } from "./hold_claim.ts";
import { MemoryClaimStore } from "./memory_claims.ts";
import type { Cell, ExperimentPlan } from "./plan.ts";
import { RecordSync } from "./record_sync.ts";
import type { ExperimentReport } from "./report.ts";

/** What the experiment reports as it goes: its plan, each cell's start and end, the current run's own progress, the report. */
export type ExperimentEvent =
  | { kind: "plan"; cells: readonly Cell[]; done: readonly string[] }
  | { kind: "cell"; cell: Cell; position: number; total: number; elapsed_s: number; eta_s?: number }
  | { kind: "cell-end"; cell: Cell; status: "finished" | "failed" | "stopped" | "skipped"; runId?: string; error?: string }
  | { kind: "run"; cell: Cell; event: ProgressEvent }
  | { kind: "report"; report: ExperimentReport };

/**
 * How this process shares the experiment with other workers: where the claims are, who it is, its heartbeat.
 * Without it, the process is the experiment's only worker (claims in memory).
 */
export interface WorkerSettings extends WorkerTimers {
  claims: ClaimStore;
  holder: ClaimHolder;
  /** A claim not renewed for this long is taken over by another worker. */
  heartbeatMs: number;
  /** The pause between looks while other workers hold every cell left (default: a quarter of the heartbeat, at most 2 s). */
  pollMs?: number;
  /** Whether a claim's holder process is gone (asked only for holders on this host). */
  gone?(claim: CellClaim): Promise<boolean>;
  /** Called while this worker waits for cells other workers hold. */
  onWait?(held: readonly CellClaim[]): void;
}

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
  /** Runs once after the cells, before the final report (ensembles); its notes go into the report. */
  afterCells?: (context: AfterCellsContext) => Promise<void>;
  hooks?: FitHooks;
  workers?: WorkerSettings;
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
  /** Cells trained by this invocation (the rest were finished before, by other workers, or not selected). */
  trained: number;
  report: ExperimentReport;
}

/**
 * Works on the selected cells of a plan that have no finished run, as one of any number of workers sharing
 * the runs: takes the next cell no live claim holds (core/experiment/claims.ts), trains it on data read once
 * while renewing its claim, and ends the claim; waits while other workers hold every cell left, taking over a
 * cell whose holder's heartbeat lapsed. A failing cell is recorded and the rest go on (the same submission does
 * not take it again); a run left `running` by a dead worker is marked failed when its cell is taken again. After
 * every cell the record (experiment.json) and the report (report.json, report.md) are rewritten from the runs;
 * when no cell is left, one worker runs `afterCells` (ensembles) and writes the final report.
 */
export async function runExperiment(plan: ExperimentPlan, selected: readonly Cell[], env: ExperimentEnv): Promise<ExperimentResult> {
  const { store, clock } = env;
  const name = plan.config.experiment.name;
  const work = env.workers ?? onlyWorker(clock);
  const sync = new RecordSync(plan, env, work.claims);
  await sync.open();
  const startRuns = await findExperimentRuns(store, name);
  const finishedBefore = (cell: Cell) => cellRun(startRuns.get(cell.cellId))?.status === "finished";
  env.progress?.({ kind: "plan", cells: plan.cells, done: plan.cells.filter(finishedBefore).map((c) => c.cellId) });
  const todo = selected.filter((cell) => !finishedBefore(cell));
  const byId = new Map(todo.map((cell) => [cell.cellId, cell]));
  let data: Promise<LoadedDataset> | undefined, trained = 0, tokens = 0;
  const loadData = (progress?: ProgressSink) => data ??= LoadedDataset.load(env.sources, { ...plan.read, labels: plan.labels }, progress);
  const predictions: PredictionsCache = new Map();
  const take = (keys: readonly string[], done: (key: string, claim?: CellClaim) => Promise<boolean>) =>
    takeNext(work.claims, {
      holder: work.holder,
      now: work.now(),
      heartbeatMs: work.heartbeatMs,
      keys,
      done,
      gone: work.gone,
      token: `${work.holder.worker}#${work.now()}#${++tokens}`,
    });
  // a cell is done when its finished run is known, or its claim names a run that finished since (then remembered, so
  // a waiting worker reads only the claims of cells still open)
  let runs = startRuns;
  const doneSince = new Set<string>();
  const cellDone = async (key: string, claim?: CellClaim) => {
    if (doneSince.has(key) || cellRun(runs.get(key))?.status === "finished") return true;
    const done = claim?.state === "finished" && claim.run_id !== undefined && await runFinished(store, claim.run_id);
    if (done) doneSince.add(key);
    return done;
  };
  const t0 = clock.now();
  while (!env.signal?.aborted) {
    const next = await take(todo.map((c) => c.cellId), cellDone);
    if (next.kind === "done") break;
    if (next.kind === "wait") {
      // cells others finish meanwhile are told by their claims (cellDone): no need to read every run while waiting
      work.onWait?.(next.held);
      await work.sleep(work.pollMs ?? Math.min(2000, work.heartbeatMs / 4));
      continue;
    }
    const cell = byId.get(next.key)!;
    const elapsed = (clock.now() - t0) / 1000;
    const perCell = trained > 0 ? elapsed / trained : undefined;
    const left = todo.length - next.settled;
    env.progress?.({
      kind: "cell",
      cell,
      position: next.settled + 1,
      total: todo.length,
      elapsed_s: elapsed,
      eta_s: perCell === undefined ? undefined : (perCell * left) / next.holders,
    });
    // this worker holds the cell now: a run of it still `running` belongs to a worker that is gone (one that held it
    // since this worker last read the runs, when it was claimed before)
    if (next.claim.attempt > 1) runs = await findExperimentRuns(store, name);
    for (const run of runs.get(cell.cellId) ?? []) {
      if (run.status === "running") await markRunFailed(store, run.id, "interrupted: the process running it ended before the run did");
    }
    const { result: end, lost } = await holdClaim(work.claims, next.claim, work, (lost) => trainCell(cell, lost));
    if (end.state === "finished") trained++;
    if (!lost) await endClaim(work.claims, cell.cellId, next.claim.token, work.now(), end);
    // a progress report, unless another worker is writing one; the final report below always waits its turn
    await sync.reportIfFree(predictions);
  }
  if (!env.signal?.aborted) {
    // the after-cells step runs once per submission, by the first worker to find no cell left
    const after = await take([AFTER_CELLS], async (_key, claim) => claim?.state === "finished" && claim.submission === work.holder.submission);
    if (after.kind === "claimed") {
      const { lost } = await holdClaim(work.claims, after.claim, work, async () => {
        if (!env.afterCells) return;
        const notes = new Set(sync.record.notes), before = new Set(notes);
        await env.afterCells({ plan, runs: await findExperimentRuns(store, name), data: () => loadData(), notes });
        sync.notes(before, notes);
      });
      if (!lost) await endClaim(work.claims, AFTER_CELLS, after.claim.token, work.now(), { state: "finished" });
    }
  }
  const report = await sync.report(predictions);
  runs = await findExperimentRuns(store, name);
  const failures = sync.record.failures;
  const statuses = plan.cells.map((cell) => cellRun(runs.get(cell.cellId))?.status ?? (failures[cell.cellId] ? "failed" : undefined));
  return {
    cells: plan.cells.length,
    finished: statuses.filter((s) => s === "finished").length,
    failed: statuses.filter((s) => s === "failed").length,
    trained,
    report,
  };

  /** Trains one cell; how its claim ends. A failure is recorded and reported, never thrown: the other cells go on. */
  async function trainCell(cell: Cell, lost: { readonly aborted: boolean }): Promise<ClaimEnd> {
    const loaded = await loadData((event) => env.progress?.({ kind: "run", cell, event }));
    // the cell stops when the user stops the worker, or when another worker took its claim over
    const signal = {
      get aborted() {
        return lost.aborted || env.signal?.aborted === true;
      },
    };
    let runId: string | undefined;
    try {
      const result = await fitRun(
        loaded,
        {
          plugin: cell.resolved.plugin,
          ...cell.settings,
          attachments: env.attachments,
          tags: { experiment: { name, cell_id: cell.cellId, label: cell.label } },
        },
        {
          ...env,
          signal,
          progress: (event) => {
            if (event.kind === "run") runId = event.runId;
            env.progress?.({ kind: "run", cell, event });
          },
        },
        env.hooks,
      );
      sync.failure(cell.cellId, null);
      const files = result.record.dataset.files.train;
      if (files.samples_available) {
        sync.notes(
          new Set(),
          new Set([
            `${cell.label}: trained on ${files.samples} of ${files.samples_available} training samples (dataset.train_stride / max_train_samples); validation and test are whole`,
          ]),
        );
      }
      const stopped = result.record.status === "stopped";
      env.progress?.({ kind: "cell-end", cell, status: stopped ? "stopped" : "finished", runId: result.runId });
      // stopped by the user: the cell is free for any worker; stopped by a hook: it ended, as a failure would
      if (stopped) return { state: signal.aborted ? "released" : "stopped", run_id: result.runId };
      return { state: "finished", run_id: result.runId };
    } catch (error) {
      // the run (when it got one) is already marked failed with this message
      const message = String((error as Error)?.message ?? error);
      sync.failure(cell.cellId, message);
      env.progress?.({ kind: "cell-end", cell, status: "failed", error: message });
      return { state: "failed", error: message, ...(runId ? { run_id: runId } : {}) };
    }
  }
}

/** The only worker of an experiment: claims in memory, nobody to wait for. */
function onlyWorker(clock: Clock): WorkerSettings {
  return {
    claims: new MemoryClaimStore(),
    holder: { worker: "this process", task: null, submission: "this process" },
    heartbeatMs: 3_600_000,
    now: () => clock.now(),
    sleep: () => Promise.resolve(),
    every: () => () => undefined,
  };
}

/** Whether a run exists and is finished (a claim names it; the run may have been removed since). */
async function runFinished(store: RunStore, runId: string): Promise<boolean> {
  try {
    return (await readRunJson(store, runId, "run.json", RunRecord)).status === "finished";
  } catch (error) {
    if (error instanceof NotFoundError) return false;
    throw error;
  }
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
