import { DataError } from "../errors.ts";

/**
 * The stacking meta-model: multinomial logistic regression (softmax over short, neutral, long) on the members'
 * probabilities, with an L2 penalty, fitted by Newton's method with a backtracking line search. Its inputs are
 * 1 + 3 x members numbers per sample, so the Hessian is tiny and every step is exact and deterministic: the same
 * inputs always give the same coefficients.
 * @module
 */

/** L2 penalty on the weights (the loss is the mean cross-entropy, so this is on the per-sample scale). */
export const STACKING_L2 = 1e-3;
/** Penalty on the intercepts: only there to pin them down (adding one constant to all three changes no probability). */
const INTERCEPT_L2 = 1e-6;
/** Validation is cut into this many consecutive time blocks for the out-of-fold validation probabilities. */
export const STACKING_FOLDS = 5;
const MAX_ITERATIONS = 100;
const GRADIENT_TOLERANCE = 1e-10;

/** The features of the meta-model, by name: the intercept, then each member's three probabilities. */
export function stackingFeatures(memberIds: readonly string[]): string[] {
  return ["intercept", ...memberIds.flatMap((id) => ["prob_short", "prob_neutral", "prob_long"].map((p) => `${id}:${p}`))];
}

/**
 * Fits the meta-model on one split's member probabilities (each n x 3, row-major) against that split's classes
 * (0 short, 1 neutral, 2 long). Returns the coefficients: three rows (short, neutral, long) of 1 + 3 x members
 * numbers, intercept first, in {@linkcode stackingFeatures} order.
 */
export function fitStacking(
  memberProbs: readonly Float32Array[],
  classes: ArrayLike<number>,
  l2 = STACKING_L2,
  start?: readonly (readonly number[])[],
): number[][] {
  const n = classes.length, D = 1 + 3 * memberProbs.length, P = 3 * D;
  checkInputs(memberProbs, n);
  if (n === 0) throw new DataError("Stacking needs validation samples to fit its meta-model, and there are none");
  const x = new Float64Array(D), z = new Float64Array(3), p = new Float64Array(3);
  const penalty = (j: number) => (j === 0 ? INTERCEPT_L2 : l2);

  const objective = (theta: Float64Array) => {
    let loss = 0;
    for (let i = 0; i < n; i++) {
      featureRow(memberProbs, i, x);
      loss += logSumExp(logits(theta, x, D, z)) - z[classes[i]];
    }
    let reg = 0;
    for (let k = 0; k < 3; k++) for (let j = 0; j < D; j++) reg += penalty(j) * theta[k * D + j] ** 2;
    return loss / n + reg / 2;
  };

  const theta = start ? Float64Array.from(start.flat()) : new Float64Array(P);
  if (theta.length !== P) throw new RangeError(`Stacking: the starting coefficients have ${theta.length} numbers, expected ${P}`);
  // the Hessian's 3 x 3 blocks are symmetric in (k, l), and each is a weighted sum of x x^T: sum the six distinct
  // blocks over the upper triangle of x x^T only, then fill in the rest
  const pairK = [0, 0, 0, 1, 1, 2], pairL = [0, 1, 2, 1, 2, 2];
  const w = new Float64Array(6), DD = D * D;
  let value = objective(theta);
  for (let iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
    const g = new Float64Array(P), blocks = new Float64Array(6 * DD);
    for (let i = 0; i < n; i++) {
      featureRow(memberProbs, i, x);
      softmax(logits(theta, x, D, z), p);
      for (let k = 0; k < 3; k++) {
        const r = p[k] - (classes[i] === k ? 1 : 0);
        for (let j = 0; j < D; j++) g[k * D + j] += r * x[j];
      }
      for (let q = 0; q < 6; q++) w[q] = p[pairK[q]] * ((pairK[q] === pairL[q] ? 1 : 0) - p[pairL[q]]);
      for (let j = 0; j < D; j++) {
        for (let m = j; m < D; m++) {
          const xx = x[j] * x[m], at = j * D + m;
          for (let q = 0; q < 6; q++) blocks[q * DD + at] += w[q] * xx;
        }
      }
    }
    let largest = 0;
    for (let k = 0; k < 3; k++) {
      for (let j = 0; j < D; j++) {
        const a = k * D + j;
        g[a] = g[a] / n + penalty(j) * theta[a];
        largest = Math.max(largest, Math.abs(g[a]));
      }
    }
    if (largest < GRADIENT_TOLERANCE) break;
    const H = new Float64Array(P * P);
    for (let q = 0; q < 6; q++) {
      const k = pairK[q], l = pairL[q];
      for (let j = 0; j < D; j++) {
        for (let m = 0; m < D; m++) {
          const v = blocks[q * DD + Math.min(j, m) * D + Math.max(j, m)] / n;
          H[(k * D + j) * P + l * D + m] = v;
          H[(l * D + m) * P + k * D + j] = v;
        }
      }
    }
    for (let a = 0; a < P; a++) H[a * P + a] += penalty(a % D);
    const step = choleskySolve(H, g, P).map((v) => -v);
    const slope = step.reduce((s, v, a) => s + v * g[a], 0);
    let t = 1, next = new Float64Array(P), nextValue = Infinity;
    for (; t > 1e-12; t /= 2) {
      next = theta.map((v, a) => v + t * step[a]);
      nextValue = objective(next);
      if (nextValue <= value + 1e-4 * t * slope) break;
    }
    if (!(nextValue < value)) break; // no step lowers the objective any more: at the optimum to rounding
    theta.set(next);
    const change = value - nextValue;
    value = nextValue;
    if (change <= 1e-15 * Math.max(1, Math.abs(value))) break;
  }
  return [0, 1, 2].map((k) => Array.from(theta.subarray(k * D, (k + 1) * D)));
}

