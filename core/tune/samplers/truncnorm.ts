/**
 * The truncated normal distribution as Optuna's TPE computes it (`optuna/samplers/_tpe/_truncnorm.py`, itself after
 * SciPy): log-CDF with an asymptotic series in the far left tail, the log of the mass of an interval worked in the left
 * tail for accuracy, the log-density, and the quantile function by Newton's method on the log-CDF.
 * @module
 */
import { erf, erfc } from "./erf.ts";

const SQRT2 = 2 ** 0.5;
const LOG_SQRT_2PI = Math.log(Math.sqrt(2 * Math.PI));
const LOGISTIC_C = Math.sqrt(3) / Math.PI;

/** log(exp(p) + exp(q)) without overflow. */
export function logAddExp(p: number, q: number): number {
  if (p === -Infinity) return q;
  if (q === -Infinity) return p;
  const m = Math.max(p, q);
  return m + Math.log1p(Math.exp(-Math.abs(p - q)));
}

/** The standard normal CDF, through erfc in the tails so small values keep their digits. */
export function ndtr(a: number): number {
  const x = a / SQRT2;
  if (x < -1 / SQRT2) return 0.5 * erfc(-x);
  if (x < 1 / SQRT2) return 0.5 + 0.5 * erf(x);
  return 1 - 0.5 * erfc(x);
}

/** log of the standard normal CDF, finite far into the left tail (an asymptotic series below -20). */
export function logNdtr(a: number): number {
  if (a > 6) return -ndtr(-a);
  if (a > -20) return Math.log(ndtr(a));
  const logLhs = -0.5 * a ** 2 - Math.log(-a) - 0.5 * Math.log(2 * Math.PI);
  let last = 0, rhs = 1, numerator = 1, denomFactor = 1, sign = 1;
  const denomCons = 1 / a ** 2;
  for (let i = 1; Math.abs(last - rhs) > Number.EPSILON; i++) {
    last = rhs;
    sign = -sign;
    denomFactor *= denomCons;
    numerator *= 2 * i - 1;
    rhs += sign * numerator * denomFactor;
  }
  return logLhs + Math.log(rhs);
}

/** log(exp(logP) - exp(logQ)) for logP >= logQ. */
function logDiff(logP: number, logQ: number): number {
  return logP + Math.log1p(-Math.exp(logQ - logP));
}

/** log of the standard normal mass on [a, b], computed in the left tail (by symmetry) where it is accurate. */
export function logGaussMass(a: number, b: number): number {
  if (b <= 0) return logDiff(logNdtr(b), logNdtr(a));
  if (a > 0) return logDiff(logNdtr(-a), logNdtr(-b));
  // Central: 1 minus both tails, which avoids cancellation when the mass is close to 1.
  return Math.log1p(-(0.5 + 0.5 * erf(a / SQRT2)) - (0.5 + 0.5 * erf(-b / SQRT2)));
}

/** log-density at `x` of the normal(loc, scale) truncated to [loc + a scale, loc + b scale]; -inf outside. */
export function truncnormLogPdf(x: number, a: number, b: number, loc: number, scale: number): number {
  const z = (x - loc) / scale;
  if (a === b) return NaN;
  if (z < a || z > b) return -Infinity;
  return -(z ** 2) / 2 - LOG_SQRT_2PI - logGaussMass(a, b) - Math.log(scale);
}

/**
 * The x with logNdtr(x) = y (y <= 0) for each y, by Newton's method from a tail or logistic first guess (Optuna's
 * `_ndtri_exp`). As in Optuna's vectorised code the iterations go on until every element has converged, so an element's
 * last bits depend on its batch; a batch of one is the scalar form.
 */
function ndtriExpBatch(ys: readonly number[]): number[] {
  const flipped = ys.map((y) => y > -1e-2);
  const z = ys.map((y, i) => (flipped[i] ? Math.log(-Math.expm1(y)) : y));
  const x = z.map((zi) => (zi < -5 ? -Math.sqrt(-2 * (zi + LOG_SQRT_2PI)) : -LOGISTIC_C * Math.log(Math.expm1(-zi))));
  for (let iteration = 0; iteration < 100; iteration++) {
    let converged = true;
    for (let i = 0; i < x.length; i++) {
      const logNdtrX = logNdtr(x[i]);
      const logPdfX = -0.5 * x[i] ** 2 - LOG_SQRT_2PI;
      const dx = (logNdtrX - z[i]) * Math.exp(logNdtrX - logPdfX);
      x[i] -= dx;
      // Written as numpy's all(|dx| < 1e-8 |x|), so a NaN keeps the batch iterating as it does there.
      if (!(Math.abs(dx) < 1e-8 * Math.abs(x[i]))) converged = false;
    }
    if (converged) break;
  }
  return x.map((xi, i) => (flipped[i] ? -xi : xi));
}

/** The quantile `q` of the standard normal truncated to [a, b] (in standard units). */
export function truncnormPpf(q: number, a: number, b: number): number {
  return truncnormPpfBatch([q], [a], [b])[0];
}

/**
 * Quantiles of many truncated standard normals at once, as Optuna's vectorised `ppf` computes them: the intervals with
 * a < 0 solved as one batch, the others (mirrored, where the log-CDF is accurate) as another.
 */
export function truncnormPpfBatch(q: readonly number[], a: readonly number[], b: readonly number[]): number[] {
  const out = new Array<number>(q.length);
  const left: number[] = [], right: number[] = [];
  q.forEach((_, i) => (a[i] < 0 ? left : right).push(i));
  const logMass = (i: number) => logGaussMass(a[i], b[i]);
  const xLeft = ndtriExpBatch(left.map((i) => logAddExp(logNdtr(a[i]), Math.log(q[i]) + logMass(i))));
  left.forEach((i, j) => out[i] = xLeft[j]);
  const xRight = ndtriExpBatch(right.map((i) => logAddExp(logNdtr(-b[i]), Math.log1p(-q[i]) + logMass(i))));
  right.forEach((i, j) => out[i] = -xRight[j]);
  return out.map((x, i) => (a[i] === b[i] ? NaN : q[i] === 0 ? a[i] : q[i] === 1 ? b[i] : x));
}
