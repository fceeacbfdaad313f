import type { z } from "zod";
import type { Direction, FrozenTrial } from "../sampler.ts";
import { lastStep, type Pruner, stepsOf, type SuccessiveHalvingPrunerConfig } from "./pruner.ts";

/**
 * Optuna's SuccessiveHalvingPruner (asynchronous successive halving). Rung r is reached at step
 * min_resource * reduction_factor^(min_early_stopping_rate + r); a trial reaching a rung records its value there and
 * goes on only if that value is in the top 1/reduction_factor of the values recorded at that rung by all trials so far
 * (for the first few trials at a rung, only if it is the best). Optuna keeps each trial's rung values as trial
 * attributes; here they are derived from the intermediate values: a trial's value at rung r is its value at the first
 * step at or after the rung's step, as Optuna records it when the pruner is asked after every report.
 */
export function successiveHalvingPruner(config: z.output<typeof SuccessiveHalvingPrunerConfig>): Pruner {
  const { reduction_factor: factor, min_early_stopping_rate: rate, bootstrap_count: bootstrap } = config;
  return {
    prune(trials: readonly FrozenTrial[], trial: FrozenTrial, direction: Direction): boolean {
      const step = lastStep(trial);
      if (step === undefined) return false;
      const rungStep = (r: number) => config.min_resource * factor ** (rate + r);
      const value = trial.intermediate[step];
      let rung = rungValues(trial, rungStep, step).length;
      const others = trials.filter((t) => t.number !== trial.number).map((t) => rungValues(t, rungStep));
      for (;;) {
        if (step < rungStep(rung)) return false;
        if (Number.isNaN(value)) return true;
        const competing = [...others.flatMap((values) => (rung < values.length ? [values[rung]] : [])), value];
        if (competing.length <= bootstrap) return true;
        if (!promotable(value, competing, factor, direction)) return true;
        rung += 1;
      }
    },
  };
}

/** The values a trial recorded at rungs 0, 1, ... from its reports before `before` (all when absent); NaN records none. */
function rungValues(trial: FrozenTrial, rungStep: (r: number) => number, before = Number.POSITIVE_INFINITY): number[] {
  const values: number[] = [];
  for (const step of stepsOf(trial)) {
    if (step >= before) break;
    const value = trial.intermediate[step];
    if (Number.isNaN(value)) break;
    while (step >= rungStep(values.length)) values.push(value);
  }
  return values;
}

function promotable(value: number, competing: number[], factor: number, direction: Direction): boolean {
  // Optuna cannot pause trials, so while fewer than `factor` trials reached the rung only the best goes on
  const index = Math.max(Math.floor(competing.length / factor) - 1, 0);
  const sorted = [...competing].sort((a, b) => a - b);
  return direction === "maximize" ? value >= sorted[sorted.length - 1 - index] : value <= sorted[index];
}
