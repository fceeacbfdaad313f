import { createRng, type Rng } from "../../random.ts";
import type { Sampler } from "../sampler.ts";
import { type Distribution, isActive, samplingOrder, type SearchSpace } from "../space.ts";

/** The random stream of trial `number` in a study seeded `seed`: the same pair always gives the same draws. */
export function trialRng(seed: number, number: number): Rng {
  // 1,000,003 trials per seed before two (seed, number) pairs could share a stream; far beyond any study.
  return createRng((seed % 2 ** 31) * 1_000_003 + number);
}

/** The value of a distribution with one possible value (low = high, or one choice), else undefined. */
export function singleValue(dist: Distribution): { value: unknown } | undefined {
  if (dist.type === "categorical") return dist.choices.length === 1 ? { value: dist.choices[0] } : undefined;
  return dist.low === dist.high ? { value: dist.low } : undefined;
}

/** One uniform draw from `dist`: log-uniform when log, on the step grid when stepped (ints always are). */
export function sampleDistribution(dist: Distribution, rng: Rng): unknown {
  if (dist.type === "categorical") return dist.choices[rng.int(dist.choices.length)];
  const { low, high } = dist;
  const step = dist.type === "int" ? dist.step ?? 1 : dist.step;
  if (dist.log) {
    // Log-uniform over the range widened by half a step for ints, so the end values are as likely as their neighbours.
    const half = dist.type === "int" ? 0.5 : 0;
    const v = Math.exp(Math.log(low - half) + rng.uniform() * (Math.log(high + half) - Math.log(low - half)));
    return dist.type === "int" ? Math.min(Math.max(Math.round(v), low), high) : Math.min(Math.max(v, low), high);
  }
  if (step !== undefined) {
    const n = Math.round((high - low) / step);
    const v = low + rng.int(n + 1) * step;
    // Rounding keeps float steps such as 0.1 from drifting to 0.30000000000000004.
    return dist.type === "int" ? v : Math.min(Number(v.toPrecision(12)), high);
  }
  return low + rng.uniform() * (high - low);
}

/**
 * Draws every active parameter of `space` uniformly (conditional ones only when their `when` holds), in sampling order,
 * from `rng`; `fixed` values are kept as they are.
 */
export function sampleRandom(space: SearchSpace, rng: Rng, fixed: Record<string, unknown> = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of samplingOrder(space)) {
    const dist = space[key];
    if (!isActive(dist, out)) continue;
    out[key] = key in fixed ? fixed[key] : sampleDistribution(dist, rng);
  }
  return out;
}

/**
 * Independent uniform sampling, seeded per trial: the sample of trial `number` depends only on the seed and the number,
 * so parallel workers and resumed studies draw the same values.
 * @example randomSampler().sample(space, [], { direction: "minimize", number: 0, seed: 42 })
 */
export function randomSampler(): Sampler {
  return {
    sample: (space, _trials, context) => sampleRandom(space, trialRng(context.seed, context.number)),
  };
}
