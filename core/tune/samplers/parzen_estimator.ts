/**
 * Optuna's Parzen estimator (`optuna/samplers/_tpe/parzen_estimator.py`, `probability_distributions.py`): a mixture with
 * one kernel per observation plus a prior kernel, each kernel a product over parameters of a truncated normal (in log
 * space for log parameters, as interval masses for stepped ones) or a categorical distribution.
 * @module
 */
import type { Rng } from "../../random.ts";
import type { NumpyRandomState } from "../../random_numpy.ts";
import { stableArgsort } from "../../numpy_argsort.ts";
import type { Distribution } from "../space.ts";
import { logGaussMass, truncnormLogPdf, truncnormPpf, truncnormPpfBatch } from "./truncnorm.ts";

const EPS = 1e-12;

/** How the estimator is built; Optuna's defaults are prior weight 1, magic clip on, endpoints off. */
export interface ParzenOptions {
  priorWeight: number;
  considerMagicClip: boolean;
  considerEndpoints: boolean;
}

/** Kernels of a float or int parameter: a truncated normal per kernel (bounds in log space when `log`; `step` 0 when continuous). */
export interface NumericKernels {
  kind: "numeric";
  mus: number[];
  sigmas: number[];
  low: number;
  high: number;
  step: number;
  log: boolean;
}

/** Kernels of a categorical parameter: one probability row over the choices per kernel. */
export interface CategoricalKernels {
  kind: "categorical";
  weights: number[][];
}

/** A built estimator: mixture weights (observations in order, then the prior) and the kernels of each parameter. */
export interface ParzenEstimator {
  keys: string[];
  weights: number[];
  kernels: (NumericKernels | CategoricalKernels)[];
}

/**
 * Optuna's default observation weights: 1 for each of the newest 25, a linear ramp from 1/n up to 1 for older ones,
 * so old trials fade once the history is long.
 */
export function defaultWeights(n: number): number[] {
  if (n === 0) return [];
  if (n < 25) return new Array(n).fill(1);
  const m = n - 25;
  const ramp: number[] = [];
  // As numpy's linspace: start + i * step, the last value set to the end point exactly.
  const step = m > 1 ? (1 - 1 / n) / (m - 1) : 0;
  for (let i = 0; i < m; i++) ramp.push(i * step + 1 / n);
  if (m > 1) ramp[m - 1] = 1;
  return [...ramp, ...new Array(25).fill(1)];
}

/** The numeric kernel's step: ints always step (1 by default), floats only when declared. */
export function stepOf(dist: Distribution): number {
  if (dist.type === "int") return dist.step ?? 1;
  if (dist.type === "float") return dist.step ?? 0;
  return 0;
}

/** Bounds a kernel is truncated to: widened by half a step when stepped, then in log space when log. */
function adaptedBounds(k: Pick<NumericKernels, "low" | "high" | "step" | "log">): [number, number] {
  const low = k.step ? k.low - k.step / 2 : k.low;
  const high = k.step ? k.high + k.step / 2 : k.high;
  return k.log ? [Math.log(low), Math.log(high)] : [low, high];
}

/** How observations are put in order for their bandwidths; only the order of equal ones varies (numpyArgsort, stableArgsort). */
export type Argsort = (values: readonly number[]) => number[];

function numericKernels(observations: number[], dist: Distribution & { type: "float" | "int" }, options: ParzenOptions, argsort: Argsort): NumericKernels {
  const step = stepOf(dist);
  const log = dist.log ?? false;
  const [low, high] = adaptedBounds({ low: dist.low, high: dist.high, step, log });
  const mus = log ? observations.map(Math.log) : [...observations];
  const n = mus.length;
  // Each kernel's bandwidth is the larger gap to its sorted neighbours, the range ends counting as neighbours; which of
  // two equal observations gets which gap is the argsort's choice.
  const order = argsort(mus);
  const sorted = [low, ...order.map((i) => mus[i]), high];
  const sortedSigmas = order.map((_, j) => Math.max(sorted[j + 1] - sorted[j], sorted[j + 2] - sorted[j + 1]));
  if (!options.considerEndpoints && sorted.length >= 4) {
    sortedSigmas[0] = sorted[2] - sorted[1];
    sortedSigmas[n - 1] = sorted[n] - sorted[n - 1];
  }
  const maxSigma = high - low;
  const minSigma = options.considerMagicClip ? (high - low) / Math.min(100, 1 + (n + 1)) : EPS;
  const sigmas = new Array<number>(n);
  order.forEach((i, j) => sigmas[i] = Math.min(Math.max(sortedSigmas[j], minSigma), maxSigma));
  mus.push(0.5 * (low + high));
  sigmas.push(high - low);
  return { kind: "numeric", mus, sigmas, low: dist.low, high: dist.high, step, log };
}

