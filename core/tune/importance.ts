/**
 * Parameter importances of a study by PED-ANOVA, as Optuna 5's `PedAnovaImportanceEvaluator` computes them
 * (optuna/importance/_ped_anova/, with its defaults: target quantile 0.1, region quantile 1, local evaluation, 50
 * grid steps, prior weight 1, at least 2 trials per regime). For each parameter it compares where the best 10% of
 * the complete trials put it with where all of them did: both sets are counted on a grid (log space for log
 * parameters), smoothed by a Parzen estimator with Scott's bandwidth, and the Pearson divergence between the two
 * densities is the importance. A conditional parameter is scored within the trials where it was sampled (its
 * "regime"), weighted by how many of the best trials fall there (Conditional PED-ANOVA).
 * @module
 */
import { DataError } from "../errors.ts";
import type { Direction, FrozenTrial } from "./sampler.ts";
import { type Distribution, sameValue, SearchSpace } from "./space.ts";
import { logGaussMass } from "./samplers/truncnorm.ts";

/** PED-ANOVA's settings (Optuna's names in brackets); the defaults are Optuna's. */
export interface ImportanceOptions {
  /** The share of trials counted as "best" [target_quantile]; default 0.1. */
  targetQuantile?: number;
  /** The share of trials the best are compared with [region_quantile]; default 1 (all). */
  regionQuantile?: number;
  /** Fewer complete trials than this give no importances (with a reason); default 4. */
  minTrials?: number;
}

/** A study's parameter importances. */
export interface ParamImportances {
  /** Importance per parameter path, summing to 1, largest first (ties by name); empty when `reason` says why. */
  importances: Record<string, number>;
  /** How many complete trials with a finite value were used. */
  trials: number;
  /** Why the importances are empty or carry no information (all equal). */
  reason?: string;
}

/** What the evaluator reads of a study: its space (from the header), direction and trials. */
export interface ImportanceInput {
  header: { space: Record<string, unknown> };
  direction: Direction;
  trials: readonly FrozenTrial[];
}

const N_STEPS = 50;
const PRIOR_WEIGHT = 1;
const MIN_TRIALS_IN_REGIME = 2;

/**
 * The parameter importances of a study's complete trials, normalised to sum 1. Fewer than `minTrials` complete
 * trials, or trials without parameters, give none and say why; when no parameter separates the best trials from the
 * rest every parameter gets an equal share (as Optuna does) and `reason` says so.
 * @example paramImportances(study).importances // { "params.learning_rate": 0.93, "params.l2": 0.07 }
 */
export function paramImportances(study: ImportanceInput, options: ImportanceOptions = {}): ParamImportances {
  const complete = study.trials.filter((t) => t.state === "complete" && Number.isFinite(t.value));
  const minTrials = options.minTrials ?? 4;
  if (complete.length < minTrials) {
    return { importances: {}, trials: complete.length, reason: `${complete.length} complete trial(s); importances need at least ${minTrials}` };
  }
  const raw = pedAnova(study, options);
  const keys = Object.keys(raw);
  if (!keys.length) return { importances: {}, trials: complete.length, reason: "the complete trials have no sampled parameters" };
  const total = keys.reduce((sum, k) => sum + raw[k], 0);
  if (total === 0) {
    return {
      importances: Object.fromEntries(keys.sort().map((k) => [k, 1 / keys.length])),
      trials: complete.length,
      reason: "no parameter tells the best trials from the others: equal shares",
    };
  }
  const sorted = keys.sort((a, b) => raw[b] - raw[a] || (a < b ? -1 : a > b ? 1 : 0));
  return { importances: Object.fromEntries(sorted.map((k) => [k, raw[k] / total])), trials: complete.length };
}

/**
 * PED-ANOVA's unnormalised importances (Optuna's `PedAnovaImportanceEvaluator.evaluate`) of every parameter that a
 * complete trial holds. Parameters missing from the study's space are scored on the values seen (numbers as a
 * float range, anything else as categories).
 */
