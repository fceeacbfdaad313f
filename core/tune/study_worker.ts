import { ConfigError } from "../errors.ts";
import type { LoadedDataset } from "../data/dataset.ts";
import type { ModelPlugin } from "../model.ts";
import type { WalkForward } from "../data/walk_forward.ts";
import type { TrainEnv } from "../train/fit_run.ts";
import { appendOps, type JournalStore, type Study, type StudyTrial } from "./journal.ts";
import type { ObjectiveName } from "./objective.ts";
import type { Pruner } from "./pruners/pruner.ts";
import type { Sampler } from "./sampler.ts";
import { applyParams, type RunSettings, type SearchSpace } from "./space.ts";
import { claimTrial, loadStudy } from "./study.ts";
import { foldsTrial, holdoutTrial, type TrialJob } from "./trial_run.ts";

/** What a worker reports as it goes, for a progress line. */
export type WorkerEvent =
  | { kind: "trial-start"; number: number; params: Record<string, unknown> }
  | { kind: "trial-end"; trial: StudyTrial; study: Study; error?: string }
  | { kind: "waiting"; running: number };

/** One worker of a study: what it tunes, on which data, and how it keeps the study informed. */
export interface WorkerOptions {
  store: JournalStore;
  study: string;
  plugin: ModelPlugin;
  /** The settings every trial starts from; sampled values are set on top (core/tune/space.ts applyParams). */
  base: RunSettings;
  space: SearchSpace;
  sampler: Sampler;
  pruner?: Pruner;
  objective: ObjectiveName;
  /** Score each trial by walk-forward cross-validation over train + val instead of on val. */
  folds?: WalkForward;
  seed: number;
  budget: number;
  worker: string;
  heartbeatMs: number;
  /** Stop claiming new trials after this time (ms since the epoch, as `now()`). */
  deadline?: number;
  now(): number;
  sleep(ms: number): Promise<void>;
  /** Calls `beat` every `ms` until the returned function is called (a heartbeat while a long epoch runs). */
  every(ms: number, beat: () => void): () => void;
  onEvent?(event: WorkerEvent): void;
}

/**
 * Runs trials of a study until it holds its budget (counting other workers' trials), the deadline passes or the
 * run is stopped: claims a trial under the study's lock, trains it as a run tagged with the study and trial (test
 * never scored; with `folds`, one run per walk-forward fold, core/tune/trial_run.ts), reports the intermediate
 * value after every epoch (or fold) and asks the pruner, sends heartbeats, and
 * finishes the trial complete (with the validation objective), pruned (its run marked `pruned`, curves kept) or
 * failed (with the error). Returns how many trials this worker ran.
 */
export async function runStudyWorker(data: LoadedDataset, options: WorkerOptions, env: TrainEnv): Promise<number> {
  const { store, study: name, pruner, objective, worker } = options;
  let ran = 0;
  for (;;) {
    if (env.signal?.aborted || (options.deadline !== undefined && options.now() >= options.deadline)) return ran;
    const claim = await claimTrial(store, name, {
      worker,
      budget: options.budget,
      now: options.now(),
      heartbeatMs: options.heartbeatMs,
      sample: (study, number) => options.sampler.sample(options.space, study.trials, { direction: study.direction, number, seed: options.seed }),
    });
    if (claim.kind === "done") return ran;
    if (claim.kind === "wait") {
      options.onEvent?.({ kind: "waiting", running: claim.study.trials.filter((t) => t.state === "running").length });
      await options.sleep(Math.min(1000, options.heartbeatMs / 4));
      continue;
    }
    ran += 1;
    const { number, params } = claim;
    const direction = claim.study.direction;
    options.onEvent?.({ kind: "trial-start", number, params });
    const at = () => new Date(options.now()).toISOString();
    const beat = () => appendOps(store, name, [{ op: "heartbeat", trial: number, worker, at: at() }]);
    // heartbeats queue one after another; a failed one is kept and raised after training, never left unhandled
    let beating: Promise<void> = Promise.resolve(), beatError: unknown;
    const stopBeats = options.every(options.heartbeatMs / 3, () => {
      beating = beating.then(beat).catch((error) => void (beatError ??= error));
    });
    let runId: string | undefined;
    try {
      const job: TrialJob = { store, study: name, number, direction, plugin: options.plugin, settings: applyParams(options.base, params), objective, pruner };
      const onRun = (id: string) => void (runId = id);
      const outcome = options.folds ? await foldsTrial(job, options.folds, env, onRun) : await holdoutTrial(job, data, env, onRun);
      stopBeats();
      await beating;
      if (beatError) throw beatError;
      await appendOps(store, name, [{ op: "finish", trial: number, ...outcome, at: at() }]);
    } catch (error) {
      stopBeats();
      await beating; // never rejects: a heartbeat's error is kept in beatError
      const message = String((error as Error)?.message ?? error);
      await appendOps(store, name, [{ op: "finish", trial: number, state: "failed", reason: message, ...(runId ? { run_id: runId } : {}), at: at() }]);
      // a wrong setting fails every trial alike: stop rather than spend the budget on it
      if (error instanceof ConfigError && Object.keys(params).length === 0) throw error;
      const study = await loadStudy(store, name);
      options.onEvent?.({ kind: "trial-end", trial: study.trials[number], study, error: message });
      continue;
    }
    const study = await loadStudy(store, name);
    options.onEvent?.({ kind: "trial-end", trial: study.trials[number], study });
  }
}
