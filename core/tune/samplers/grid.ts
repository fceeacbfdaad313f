import { ConfigError } from "../../errors.ts";
import type { Sampler } from "../sampler.ts";
import { type Distribution, isActive, sameValue, samplingOrder, type SearchSpace } from "../space.ts";

/** The most points a grid may have; a larger one is a space to narrow, not to enumerate. */
export const MAX_GRID_POINTS = 100_000;

/** The values a grid takes for one parameter: every choice, or every step from low to high; a float without a step has none. */
function gridValues(key: string, dist: Distribution): unknown[] {
  if (dist.type === "categorical") return dist.choices;
  const step = dist.type === "int" ? dist.step ?? 1 : dist.step;
  if (step === undefined) {
    throw new ConfigError(`Cannot search "${key}" on a grid: it is a float without a step (give it a step, or use the random or tpe sampler)`, { key });
  }
  const n = Math.round((dist.high - dist.low) / step);
  if (n + 1 > MAX_GRID_POINTS) throw new ConfigError(`Cannot search "${key}" on a grid: ${n + 1} values, more than ${MAX_GRID_POINTS}`, { key });
  return Array.from(
    { length: n + 1 },
    (_, i) => dist.type === "int" ? dist.low + i * step : Math.min(Number((dist.low + i * step).toPrecision(12)), dist.high),
  );
}

/**
 * Every point of the grid over `space`, in a fixed order (the last parameter varying fastest); a conditional parameter
 * varies only in points where its `when` holds, so no point repeats.
 * @throws {ConfigError} For a float without a step, or a grid of more than MAX_GRID_POINTS points.
 */
export function gridPoints(space: SearchSpace): Record<string, unknown>[] {
  let points: Record<string, unknown>[] = [{}];
  for (const key of samplingOrder(space)) {
    const values = gridValues(key, space[key]);
    const next: Record<string, unknown>[] = [];
    for (const point of points) {
      if (!isActive(space[key], point)) next.push(point);
      else for (const value of values) next.push({ ...point, [key]: value });
      if (next.length > MAX_GRID_POINTS) throw new ConfigError(`Cannot search this space on a grid: more than ${MAX_GRID_POINTS} points`, { key });
    }
    points = next;
  }
  return points;
}

function samePoint(point: Record<string, unknown>, params: Record<string, unknown>, keys: string[]): boolean {
  return keys.every((key) => (key in point) === (key in params) && (!(key in point) || sameValue(point[key], params[key])));
}

/**
 * Visits each point of the grid once, in gridPoints' order: each trial takes the first point no earlier trial (running
 * ones included, so parallel workers do not repeat one) has taken.
 * @throws {ConfigError} When every point has been taken (the study's budget exceeds the grid: see gridPoints(space).length).
 */
export function gridSampler(): Sampler {
  let cached: { space: SearchSpace; points: Record<string, unknown>[] } | undefined;
  return {
    sample(space, trials) {
      if (cached?.space !== space) cached = { space, points: gridPoints(space) };
      const keys = Object.keys(space);
      const taken = trials.filter((t) => t.state !== "failed");
      const point = cached.points.find((p) => !taken.some((t) => samePoint(p, t.params, keys)));
      if (!point) throw new ConfigError(`The grid is exhausted: all ${cached.points.length} points have been tried`);
      return { ...point };
    },
  };
}