export function pedAnova(study: ImportanceInput, options: ImportanceOptions = {}): Record<string, number> {
  const targetQuantile = options.targetQuantile ?? 0.1, regionQuantile = options.regionQuantile ?? 1;
  if (!(targetQuantile > 0 && targetQuantile < regionQuantile && regionQuantile <= 1)) {
    throw new RangeError(`PED-ANOVA needs 0 < targetQuantile < regionQuantile <= 1, got ${targetQuantile} and ${regionQuantile}`);
  }
  const trials = study.trials.filter((t) => t.state === "complete" && Number.isFinite(t.value));
  const keys = [...new Set(trials.flatMap((t) => Object.keys(t.params)))].sort();
  const out: Record<string, number> = Object.fromEntries(keys.map((k) => [k, 0]));
  if (trials.length <= 1) return out;
  const space = SearchSpace.safeParse(study.header.space);
  if (!space.success) throw new DataError(`The study's search space cannot be read: ${space.error.issues[0].message}`, { key: "space" });
  const target = topQuantile(trials, targetQuantile, study.direction);
  const region = topQuantile(trials, regionQuantile, study.direction);
  const inTarget = new Set(target);
  const quantile = target.length / region.length;
  for (const key of keys) {
    const active = region.filter((t) => key in t.params);
    // the regime where the parameter was not sampled holds no density to compare; it only dilutes the weights
    if (active.length < MIN_TRIALS_IN_REGIME) continue;
    const dist = distributionOf(key, space.data[key], trials);
    const activeTarget = active.filter((t) => inTarget.has(t));
    if (isSingle(dist) || !activeTarget.length) continue;
    const alpha = activeTarget.length / target.length, beta = active.length / region.length;
    out[key] += (alpha ** 2 / beta) * pearsonDivergence(key, dist, activeTarget, active);
  }
  for (const key of keys) out[key] *= quantile ** 2;
  return out;
}

/** The trials whose value is within the best `quantile` share (ties at the cut kept), in the study's direction. */
export function topQuantile<T extends FrozenTrial>(trials: readonly T[], quantile: number, direction: Direction): T[] {
  if (quantile === 1) return [...trials];
  const sign = direction === "minimize" ? 1 : -1;
  const losses = trials.map((t) => sign * t.value!);
  const cutoff = [...losses].sort((a, b) => a - b)[Math.ceil(quantile * losses.length) - 1];
  return trials.filter((_, i) => losses[i] <= cutoff);
}

/** The space's distribution of a parameter, or one read off the values seen when the space lacks it or misses a choice. */
function distributionOf(key: string, declared: Distribution | undefined, trials: readonly FrozenTrial[]): Distribution {
  const values = trials.filter((t) => key in t.params).map((t) => t.params[key]);
  if (declared?.type === "categorical") {
    const choices = [...declared.choices];
    for (const v of values) if (!choices.some((c) => sameValue(c, v))) choices.push(v as never);
    return { ...declared, choices };
  }
  if (declared) {
    const bad = values.find((v) => typeof v !== "number" || !Number.isFinite(v) || (declared.log && v <= 0));
    if (bad !== undefined) {
      throw new DataError(`Trial value ${JSON.stringify(bad)} of ${key} is not a ${declared.log ? "positive " : ""}finite number, as its space says`, {
        key,
        value: bad,
      });
    }
    return declared;
  }
  if (values.every((v) => typeof v === "number" && Number.isFinite(v))) {
    const nums = values as number[];
    return { type: "float", low: Math.min(...nums), high: Math.max(...nums) };
  }
  const choices: unknown[] = [];
  for (const v of values) if (!choices.some((c) => sameValue(c, v))) choices.push(v);
  return { type: "categorical", choices: choices as never };
}

/** Whether a distribution holds one value only (Optuna's `single()`): nothing to compare. */
function isSingle(dist: Distribution): boolean {
  if (dist.type === "categorical") return dist.choices.length === 1;
  if (dist.low === dist.high) return true;
  const step = dist.type === "int" ? dist.step ?? 1 : dist.step;
  return step !== undefined && dist.high - dist.low < step;
}

/** The Pearson divergence of the target trials' density from the region trials' (0 when they match). */
function pearsonDivergence(key: string, dist: Distribution, target: readonly FrozenTrial[], region: readonly FrozenTrial[]): number {
  const top = gridDensity(key, dist, target), local = gridDensity(key, dist, region);
  let sum = 0;
  for (let g = 0; g < top.length; g++) {
    const p = top[g] + 1e-12, q = local[g] + 1e-12;
    sum += q * (p / q - 1) ** 2;
  }
  return sum;
}

