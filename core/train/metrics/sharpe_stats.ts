/**
 * How much a Sharpe ratio can be trusted: the probabilistic Sharpe ratio (Bailey and Lopez de Prado,
 * "The Sharpe Ratio Efficient Frontier", 2012) and the deflated Sharpe ratio (Bailey and Lopez de
 * Prado, "The Deflated Sharpe Ratio", 2014), with the standard normal CDF and its inverse they need.
 *
 * Definitions (SR is the per-bar Sharpe ratio mean / std, not annualised; T the number of returns;
 * skew the sample skewness; kurtosis the non-excess kurtosis, 3 for a normal):
 * - PSR(SR*) = Phi((SR - SR*) sqrt(T - 1) / sqrt(1 - skew SR + (kurtosis - 1) / 4 SR^2)): the
 *   probability that the true Sharpe ratio exceeds the benchmark SR*.
 * - E[max SR] over N independent trials with Sharpe variance V (the DSR benchmark):
 *   SR0 = sqrt(V) ((1 - g) PhiInv(1 - 1/N) + g PhiInv(1 - 1/(N e))), g the Euler-Mascheroni constant.
 *   The formula is an extreme-value approximation that diverges at N = 1; one trial is no selection,
 *   so SR0 = 0 there.
 * - DSR = PSR(SR0): the probability that the true Sharpe ratio exceeds what the best of N trials
 *   would show by luck alone.
 * @module
 */

/** What PSR and DSR read from one return series. */
export interface SharpeSample {
  /** Per-bar Sharpe ratio, mean / std of the returns (not annualised). */
  sr: number;
  /** Number of returns the ratio was estimated from. */
  t: number;
  /** Sample skewness of the returns. */
  skew: number;
  /** Non-excess (Pearson) kurtosis of the returns: 3 for a normal distribution. */
  kurtosis: number;
}

/** The trials a selected Sharpe ratio was the best of. */
export interface SharpeTrials {
  /** Number of configurations compared (N >= 1). */
  nTrials: number;
  /** Variance of their per-bar Sharpe ratios. */
  variance: number;
}

/** Euler-Mascheroni constant. */
const EULER_GAMMA = 0.5772156649015329;
const INV_SQRT_2PI = 0.3989422804014327;

/**
 * Probabilistic Sharpe ratio: P(true SR > srBenchmark). NaN when t < 2 or when the variance term
 * 1 - skew SR + (kurtosis - 1) / 4 SR^2 is not positive (moments that no sample can have).
 *
 * @example
 * ```ts
 * probabilisticSharpe({ sr: 0.1, t: 101, skew: 0, kurtosis: 3 }); // Phi(0.1 * 10 / sqrt(1.005)) = 0.8407...
 * ```
 */
export function probabilisticSharpe(sample: SharpeSample, srBenchmark = 0): number {
  const { sr, t, skew, kurtosis } = sample;
  if (!(t >= 2)) return NaN;
  const variance = 1 - skew * sr + ((kurtosis - 1) / 4) * sr * sr;
  if (!(variance > 0)) return NaN;
  return normalCdf(((sr - srBenchmark) * Math.sqrt(t - 1)) / Math.sqrt(variance));
}

/**
 * Expected maximum per-bar Sharpe ratio of N trials whose true Sharpe is 0, from the variance of
 * their estimates; 0 for a single trial.
 *
 * @example
 * ```ts
 * expectedMaxSharpe(100, 0.5 / 250); // 0.1132..., the 2014 paper's example (annualised V = 0.5, daily bars)
 * ```
 */
export function expectedMaxSharpe(nTrials: number, variance: number): number {
  if (!Number.isInteger(nTrials) || nTrials < 1) throw new RangeError(`nTrials must be a positive integer, got ${nTrials}`);
  if (!(variance >= 0)) throw new RangeError(`variance of the trials' Sharpe ratios must be >= 0, got ${variance}`);
  if (nTrials === 1) return 0;
  const z1 = normalInv(1 - 1 / nTrials), z2 = normalInv(1 - 1 / (nTrials * Math.E));
  return Math.sqrt(variance) * ((1 - EULER_GAMMA) * z1 + EULER_GAMMA * z2);
}

/**
 * Deflated Sharpe ratio: the PSR of the selected sample against the expected maximum Sharpe ratio
 * of the trials it was chosen from.
 *
 * @example
 * ```ts
 * deflatedSharpe({ sr: 2.5 / Math.sqrt(250), t: 1250, skew: -3, kurtosis: 10 }, { nTrials: 100, variance: 0.5 / 250 }); // 0.9004...
 * ```
 */
export function deflatedSharpe(sample: SharpeSample, trials: SharpeTrials): number {
  return probabilisticSharpe(sample, expectedMaxSharpe(trials.nTrials, trials.variance));
}

/**
 * Standard normal CDF, relative error below 1e-12 over the whole range.
 *
 * @example
 * ```ts
 * normalCdf(1.959963984540054); // 0.975
 * ```
 */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  // The Taylor series is exact enough where Phi is far from 0 and 1; the continued fraction of the
  // Mills ratio converges fast in the tails, where the series would lose digits to cancellation.
  if (Math.abs(x) < 3) return 0.5 + normalPdf(x) * seriesSum(x);
  const tail = upperTail(Math.abs(x));
  return x > 0 ? 1 - tail : tail;
}

/**
 * Inverse of the standard normal CDF: Acklam's rational approximation (relative error 1.15e-9)
 * refined by one Halley step against {@linkcode normalCdf}. -Infinity at 0, Infinity at 1.
 *
 * @example
 * ```ts
 * normalInv(0.975); // 1.959963984540054
 * ```
 */
export function normalInv(p: number): number {
  if (Number.isNaN(p)) return NaN;
  if (p < 0 || p > 1) throw new RangeError(`normalInv needs a probability in [0, 1], got ${p}`);
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  const x = acklam(p);
  // Halley's step on Phi(x) - p, written as (1 - p) - (1 - Phi(x)) above the median so that no digits are lost.
  const e = p > 0.5 ? (1 - p) - upperTail(x) : normalCdf(x) - p;
  const u = e / normalPdf(x);
  return x - u / (1 + (x * u) / 2);
}

function normalPdf(x: number): number {
  return INV_SQRT_2PI * Math.exp(-0.5 * x * x);
}

/** x + x^3/3 + x^5/(3*5) + ...: Phi(x) = 1/2 + pdf(x) times this (Marsaglia 2004). */
function seriesSum(x: number): number {
  let sum = x, term = x;
  for (let k = 3;; k += 2) {
    term *= (x * x) / k;
    const next = sum + term;
    if (next === sum) return sum;
    sum = next;
  }
}

/** 1 - Phi(x) for x >= 0 from the continued fraction pdf(x) / (x + 1/(x + 2/(x + 3/(x + ...)))). */
function upperTail(x: number): number {
  if (x < 3) return 1 - normalCdf(x);
  // 60 terms reach double precision for x >= 3 (checked against scipy in the tests' fixture).
  let f = x;
  for (let k = 60; k > 0; k--) f = x + k / f;
  return normalPdf(x) / f;
}

const A = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00];
const B = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01];
const C = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00];
const D = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00];
const P_LOW = 0.02425;

/** Acklam's approximation of the normal quantile, for 0 < p < 1. */
function acklam(p: number): number {
  if (p < P_LOW || p > 1 - P_LOW) {
    const q = Math.sqrt(-2 * Math.log(p < P_LOW ? p : 1 - p));
    const x = (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1);
    return p < P_LOW ? x : -x;
  }
  const q = p - 0.5, r = q * q;
  return ((((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q) /
    (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1);
}
