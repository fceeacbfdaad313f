import type { ProgressEvent } from "../../core/platform.ts";
import { count } from "../format.ts";

/** Where a training stands, as the Train page shows it; built from the job's progress events by {@linkcode advance}. */
export interface TrainProgress {
  /** What the run is doing: before the first batch, fitting, scoring val and test, or over. */
  stage: "starting" | "fitting" | "evaluating" | "ended";
  /** The last phase event in words, e.g. "read: train.parquet". */
  phase: string;
  /** Epochs (or rounds) planned and reported so far. */
  epochs: number;
  done: number;
  /** Batches done of the epoch under way; absent for tree models, which report whole rounds. */
  step?: { step: number; steps: number };
  /** Share of the planned epochs done, 0 to 1. */
  fraction: number;
  /** The first and the latest progress of the fit (ms, fraction): the rate between them leaves start-up out. */
  first?: { t: number; fraction: number };
  last?: { t: number; fraction: number };
  /** Progress events since `first`. */
  samples: number;
  /** Progress points of the fit, thinned to at most HISTORY (every other one dropped when full), oldest first. */
  history: readonly { t: number; fraction: number }[];
}

/** A training not started yet. */
export const STARTING: TrainProgress = { stage: "starting", phase: "starting", epochs: 0, done: 0, fraction: 0, samples: 0, history: [] };

const HISTORY = 64;

/** The progress after `event` arrived at `now` (ms). */
export function advance(p: TrainProgress, event: ProgressEvent, now: number): TrainProgress {
  if (event.kind === "phase") {
    const phase = event.detail ? `${event.phase}: ${event.detail}` : event.phase;
    return { ...p, phase, stage: event.phase === "evaluate" ? "evaluating" : p.stage };
  }
  if (event.kind === "epoch") return sampled({ ...p, stage: "fitting", epochs: event.epochs, done: event.epoch + 1, step: undefined }, now);
  if (event.kind === "step") {
    return sampled({ ...p, stage: "fitting", epochs: event.epochs, done: event.epoch, step: { step: event.step, steps: event.steps } }, now);
  }
  return p;
}

function sampled(p: TrainProgress, now: number): TrainProgress {
  const fraction = Math.min(1, (p.done + (p.step ? p.step.step / p.step.steps : 0)) / p.epochs);
  const point = { t: now, fraction };
  const kept = p.history.length >= HISTORY ? p.history.filter((_, k) => k % 2 === 0) : p.history;
  return { ...p, fraction, first: p.first ?? point, last: point, samples: p.first ? p.samples + 1 : 0, history: [...kept, point] };
}

/** Seconds of fitting and progress events after the first one before a rate is trusted. */
export const ETA_MIN_SECONDS = 3;
export const ETA_MIN_SAMPLES = 3;

/**
 * Seconds left until the planned epochs are done, or undefined while it cannot be told yet: only after
 * `ETA_MIN_SECONDS` of fitting and `ETA_MIN_SAMPLES` events since the first batch or round reported. Reading files,
 * starting the backend, binning and compiling kernels come before that first report, and the rate is measured over
 * the later two thirds of the fit so far, so the first, slower batches or rounds (code still warming up) do not
 * count either.
 */
export function timeLeft(p: TrainProgress, now: number): number | undefined {
  if (p.stage !== "fitting" || !p.first || !p.last || p.samples < ETA_MIN_SAMPLES) return undefined;
  if ((p.last.t - p.first.t) / 1000 < ETA_MIN_SECONDS) return undefined;
  const from = p.history[Math.floor((p.history.length - 1) / 3)] ?? p.first;
  const seconds = (p.last.t - from.t) / 1000, gained = p.last.fraction - from.fraction;
  if (seconds <= 0 || gained <= 0) return undefined;
  const end = p.last.t / 1000 + (1 - p.last.fraction) * (seconds / gained);
  return Math.max(0, end - now / 1000);
}

/** How a run ended, as the worker said; undefined while it runs. */
export interface Ending {
  status: string;
}

/** The status line: what the run is doing now, or where it ended. `unit` names an epoch ("epoch", or "round" for trees). */
export function statusText(p: TrainProgress, unit = "epoch", ending?: Ending): string {
  const of = `${count(p.done)} of ${count(p.epochs)} ${unit}s`;
  if (ending?.status === "stopped" && !p.epochs) return "stopped before training began";
  if (ending?.status === "stopped") {
    // where it stopped: the reported epochs, and the batches of the one under way
    const partial = p.step && p.step.step > 0 ? `, ${unit} ${count(p.done + 1)} at batch ${count(p.step.step)} of ${count(p.step.steps)}` : "";
    return `stopped at ${Math.floor(p.fraction * 100)}%: ${of} done${partial}`;
  }
  // how far a finished run went is in its results below (mf-run-result); a failed one's error is shown beside
  if (ending) return ending.status;
  if (p.stage === "evaluating") return `scoring val and test after ${of}`;
  if (p.stage === "fitting") {
    return p.step
      ? `training: ${unit} ${count(p.done + 1)} of ${count(p.epochs)}, batch ${count(p.step.step)} of ${count(p.step.steps)}`
      : `training: ${of} done`;
  }
  return `starting: ${p.phase}`;
}
