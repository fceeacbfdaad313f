import type { LoadedDataset } from "../data/dataset.ts";
import type { WalkForward } from "../data/walk_forward.ts";
import type { ModelPlugin } from "../model.ts";
import { fitRun, type TrainEnv } from "../train/fit_run.ts";
import { jsonText, readRunJson, RunRecord } from "../train/run_record.ts";
import { appendOps, type JournalStore, STOPPED_REASON } from "./journal.ts";
import { intermediateValue, type ObjectiveName, objectiveValue } from "./objective.ts";
import type { Pruner } from "./pruners/pruner.ts";
import type { Direction } from "./sampler.ts";
import type { RunSettings } from "./space.ts";
import { loadStudy } from "./study.ts";

/** How a trial's training ended, as its finish line records it. */
export type TrialOutcome =
  | { state: "complete"; value: number; run_id: string; runs?: string[] }
  | { state: "pruned"; run_id: string; reason: string; runs?: string[] }
  | { state: "failed"; run_id: string; reason: string; runs?: string[] };

/** One trial to train: its study, number, settings (the base with its parameters applied) and how it is judged. */
export interface TrialJob {
  store: JournalStore;
  study: string;
  number: number;
  direction: Direction;
  plugin: ModelPlugin;
  settings: RunSettings;
  objective: ObjectiveName;
  pruner?: Pruner;
}

/** The run of trial `job` (of one fold, when given): its settings, tagged with the study, test never scored. */
function trialRequest(job: TrialJob, fold?: number) {
  const study = { name: job.study, trial: job.number, ...(fold !== undefined ? { fold } : {}) };
  return { plugin: job.plugin, ...job.settings, tags: { study }, scoreTest: false };
}

/** The platform with its progress tapped, so `onRun` learns each run's id as soon as the run exists. */
function tapRunIds(env: TrainEnv, onRun: (runId: string) => void): TrainEnv {
  return { ...env, progress: (event) => (event.kind === "run" && onRun(event.runId), env.progress?.(event)) };
}

/** Asks the pruner about the trial given its intermediate values so far; the study is read fresh, other workers' values included. */
async function shouldPrune(job: TrialJob, intermediate: Record<number, number>): Promise<boolean> {
  if (!job.pruner) return false;
  const study = await loadStudy(job.store, job.study);
  const self = { ...study.trials[job.number], intermediate: { ...intermediate } };
  return job.pruner.prune(study.trials.map((t) => (t.number === job.number ? self : t)), self, job.direction);
}

/** Marks a run pruned (it finished early because a pruner stopped it; its curves stay). */
async function markPruned(env: TrainEnv, runId: string): Promise<void> {
  const record = await readRunJson(env.store, runId, "run.json", RunRecord);
  await env.store.write(runId, "run.json", jsonText({ ...record, status: "pruned" }));
}

/**
 * A trial on the validation split: one run; after every epoch its validation loss (oriented to the study's
 * direction) is the intermediate value the pruner judges. `onRun` learns the run's id as soon as it exists.
 */
export async function holdoutTrial(job: TrialJob, data: LoadedDataset, env: TrainEnv, onRun: (runId: string) => void): Promise<TrialOutcome> {
  const intermediate: Record<number, number> = {};
  let pruneReason: string | undefined;
  const result = await fitRun(
    data,
    trialRequest(job),
    tapRunIds(env, onRun),
    {
      onEpoch: async (report) => {
        const value = intermediateValue(report, job.direction);
        intermediate[report.epoch] = value;
        await appendOps(job.store, job.study, [{ op: "report", trial: job.number, step: report.epoch, value }]);
        if (await shouldPrune(job, intermediate)) {
          pruneReason = `pruned at epoch ${report.epoch + 1}`;
          return { stop: true, reason: pruneReason };
        }
      },
    },
  );
  // early stopping that ends the same epoch wins (the trainer records it): the trial then completed
  if (pruneReason !== undefined && result.record.stop_reason === pruneReason) {
    await markPruned(env, result.runId);
    return { state: "pruned", run_id: result.runId, reason: pruneReason };
  }
  if (result.record.status === "stopped") return { state: "failed", run_id: result.runId, reason: STOPPED_REASON };
  return { state: "complete", value: objectiveValue(job.objective, result.val), run_id: result.runId };
}

/**
 * A trial scored by walk-forward cross-validation: one run per fold, in time order, each tagged with its fold;
 * after each fold its objective is the intermediate value at step = fold, so the pruner compares trials at the same
 * fold and may stop a trial between folds. The trial's value is the mean over the folds; its run is the last fold's.
 */
export async function foldsTrial(job: TrialJob, folds: WalkForward, env: TrainEnv, onRun: (runId: string) => void): Promise<TrialOutcome> {
  const intermediate: Record<number, number> = {};
  const runs: string[] = [];
  for (let k = 0; k < folds.cv.folds; k++) {
    const result = await fitRun(
      folds.fold(k),
      trialRequest(job, k),
      tapRunIds(env, onRun),
    );
    runs.push(result.runId);
    if (result.record.status === "stopped") return { state: "failed", run_id: result.runId, reason: STOPPED_REASON, runs };
    const value = objectiveValue(job.objective, result.val);
    intermediate[k] = value;
    await appendOps(job.store, job.study, [{ op: "report", trial: job.number, step: k, value }]);
    if (k < folds.cv.folds - 1 && await shouldPrune(job, intermediate)) {
      await markPruned(env, result.runId);
      return { state: "pruned", run_id: result.runId, reason: `pruned after fold ${k + 1} of ${folds.cv.folds}`, runs };
    }
  }
  const values = Object.values(intermediate);
  return { state: "complete", value: values.reduce((a, b) => a + b, 0) / values.length, run_id: runs[runs.length - 1], runs };
}
