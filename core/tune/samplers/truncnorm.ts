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

/** The x with logNdtr(x) = y (y <= 0), by Newton's method from a tail or logistic first guess (Optuna's `_ndtri_exp`). */
function ndtriExp(y: number): number {
  const flipped = y > -1e-2;
  const z = flipped ? Math.log(-Math.expm1(y)) : y;
  let x = z < -5 ? -Math.sqrt(-2 * (z + LOG_SQRT_2PI)) : -LOGISTIC_C * Math.log(Math.expm1(-z));
  for (let i = 0; i < 100; i++) {
    const logNdtrX = logNdtr(x);
    const logPdfX = -0.5 * x ** 2 - LOG_SQRT_2PI;
    const dx = (logNdtrX - z) * Math.exp(logNdtrX - logPdfX);
    x -= dx;
    if (Math.abs(dx) < 1e-8 * Math.abs(x)) break;
  }
  return flipped ? -x : x;
}

/** The quantile `q` of the standard normal truncated to [a, b] (in standard units). */
export function truncnormPpf(q: number, a: number, b: number): number {
  if (a === b) return NaN;
  if (q === 0) return a;
  if (q === 1) return b;
  const logMass = logGaussMass(a, b);
  if (a < 0) return ndtriExp(logAddExp(logNdtr(a), Math.log(q) + logMass));
  // For a >= 0 work on the mirrored interval, where the log-CDF is accurate.
  return -ndtriExp(logAddExp(logNdtr(-b), Math.log1p(-q) + logMass));
}
