import type { Windows } from "../../../core/data/windows.ts";
import type { Model } from "../../../core/model.ts";
import type { DispatchCounter } from "./dispatch_counter.ts";

/** A model's WebGPU work per training step, and its speed. */
export interface StepDispatches {
  /** Compute dispatches per step (kernels of tfjs and ours). */
  dispatches_per_step: number;
  /** tfjs programs run per step. */
  programs_per_step: number;
  /** Host-to-GPU tensor uploads per step (the batch's row indices and labels, scalars tfjs makes on the host). */
  uploads_per_step: number;
  /** GPU-to-host reads per step (the loss, read once every group of steps). */
  reads_per_step: number;
  /** Training samples per second: the median group of steps, timed from one loss read to the next. */
  samples_per_s: number;
  /** Steps counted and timed (the warm-up group, which compiles the kernels, not included). */
  steps: number;
  /** tfjs programs per step, by program class. */
  by_program: Record<string, number>;
}

/** How `stepDispatches` trains. */
export interface StepOptions {
  batchSize: number;
  /** The counter on the backend the model trains on (countDispatches). */
  counter: DispatchCounter;
  /** Milliseconds on some monotonic clock (performance.now). */
  now: () => number;
  /** Groups of steps to count and time after the warm-up group; at least one. */
  groups: number;
  /** Stop after this many seconds of counted groups, even before `groups` (at least one group always runs). */
  maxSeconds?: number;
}

/**
 * Trains `model` one step at a time on `train` (which must hold enough samples) and counts its WebGPU work per
 * step. NetworkModel reads the loss back once a group of steps (8) and reports progress then, so counts and times
 * are taken between those reports: a step's share of the read is in its count. The first group compiles the
 * kernels and uploads the split, and is neither counted nor timed. The model is trained, not disposed.
 *
 * @example
 * const counter = countDispatches(tf.backend());
 * const r = await stepDispatches(model, windows, { batchSize: 256, counter, now: () => performance.now(), groups: 2 });
 */
export async function stepDispatches(model: Model, train: Windows, options: StepOptions): Promise<StepDispatches> {
  const groups: { steps: number; ms: number; counts: ReturnType<DispatchCounter["counts"]> }[] = [];
  const signal = { aborted: false };
  let lastStep = 0, last = 0, started = 0;
  await model.fit(train, train, {
    epochs: 1,
    batchSize: options.batchSize,
    seed: 1,
    restoreBest: false,
    signal,
    onEpoch: () => Promise.resolve({ stop: true, best: false }),
    onStep: (step) => {
      const now = options.now();
      if (lastStep > 0) groups.push({ steps: step - lastStep, ms: now - last, counts: options.counter.counts() });
      else started = now;
      const spent = (now - started) / 1000;
      if (groups.length >= options.groups || (groups.length > 0 && options.maxSeconds !== undefined && spent > options.maxSeconds)) signal.aborted = true;
      options.counter.reset();
      lastStep = step, last = options.now();
    },
  });
  if (groups.length === 0) {
    throw new RangeError(`stepDispatches: ${train.size} samples at batch ${options.batchSize} made no counted group of steps; give more samples`);
  }
  const steps = groups.reduce((s, g) => s + g.steps, 0);
  const sum = (pick: (c: DispatchCounter["counts"] extends () => infer C ? C : never) => number) => groups.reduce((s, g) => s + pick(g.counts), 0) / steps;
  const byProgram: Record<string, number> = {};
  for (const g of groups) for (const [name, n] of Object.entries(g.counts.byProgram)) byProgram[name] = (byProgram[name] ?? 0) + n / steps;
  const stepMs = groups.map((g) => g.ms / g.steps).sort((a, b) => a - b);
  const median = (stepMs[Math.floor((stepMs.length - 1) / 2)] + stepMs[Math.ceil((stepMs.length - 1) / 2)]) / 2;
  return {
    dispatches_per_step: sum((c) => c.dispatches),
    programs_per_step: sum((c) => c.programs),
    uploads_per_step: sum((c) => c.uploads),
    reads_per_step: sum((c) => c.reads),
    samples_per_s: (options.batchSize * 1000) / median,
    steps,
    by_program: byProgram,
  };
}