function categoricalKernels(observations: number[], nChoices: number, priorWeight: number): CategoricalKernels {
  if (observations.length === 0) return { kind: "categorical", weights: [new Array(nChoices).fill(1 / nChoices)] };
  const nKernels = observations.length + 1;
  const weights = Array.from({ length: nKernels }, () => new Array<number>(nChoices).fill(priorWeight / nKernels));
  observations.forEach((index, i) => weights[i][index] += 1);
  for (const row of weights) {
    const sum = row.reduce((s, w) => s + w, 0);
    if (sum !== 0) row.forEach((w, j) => row[j] = w / sum);
  }
  return { kind: "categorical", weights };
}

/**
 * Builds the estimator of `observations` (internal values: the number itself, or a categorical's index; one list per
 * key of `space`, all of the same length, oldest trial first).
 * @example buildParzenEstimator({ x: [0.2, 0.5] }, { x: { type: "float", low: 0, high: 1 } }, { priorWeight: 1, considerMagicClip: true, considerEndpoints: false })
 */
export function buildParzenEstimator(
  observations: Record<string, number[]>,
  space: Record<string, Distribution>,
  options: ParzenOptions & { weights?: number[]; argsort?: Argsort },
): ParzenEstimator {
  const keys = Object.keys(space);
  const n = keys.length ? observations[keys[0]].length : 0;
  let weights = n === 0 ? [1] : [...(options.weights ?? defaultWeights(n)).slice(0, n), options.priorWeight];
  const total = weights.reduce((s, w) => s + w, 0);
  weights = weights.map((w) => w / total);
  const kernels = keys.map((key) => {
    const dist = space[key];
    if (dist.type === "categorical") return categoricalKernels(observations[key], dist.choices.length, options.priorWeight);
    return numericKernels(observations[key], dist, options, options.argsort ?? stableArgsort);
  });
  return { keys, weights, kernels };
}

/** Log-density (log-mass for stepped and categorical parameters) of each sample under the mixture. */
export function parzenLogPdf(estimator: ParzenEstimator, samples: Record<string, number[]>): number[] {
  const { keys, weights, kernels } = estimator;
  const size = keys.length ? samples[keys[0]].length : 0;
  const out: number[] = [];
  for (let s = 0; s < size; s++) {
    const perKernel = weights.map(Math.log);
    kernels.forEach((k, d) => {
      const x = samples[keys[d]][s];
      if (k.kind === "categorical") {
        for (let j = 0; j < perKernel.length; j++) perKernel[j] += Math.log(k.weights[j][x]);
        return;
      }
      const [aLow, aHigh] = adaptedBounds(k);
      for (let j = 0; j < perKernel.length; j++) {
        const mu = k.mus[j], sigma = k.sigmas[j];
        if (k.step === 0) {
          perKernel[j] += truncnormLogPdf(k.log ? Math.log(x) : x, (aLow - mu) / sigma, (aHigh - mu) / sigma, mu, sigma);
        } else {
          const left = k.log ? Math.log(x - k.step / 2) : x - k.step / 2;
          const right = k.log ? Math.log(x + k.step / 2) : x + k.step / 2;
          perKernel[j] += logGaussMass((left - mu) / sigma, (right - mu) / sigma) - logGaussMass((aLow - mu) / sigma, (aHigh - mu) / sigma);
        }
      }
    });
    let max = Math.max(...perKernel);
    if (max === -Infinity) max = 0;
    let sum = 0;
    for (const v of perKernel) sum += Math.exp(v - max);
    out.push(Math.log(sum) + max);
  }
  return out;
}

