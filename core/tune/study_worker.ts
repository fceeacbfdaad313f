import { ConfigError } from "../errors.ts";
import type { LoadedDataset } from "../data/dataset.ts";
import type { ModelPlugin } from "../model.ts";
import { fitRun, type TrainEnv } from "../train/fit_run.ts";
import { jsonText, readRunJson, RunRecord } from "../train/run_record.ts";
import { appendOps, type JournalStore, STOPPED_REASON, type Study, type StudyTrial } from "./journal.ts";
import { intermediateValue, type ObjectiveName, objectiveValue } from "./objective.ts";
import type { Pruner } from "./pruners/pruner.ts";
import type { Sampler } from "./sampler.ts";
import { applyParams, type RunSettings, type SearchSpace } from "./space.ts";
import { claimTrial, loadStudy } from "./study.ts";

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
 * never scored), reports the intermediate value after every epoch and asks the pruner, sends heartbeats, and
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
    const intermediate: Record<number, number> = {};
    let pruneReason: string | undefined;
    let runId: string | undefined;
    try {
      const settings = applyParams(options.base, params);
      const result = await fitRun(
        data,
        {
          plugin: options.plugin,
          ...settings,
          tags: { study: { name, trial: number } },
          scoreTest: false,
        },
        { ...env, progress: (event) => (event.kind === "run" ? (runId = event.runId) : undefined, env.progress?.(event)) },
        {
          onEpoch: async (report) => {
            const value = intermediateValue(report, direction);
            intermediate[report.epoch] = value;
            await appendOps(store, name, [{ op: "report", trial: number, step: report.epoch, value }]);
            if (!pruner) return;
            const study = await loadStudy(store, name);
            const self = { ...study.trials[number], intermediate: { ...intermediate } };
            if (pruner.prune(study.trials.map((t) => (t.number === number ? self : t)), self, direction)) {
              pruneReason = `pruned at epoch ${report.epoch + 1}`;
              return { stop: true, reason: pruneReason };
            }
          },
        },
      );
      stopBeats();
      await beating;
      if (beatError) throw beatError;
      // early stopping that ends the same epoch wins (the trainer records it): the trial then completed
      if (pruneReason !== undefined && result.record.stop_reason === pruneReason) {
        const record = await readRunJson(env.store, result.runId, "run.json", RunRecord);
        await env.store.write(result.runId, "run.json", jsonText({ ...record, status: "pruned" }));
        await appendOps(store, name, [{ op: "finish", trial: number, state: "pruned", run_id: result.runId, reason: pruneReason, at: at() }]);
      } else if (result.record.status === "stopped") {
        await appendOps(store, name, [{ op: "finish", trial: number, state: "failed", run_id: result.runId, reason: STOPPED_REASON, at: at() }]);
      } else {
        const value = objectiveValue(objective, result.val);
        await appendOps(store, name, [{ op: "finish", trial: number, state: "complete", value, run_id: result.runId, at: at() }]);
      }
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
