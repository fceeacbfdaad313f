import type { SearchSpace } from "./space.ts";

/** How a trial stands: still training, finished with a value, stopped early by a pruner, or failed. */
export type TrialState = "running" | "complete" | "pruned" | "failed";

/** Whether the study looks for the lowest or the highest objective value. */
export type Direction = "minimize" | "maximize";

/** What a sampler sees of a trial (finished or not): its parameters by path, its value when complete, its reports per step. */
export interface FrozenTrial {
  number: number;
  state: TrialState;
  /** Sampled values by path (`params.hidden`), as applied to the run; a conditional parameter that was inactive is absent. */
  params: Record<string, unknown>;
  /** The objective, for complete trials (a pruned trial may carry its last intermediate value). */
  value?: number;
  /** Intermediate objective values by step (epoch, boosting round or fold). */
  intermediate: Record<number, number>;
}

/** What a sampler is told besides the space and the history. */
export interface SampleContext {
  direction: Direction;
  /** The number of the trial being sampled (0-based). */
  number: number;
  /** The study's seed; with `number` it fixes every random draw of the sample. */
  seed: number;
}

/**
 * Chooses the parameters of the next trial. `trials` holds every trial of the study so far, running ones included (TPE's
 * constant liar uses them). The same space, trials and context always give the same answer.
 */
export interface Sampler {
  sample(space: SearchSpace, trials: readonly FrozenTrial[], context: SampleContext): Record<string, unknown>;
}
