/**
 * The Tree-structured Parzen Estimator sampler, following Optuna's `TPESampler` (optuna/samplers/_tpe/sampler.py, v5):
 * random for the first `nStartupTrials`, then the finished trials split into the best gamma(n) ("below") and the rest
 * ("above"), a Parzen estimator fitted to each, 24 candidates drawn from the below one, and the candidate with the
 * largest log l(x) - log g(x) taken. Running trials join "above" with their parameters (the constant liar: a worker
 * treats its peers' pending points as bad, so it does not sample them again).
 * @module
 */
import type { Direction, FrozenTrial, Sampler } from "../sampler.ts";
import { type Distribution, isActive, sameValue, samplingOrder, type SearchSpace } from "../space.ts";
import { jointKeys, optunaRandomValue, optunaStreams } from "./optuna_stream.ts";
import { numpyArgsort, stableArgsort } from "../../numpy_argsort.ts";
import {
  type Argsort,
  buildParzenEstimator,
  type ParzenEstimator,
  parzenLogPdf,
  type ParzenOptions,
  sampleParzen,
  sampleParzenNumpy,
} from "./parzen_estimator.ts";
import { sampleDistribution, singleValue, trialRng } from "./random.ts";

/** TPE settings; the defaults are Optuna 5's. */
export interface TpeOptions extends Partial<ParzenOptions> {
  /** Trials sampled at random before TPE starts (complete and pruned ones count). */
  nStartupTrials?: number;
  /** Candidates drawn from the "below" estimator per parameter group. */
  nEiCandidates?: number;
  /** One joint estimator over the parameters every finished trial has (Optuna 5's default); else one per parameter. */
  multivariate?: boolean;
  /** Count running trials as "above" (the constant liar). */
  constantLiar?: boolean;
  /** How many of n finished trials are "below"; min(ceil(0.1 n), 25) by default. */
  gamma?: (n: number) => number;
  /**
   * Where the random draws come from. "trial" (the default): a stream per trial number, so any worker that samples a trial
   * draws the same values. "numpy": Optuna's two numpy RandomStates (startup and TPE) read in sequence, so a study run one
   * trial at a time repeats Optuna's `TPESampler(seed=seed)` trial for trial (docs/architecture.md); equal observations then
   * also take their bandwidths in numpy's argsort order (core/numpy_argsort.ts), not in trial order.
   */
  stream?: "trial" | "numpy";
}

/** Where one sample's random values come from: startup values, Parzen candidates, and the order of a joint group. */
interface Draws {
  random(dist: Distribution): unknown;
  candidates(estimator: ParzenEstimator, size: number): Record<string, number[]>;
  /** The parameters sampled jointly given the finished trials, in the estimator's order. */
  joint(space: SearchSpace, finished: readonly FrozenTrial[]): string[];
}

/** Optuna's default gamma: the best 10%, at most 25 trials. */
export function defaultGamma(n: number): number {
  return Math.min(Math.ceil(0.1 * n), 25);
}

/** Sort key of a pruned trial: deeper trials first, then by their last intermediate value (better first). */
function prunedScore(trial: FrozenTrial, direction: Direction): [number, number] {
  const steps = Object.keys(trial.intermediate).map(Number);
  if (steps.length === 0) return [1, 0];
  const step = Math.max(...steps);
  const value = trial.intermediate[step];
  if (Number.isNaN(value)) return [-step, Infinity];
  return [-step, direction === "minimize" ? value : -value];
}

/**
 * Splits trials into the best `nBelow` (complete trials by value, then pruned ones by depth and last value) and the rest;
 * running trials always go above. Both lists come back in trial-number order.
 */
export function splitTrials(trials: readonly FrozenTrial[], nBelow: number, direction: Direction): { below: FrozenTrial[]; above: FrozenTrial[] } {
  const byNumber = [...trials].sort((a, b) => a.number - b.number);
  const complete = byNumber.filter((t) => t.state === "complete");
  const pruned = byNumber.filter((t) => t.state === "pruned");
  const running = byNumber.filter((t) => t.state === "running");
  const sign = direction === "minimize" ? 1 : -1;
  // Array.prototype.sort is stable, as Python's sorted is, so ties keep trial order on both sides.
  complete.sort((a, b) => sign * ((a.value as number) - (b.value as number)));
  const nComplete = Math.min(nBelow, complete.length);
  const rest = Math.max(0, nBelow - nComplete);
  const scores = new Map(pruned.map((t) => [t, prunedScore(t, direction)]));
  pruned.sort((a, b) => {
    const [sa, sb] = [scores.get(a)!, scores.get(b)!];
    return sa[0] - sb[0] || (sa[1] < sb[1] ? -1 : sa[1] > sb[1] ? 1 : 0);
  });
  const nPruned = Math.min(rest, pruned.length);
  const below = [...complete.slice(0, nComplete), ...pruned.slice(0, nPruned)];
  const above = [...complete.slice(nComplete), ...pruned.slice(nPruned), ...running];
  const order = (a: FrozenTrial, b: FrozenTrial) => a.number - b.number;
  return { below: below.sort(order), above: above.sort(order) };
}

/** A parameter's value as the estimator sees it: the number, or the index of the choice. */
export function toInternal(dist: Distribution, value: unknown): number {
  if (dist.type !== "categorical") return value as number;
  const index = dist.choices.findIndex((c) => sameValue(c, value));
  return index;
}