/** The trials' values of a parameter counted per grid cell: choices for categoricals, up to 50 even steps otherwise. */
export function gridCounts(key: string, dist: Distribution, trials: readonly FrozenTrial[]): number[] {
  if (dist.type === "categorical") {
    const counts = new Array(dist.choices.length).fill(0);
    for (const t of trials) counts[dist.choices.findIndex((c) => sameValue(c, t.params[key]))] += 1;
    return counts;
  }
  let steps = N_STEPS;
  const step = dist.type === "int" ? dist.step ?? 1 : dist.step;
  if (dist.type === "int" && dist.log) steps = Math.min(Math.ceil(Math.log(dist.high - dist.low + 1) / Math.log(2)) + 1, steps);
  else if (step !== undefined) steps = Math.min(Math.round((dist.high - dist.low) / step) + 1, steps);
  const [low, high] = dist.log ? [Math.log(dist.low), Math.log(dist.high)] : [dist.low, dist.high];
  const size = (high - low) / (steps - 1);
  const counts = new Array(steps).fill(0);
  for (const t of trials) {
    const v = t.params[key] as number;
    // Optuna rounds half down: a value midway between two cells goes to the lower one
    const index = Math.ceil(((dist.log ? Math.log(v) : v) - low) / size - 0.5);
    counts[Math.min(steps - 1, Math.max(0, index))] += 1;
  }
  return counts;
}

/** The density on the grid of a Parzen estimator fitted to the trials' grid counts (Optuna's ScottParzenEstimator). */
export function gridDensity(key: string, dist: Distribution, trials: readonly FrozenTrial[]): number[] {
  const counts = gridCounts(key, dist, trials);
  const observed = counts.flatMap((c, i) => (c > 0 ? [i] : []));
  const weights = observed.map((i) => counts[i]);
  const mixture = [...weights, PRIOR_WEIGHT];
  const total = mixture.reduce((a, b) => a + b, 0);
  const size = counts.length;
  const pdf = new Array(size).fill(0);
  if (dist.type === "categorical") {
    // each kernel: 1 on its choice plus prior / kernels on every choice, normalised; the prior kernel is uniform
    const kernels = observed.length + 1;
    const base = PRIOR_WEIGHT / kernels, rowSum = base * size + 1;
    observed.forEach((choice, k) => {
      const w = mixture[k] / total;
      for (let c = 0; c < size; c++) pdf[c] += (w * (base + (c === choice ? 1 : 0))) / rowSum;
    });
    for (let c = 0; c < size; c++) pdf[c] += mixture[observed.length] / total / size;
    return pdf;
  }
  const sigma = scottBandwidth(observed, weights);
  const mus = [...observed, (size - 1) / 2];
  const sigmas = [...observed.map(() => sigma), size];
  mus.forEach((mu, k) => {
    const s = sigmas[k];
    const norm = logGaussMass((-0.5 - mu) / s, (size - 0.5 - mu) / s);
    const w = mixture[k] / total;
    for (let x = 0; x < size; x++) pdf[x] += w * Math.exp(logGaussMass((x - 0.5 - mu) / s, (x + 0.5 - mu) / s) - norm);
  });
  return pdf;
}

/** Scott's rule on weighted grid indices (min of std and IQR / 1.34), never below 0.5 / 1.64 cells. */
function scottBandwidth(observations: readonly number[], weights: readonly number[]): number {
  const cumulative: number[] = [];
  let sum = 0;
  for (const w of weights) cumulative.push(sum += w);
  const mean = observations.reduce((acc, x, i) => acc + x * weights[i], 0) / sum;
  const variance = observations.reduce((acc, x, i) => acc + (x - mean) ** 2 * weights[i], 0) / Math.max(1, sum - 1);
  // numpy's searchsorted on the integer quartile positions: left side for q1, right side for q3
  const q1Target = Math.floor(sum / 4), q3Target = Math.floor((sum * 3) / 4);
  const q1 = cumulative.findIndex((c) => c >= q1Target), q3 = cumulative.findIndex((c) => c > q3Target);
  const iqr = observations[Math.min(observations.length - 1, q3)] - observations[q1];
  const sigma = 1.059 * Math.min(iqr / 1.34, Math.sqrt(variance)) * sum ** -0.2;
  return Math.max(sigma, 0.5 / 1.64);
}