/** numpy's round: halves go to the even neighbour. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x - Math.trunc(x)) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Draws `size` samples (internal values) from the mixture: a kernel by weight, then each parameter from that kernel. */
export function sampleParzen(estimator: ParzenEstimator, rng: Rng, size: number): Record<string, number[]> {
  const { keys, weights, kernels } = estimator;
  const cumulative: number[] = [];
  weights.reduce((s, w, i) => (cumulative[i] = s + w), 0);
  cumulative[cumulative.length - 1] = 1;
  const pick = (cum: number[], u: number) => {
    let i = 0;
    while (i < cum.length - 1 && cum[i] < u) i++;
    return i;
  };
  const active = Array.from({ length: size }, () => pick(cumulative, rng.uniform()));
  const out: Record<string, number[]> = {};
  kernels.forEach((k, d) => {
    out[keys[d]] = active.map((j) => {
      if (k.kind === "categorical") {
        const cum: number[] = [];
        k.weights[j].reduce((s, w, i) => (cum[i] = s + w), 0);
        cum[cum.length - 1] = 1;
        return pick(cum, rng.uniform());
      }
      const [aLow, aHigh] = adaptedBounds(k);
      return fromStandard(k, j, truncnormPpf(rng.uniform(), (aLow - k.mus[j]) / k.sigmas[j], (aHigh - k.mus[j]) / k.sigmas[j]));
    });
  });
  return out;
}

/** A numeric kernel's draw from its standard-unit quantile `x`: scaled, out of log space, onto the step grid. */
function fromStandard(k: NumericKernels, j: number, x: number): number {
  let v = x * k.sigmas[j] + k.mus[j];
  if (k.log) v = Math.exp(v);
  if (k.step) v = Math.min(Math.max(k.low + roundHalfEven((v - k.low) / k.step) * k.step, k.low), k.high);
  return v;
}

/**
 * Draws `size` samples as Optuna's `_MixtureOfProductDistribution.sample` does from a numpy RandomState, in its order:
 * `choice` of the kernels by weight, then `rand(size)` per categorical parameter as it comes, then one `uniform` block
 * for all numeric parameters (parameter by parameter) turned into values by one batched truncated-normal ppf.
 */
export function sampleParzenNumpy(estimator: ParzenEstimator, rs: NumpyRandomState, size: number): Record<string, number[]> {
  const { keys, weights, kernels } = estimator;
  const active = rs.choice(weights.length, size, weights);
  const out: Record<string, number[]> = {};
  const numeric: number[] = [];
  kernels.forEach((k, d) => {
    if (k.kind !== "categorical") return void numeric.push(d);
    const quantiles = Array.from({ length: size }, () => rs.randomSample());
    out[keys[d]] = active.map((j, s) => {
      // numpy: sum(cumsum(row) < u), the last cumulative weight set to 1.
      const row = k.weights[j];
      let cum = 0, index = 0;
      for (let c = 0; c < row.length; c++) {
        cum = c === row.length - 1 ? 1 : cum + row[c];
        if (cum < quantiles[s]) index++;
      }
      return index;
    });
  });
  const q: number[] = [], a: number[] = [], b: number[] = [];
  for (const d of numeric) {
    const k = kernels[d] as NumericKernels;
    const [aLow, aHigh] = adaptedBounds(k);
    for (const j of active) {
      q.push(rs.uniform(0, 1));
      a.push((aLow - k.mus[j]) / k.sigmas[j]);
      b.push((aHigh - k.mus[j]) / k.sigmas[j]);
    }
  }
  const x = truncnormPpfBatch(q, a, b);
  numeric.forEach((d, n) => out[keys[d]] = active.map((j, s) => fromStandard(kernels[d] as NumericKernels, j, x[n * size + s])));
  return out;
}
