// An experiment's queue in one worker: the config and data files come from the experiments database, the
// data is read once and tfjs started once for every cell (runExperiment), and each event goes to the page.
import * as tf from "@tensorflow/tfjs";
import { buildEnsembles } from "../../core/ensemble/build.ts";
import type { Cell } from "../../core/experiment/plan.ts";
import { type ExperimentEvent, runExperiment } from "../../core/experiment/runner.ts";
import type { AbortLike, GpuLike } from "../../core/platform.ts";
import { registry } from "../../models/index.ts";
import { tfjsBackend } from "../../models/tfjs/backend.ts";
import { planStored } from "../experiments/plan_stored.ts";
import { IdbExperimentStore, storedSources } from "../idb_experiments.ts";
import { IdbRunStore } from "../idb_store.ts";
import type { CellInfo, JobRequest, QueueEvent, QueueOutcome } from "./protocol.ts";
import { browserBackendEnv, browserParallelism } from "./browser_platform.ts";

/** What the worker hands the job: its WebGPU entry point, the stop signal, and where events go. */
export interface QueueContext {
  gpu?: GpuLike;
  signal: AbortLike;
  post(event: QueueEvent): void;
}

/**
 * Plans the stored experiment again (its cells' ids depend on the config and the files, so finished cells
 * are found and skipped) and runs its queue, then, when asked, its ensembles (as `mf experiment` does after
 * its cells). A run a reload interrupted is marked failed by the runner and its cell trained again. Stops
 * after the current batch when the signal is set.
 */
export async function runExperimentJob(job: Extract<JobRequest, { kind: "experiment" }>, context: QueueContext): Promise<QueueOutcome> {
  const [store, experiments] = await Promise.all([IdbRunStore.open(job.db), IdbExperimentStore.open(job.db)]);
  const stored = await experiments.get(job.name);
  const sources = storedSources(stored.files);
  const file = experiments.records.location(job.name);
  const plan = await planStored(stored.config, stored.files, { registry, file });
  const versions = { tfjs: tf.version.tfjs };
  // a step event per batch would flood the page; a few per second are enough for a progress bar
  let lastStep = 0;
  const progress = (event: ExperimentEvent) => {
    if (event.kind === "report") return; // the page reads report.json, rewritten after every cell
    if (event.kind === "plan") return context.post({ kind: "plan", cells: event.cells.map(cellInfo), done: [...event.done] });
    if (event.kind === "run" && event.event.kind === "step") {
      if (Date.now() - lastStep < 100 && event.event.step < event.event.steps) return;
      lastStep = Date.now();
    }
    context.post({ ...event, cell: cellInfo(event.cell) });
  };
  const result = await runExperiment(plan, plan.cells, {
    store,
    experiments: experiments.records,
    sources,
    file,
    runsLocation: store.location(""),
    clock: Date,
    startBackend: tfjsBackend(browserBackendEnv(context.gpu, job.wasmPaths)),
    parallel: browserParallelism(),
    signal: context.signal,
    versions,
    progress,
    afterCells: job.ensembles ? (after) => buildEnsembles(after, { store, clock: Date, versions }) : undefined,
  });
  return { cells: result.cells, finished: result.finished, failed: result.failed, trained: result.trained };
}

function cellInfo(cell: Cell): CellInfo {
  return { index: cell.index, label: cell.label, model: cell.model, horizon: cell.horizon, seed: cell.seed, cellId: cell.cellId };
}