/** A parameter's value as the run gets it: an integer for ints, the choice itself for categoricals. */
export function toExternal(dist: Distribution, value: number): unknown {
  if (dist.type === "categorical") return dist.choices[value];
  if (dist.type === "int") return Math.round(value);
  return value;
}

/** The observations of `space` in `trials` (only trials having every key, with values inside the space), oldest first. */
export function observationsOf(trials: readonly FrozenTrial[], space: Record<string, Distribution>): Record<string, number[]> {
  const keys = Object.keys(space);
  const out: Record<string, number[]> = Object.fromEntries(keys.map((k) => [k, []]));
  for (const trial of trials) {
    if (!keys.every((k) => k in trial.params)) continue;
    const values = keys.map((k) => toInternal(space[k], trial.params[k]));
    // A value outside the current space (the space was narrowed since) cannot be scored under it; Optuna's
    // intersection space drops such trials too.
    if (values.some((v, i) => !inSpace(space[keys[i]], v))) continue;
    keys.forEach((k, i) => out[k].push(values[i]));
  }
  return out;
}

function inSpace(dist: Distribution, v: number): boolean {
  if (dist.type === "categorical") return v >= 0;
  return typeof v === "number" && v >= dist.low && v <= dist.high;
}

/** The candidate with the largest acquisition value (the first one on ties, as numpy's argmax). */
export function argmax(values: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

/** The acquisition value log l(x) - log g(x) of each candidate. */
export function acquisition(below: ParzenEstimator, above: ParzenEstimator, candidates: Record<string, number[]>): number[] {
  const l = parzenLogPdf(below, candidates);
  const g = parzenLogPdf(above, candidates);
  return l.map((v, i) => v - g[i]);
}

/**
 * TPE as Optuna runs it. Deterministic: the sample for trial `number` depends only on the space, the trials and the seed.
 * @example tpeSampler().sample(space, trials, { direction: "maximize", number: trials.length, seed: 42 })
 */
export function tpeSampler(options: TpeOptions = {}): Sampler {
  const nStartup = options.nStartupTrials ?? 10;
  const nEi = options.nEiCandidates ?? 24;
  const multivariate = options.multivariate ?? true;
  const constantLiar = options.constantLiar ?? true;
  const gamma = options.gamma ?? defaultGamma;
  const parzen: ParzenOptions & { argsort: Argsort } = {
    priorWeight: options.priorWeight ?? 1,
    considerMagicClip: options.considerMagicClip ?? true,
    considerEndpoints: options.considerEndpoints ?? false,
    argsort: options.stream === "numpy" ? numpyArgsort : stableArgsort,
  };

  /** Optuna's `_sample`: split, fit both estimators over `group`, draw candidates from below, keep the best. */
  const sampleGroup = (group: Record<string, Distribution>, trials: readonly FrozenTrial[], direction: Direction, draws: Draws) => {
    const n = trials.filter((t) => t.state !== "running").length;
    const { below, above } = splitTrials(trials, gamma(n), direction);
    const lower = buildParzenEstimator(observationsOf(below, group), group, parzen);
    const upper = buildParzenEstimator(observationsOf(above, group), group, parzen);
    const candidates = draws.candidates(lower, nEi);
    const best = argmax(acquisition(lower, upper, candidates));
    return Object.fromEntries(Object.keys(group).map((k) => [k, toExternal(group[k], candidates[k][best])]));
  };

  /** The draws of one sample: the trial's own stream, or Optuna's two streams positioned after the earlier trials. */
  const drawsFor = (space: SearchSpace, trials: readonly FrozenTrial[], seed: number, number: number): Draws => {
    if (options.stream === "numpy") {
      const { startup, tpe } = optunaStreams(seed, space, trials, number, { nStartupTrials: nStartup, nEiCandidates: nEi, multivariate });
      return {
        random: (dist) => optunaRandomValue(dist, startup),
        candidates: (estimator, size) => sampleParzenNumpy(estimator, tpe, size),
        joint: jointKeys,
      };
    }
    const rng = trialRng(seed, number);
    return {
      random: (dist) => sampleDistribution(dist, rng),
      candidates: (estimator, size) => sampleParzen(estimator, rng, size),
      joint: (space, finished) => Object.keys(space).filter((k) => !singleValue(space[k]) && finished.every((t) => k in t.params)),
    };
  };

  return {
    sample(space: SearchSpace, trials: readonly FrozenTrial[], context) {
      const draws = drawsFor(space, trials, context.seed, context.number);
      const others = trials.filter((t) => t.number !== context.number);
      const finished = others.filter((t) => t.state === "pruned" || (t.state === "complete" && Number.isFinite(t.value)));
      const considered = constantLiar ? [...finished, ...others.filter((t) => t.state === "running")] : finished;
      const started = finished.length >= nStartup;
      const out: Record<string, unknown> = {};

      // The joint part: parameters every finished trial has (Optuna's intersection search space), sampled together.
      let joint: Record<string, unknown> = {};
      if (started && multivariate) {
        const group = Object.fromEntries(draws.joint(space, finished).map((key) => [key, space[key]]));
        if (Object.keys(group).length) joint = sampleGroup(group, considered, context.direction, draws);
      }
      for (const key of samplingOrder(space)) {
        const dist = space[key];
        if (!isActive(dist, out)) continue;
        const single = singleValue(dist);
        if (single) out[key] = single.value;
        else if (key in joint) out[key] = joint[key];
        else if (!started) out[key] = draws.random(dist);
        else out[key] = sampleGroup({ [key]: dist }, considered, context.direction, draws)[key];
      }
      return out;
    },
  };
}
