import type { Direction, FrozenTrial } from "../sampler.ts";
import { lastStep, type MedianPrunerConfig, nanBest, type PercentilePrunerConfig, type Pruner } from "./pruner.ts";
import type { z } from "zod";

/**
 * Optuna's PercentilePruner (and MedianPruner at 50): after warm-up, at the first report of each interval, prunes
 * when the trial's best intermediate value so far is worse than the given percentile of the complete trials' values
 * at the same step (for maximising, the percentile is taken from the top: 100 - p). A trial whose values are all NaN is pruned.
 */
export function percentilePruner(config: z.output<typeof PercentilePrunerConfig> | z.output<typeof MedianPrunerConfig>): Pruner {
  const percentile = config.name === "median" ? 50 : config.percentile;
  return {
    prune(trials: readonly FrozenTrial[], trial: FrozenTrial, direction: Direction): boolean {
      const complete = trials.filter((t) => t.state === "complete");
      if (complete.length === 0 || complete.length < config.n_startup_trials) return false;
      const step = lastStep(trial);
      if (step === undefined || step < config.n_warmup_steps) return false;
      if (!firstInInterval(step, Object.keys(trial.intermediate).map(Number), config.n_warmup_steps, config.interval_steps)) return false;
      const best = nanBest(Object.values(trial.intermediate), direction);
      if (Number.isNaN(best)) return true;
      const atStep = complete.filter((t) => step in t.intermediate).map((t) => t.intermediate[step]);
      if (atStep.length < config.n_min_trials) return false;
      const p = nanPercentile(atStep, direction === "maximize" ? 100 - percentile : percentile);
      if (Number.isNaN(p)) return false;
      return direction === "maximize" ? best < p : best > p;
    },
  };
}

/** Whether `step` is the trial's first report at or after the nearest pruning step below it (Optuna's _is_first_in_interval_step). */
function firstInInterval(step: number, steps: readonly number[], warmup: number, interval: number): boolean {
  const nearestLower = Math.floor((step - warmup) / interval) * interval + warmup;
  let secondLast = -1;
  for (const s of steps) if (s > secondLast && s !== step) secondLast = s;
  return secondLast < nearestLower;
}

/** numpy's nanpercentile with linear interpolation: the q-th percentile (0..100) of the values that are not NaN. */
export function nanPercentile(values: readonly number[], q: number): number {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const position = (q / 100) * (sorted.length - 1);
  const lo = Math.floor(position), hi = Math.ceil(position);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (position - lo);
}
