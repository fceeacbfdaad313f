import { z } from "zod";
import type { Direction, FrozenTrial } from "../sampler.ts";

/**
 * Decides, after a trial reported an intermediate value, whether to stop it. Pure: the answer depends only on
 * the study's trials (the trial itself may be among them), the trial with its reports so far (its last step is
 * the one just reported) and the direction of the intermediate values.
 */
export interface Pruner {
  prune(trials: readonly FrozenTrial[], trial: FrozenTrial, direction: Direction): boolean;
}

const count = z.number().int().nonnegative();

/** Optuna's MedianPruner: prune when the trial's best value so far is worse than the median of complete trials at this step. */
export const MedianPrunerConfig = z.strictObject({
  name: z.literal("median"),
  /** No pruning until this many trials completed. */
  n_startup_trials: count.default(5),
  /** No pruning before this step. */
  n_warmup_steps: count.default(0),
  /** Prune only at the first report of every interval after warm-up. */
  interval_steps: z.number().int().positive().default(1),
  /** How many complete trials must have reported this step. */
  n_min_trials: z.number().int().positive().default(1),
});

/** Optuna's PercentilePruner: as median, at any percentile (25 keeps the top quarter). */
export const PercentilePrunerConfig = MedianPrunerConfig.extend({
  name: z.literal("percentile"),
  percentile: z.number().min(0).max(100),
});

/** Optuna's SuccessiveHalvingPruner (asynchronous successive halving, ASHA). */
export const SuccessiveHalvingPrunerConfig = z.strictObject({
  name: z.literal("asha"),
  /**
   * The first rung's step. Optuna's "auto" (estimated once the first trial completes) is not offered: the rungs a
   * trial passed before that estimate cannot be told from the journal, so results would differ from Optuna's.
   */
  min_resource: z.number().int().positive().default(1),
  /** Rung r is at min_resource * reduction_factor^(min_early_stopping_rate + r); the top 1/factor go on. */
  reduction_factor: z.number().int().min(2).default(4),
  min_early_stopping_rate: count.default(0),
  /** A trial is pruned at a rung until more than this many trials reached it. */
  bootstrap_count: count.default(0),
});

const Wrappable = z.discriminatedUnion("name", [MedianPrunerConfig, PercentilePrunerConfig, SuccessiveHalvingPrunerConfig]);

/** Optuna's PatientPruner: asks the wrapped pruner (or prunes) only once the trial has not improved for `patience` steps. */
export const PatiencePrunerConfig = z.strictObject({
  name: z.literal("patience"),
  patience: count,
  min_delta: z.number().nonnegative().default(0),
  wrapped: Wrappable.nullable().default(null),
});

/** A pruner as configured in a study (its name and options); no pruner is `null` where it is stored. */
export const PrunerConfig = z.discriminatedUnion("name", [MedianPrunerConfig, PercentilePrunerConfig, SuccessiveHalvingPrunerConfig, PatiencePrunerConfig]);
/** A parsed pruner configuration. */
export type PrunerConfig = z.output<typeof PrunerConfig>;

/** The trial's steps in ascending order. */
export function stepsOf(trial: FrozenTrial): number[] {
  return Object.keys(trial.intermediate).map(Number).sort((a, b) => a - b);
}

/** The trial's last reported step, or undefined before its first report. */
export function lastStep(trial: FrozenTrial): number | undefined {
  const steps = stepsOf(trial);
  return steps.length ? steps[steps.length - 1] : undefined;
}

/** The best of `values` for `direction`, ignoring NaN (NaN when all are NaN or there are none), as numpy's nanmax/nanmin. */
export function nanBest(values: readonly number[], direction: Direction): number {
  let best = Number.NaN;
  for (const v of values) {
    if (Number.isNaN(v)) continue;
    if (Number.isNaN(best) || (direction === "maximize" ? v > best : v < best)) best = v;
  }
  return best;
}