/** The meta-model's probabilities (n x 3) from the members' probabilities, in the order the coefficients were fitted on. */
export function stackingProbs(coefficients: readonly (readonly number[])[], memberProbs: readonly Float32Array[]): Float32Array {
  const D = 1 + 3 * memberProbs.length;
  if (coefficients.length !== 3 || coefficients.some((row) => row.length !== D)) {
    throw new DataError(`Stacking coefficients must be 3 rows of ${D} numbers (intercept + 3 per member for ${memberProbs.length} members)`);
  }
  const n = memberProbs.length ? memberProbs[0].length / 3 : 0;
  checkInputs(memberProbs, n);
  const theta = Float64Array.from(coefficients.flat());
  const x = new Float64Array(D), z = new Float64Array(3), p = new Float64Array(3);
  const out = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    featureRow(memberProbs, i, x);
    softmax(logits(theta, x, D, z), p);
    out.set(p, i * 3);
  }
  return out;
}

/**
 * Validation probabilities that no fit saw the labels of: validation is cut into `folds` consecutive blocks of its
 * bar times (the same cut for every symbol), and each block is scored by a meta-model fitted on the other blocks.
 * The validation metrics of a stacking ensemble come from these, so they are not in-sample. `start` (the fit on
 * all of validation) only shortens the fits: each converges to its own optimum.
 */
export function outOfFoldProbs(
  memberProbs: readonly Float32Array[],
  classes: ArrayLike<number>,
  times: ArrayLike<number>,
  options: { folds?: number; l2?: number; start?: readonly (readonly number[])[] } = {},
): Float32Array {
  const { folds = STACKING_FOLDS, l2 = STACKING_L2, start } = options;
  const n = classes.length;
  const fold = timeFolds(times, folds);
  const out = new Float32Array(n * 3);
  for (let f = 0; f < folds; f++) {
    const inFold: number[] = [], rest: number[] = [];
    for (let i = 0; i < n; i++) (fold[i] === f ? inFold : rest).push(i);
    if (inFold.length === 0) continue;
    const pick = (idx: number[]) =>
      memberProbs.map((probs) => Float32Array.from({ length: idx.length * 3 }, (_, q) => probs[idx[Math.floor(q / 3)] * 3 + (q % 3)]));
    const coefficients = fitStacking(pick(rest), rest.map((i) => classes[i]), l2, start);
    const probs = stackingProbs(coefficients, pick(inFold));
    inFold.forEach((i, q) => out.set(probs.subarray(q * 3, q * 3 + 3), i * 3));
  }
  return out;
}

/** Block (0..folds-1) of each sample: its bar time's rank among the distinct times, cut into `folds` equal runs. */
export function timeFolds(times: ArrayLike<number>, folds: number): Int32Array {
  const distinct = [...new Set(Array.from(times))].sort((a, b) => a - b);
  if (distinct.length < folds) {
    throw new DataError(`Validation has ${distinct.length} distinct bar times; stacking's out-of-fold validation scores need at least ${folds}`);
  }
  const rank = new Map(distinct.map((t, r) => [t, r]));
  return Int32Array.from(times, (t) => Math.floor((rank.get(t)! * folds) / distinct.length));
}

function checkInputs(memberProbs: readonly Float32Array[], n: number): void {
  if (memberProbs.length === 0) throw new RangeError("Stacking needs at least one member's probabilities");
  memberProbs.forEach((probs, m) => {
    if (probs.length !== n * 3) throw new RangeError(`Member ${m} has ${probs.length} probabilities, expected ${n} x 3`);
  });
}

function featureRow(memberProbs: readonly Float32Array[], i: number, x: Float64Array): void {
  x[0] = 1;
  for (let m = 0; m < memberProbs.length; m++) for (let c = 0; c < 3; c++) x[1 + 3 * m + c] = memberProbs[m][i * 3 + c];
}

function logits(theta: Float64Array, x: Float64Array, D: number, z: Float64Array): Float64Array {
  for (let k = 0; k < 3; k++) {
    let s = 0;
    for (let j = 0; j < D; j++) s += theta[k * D + j] * x[j];
    z[k] = s;
  }
  return z;
}

function logSumExp(z: Float64Array): number {
  const top = Math.max(z[0], z[1], z[2]);
  return top + Math.log(Math.exp(z[0] - top) + Math.exp(z[1] - top) + Math.exp(z[2] - top));
}

function softmax(z: Float64Array, p: Float64Array): void {
  const top = Math.max(z[0], z[1], z[2]);
  let sum = 0;
  for (let k = 0; k < 3; k++) sum += p[k] = Math.exp(z[k] - top);
  for (let k = 0; k < 3; k++) p[k] /= sum;
}

/** Solves A x = b for a symmetric positive definite A (P x P, row-major) by Cholesky. */
function choleskySolve(A: Float64Array, b: Float64Array, P: number): Float64Array {
  const L = new Float64Array(P * P);
  for (let i = 0; i < P; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * P + j];
      for (let k = 0; k < j; k++) s -= L[i * P + k] * L[j * P + k];
      if (i === j) {
        if (!(s > 0)) throw new RangeError(`Stacking: the Hessian is not positive definite (pivot ${i} is ${s})`);
        L[i * P + i] = Math.sqrt(s);
      } else L[i * P + j] = s / L[j * P + j];
    }
  }
  const y = new Float64Array(P);
  for (let i = 0; i < P; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[i * P + k] * y[k];
    y[i] = s / L[i * P + i];
  }
  const x = new Float64Array(P);
  for (let i = P - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < P; k++) s -= L[k * P + i] * x[k];
    x[i] = s / L[i * P + i];
  }
  return x;
}
