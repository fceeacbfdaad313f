import type { z } from "zod";
import type { Direction, FrozenTrial } from "../sampler.ts";
import { nanBest, type PatiencePrunerConfig, type Pruner, stepsOf } from "./pruner.ts";

/**
 * Optuna's PatientPruner: when the best of the trial's last `patience + 1` values is no better (by `min_delta`) than
 * the best before them, the trial has stalled: then the wrapped pruner decides, or, without one, it is pruned.
 */
export function patiencePruner(config: z.output<typeof PatiencePrunerConfig>, wrapped: Pruner | undefined): Pruner {
  return {
    prune(trials: readonly FrozenTrial[], trial: FrozenTrial, direction: Direction): boolean {
      const steps = stepsOf(trial);
      if (steps.length <= config.patience + 1) return false;
      const split = steps.length - config.patience - 1;
      const before = nanBest(steps.slice(0, split).map((s) => trial.intermediate[s]), direction);
      const after = nanBest(steps.slice(split).map((s) => trial.intermediate[s]), direction);
      // comparisons with NaN are false, as in numpy
      const stalled = direction === "minimize" ? before + config.min_delta < after : before - config.min_delta > after;
      if (!stalled) return false;
      return wrapped ? wrapped.prune(trials, trial, direction) : true;
    },
  };
}
