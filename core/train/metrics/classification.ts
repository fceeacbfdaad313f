/**
 * Classification metrics for the three-class short/neutral/long problem, matching scikit-learn
 * (checked against sklearn 1.2.1 fixtures in tests/fixtures/metrics).
 *
 * Empty input (n = 0) does not throw: counts and the confusion matrix are zero, precision, recall
 * and F1 (per class, macro, weighted) are 0 by the same zero_division=0 rule that applies to an
 * absent class, and the two per-sample means, accuracy and log_loss, are NaN because a mean over no
 * samples is undefined (sklearn raises there instead).
 * @module
 */

/** Class order everywhere: index 0 = short (-1), 1 = neutral (0), 2 = long (1). */
export const CLASS_LABELS = [-1, 0, 1] as const;

/** A value per class, keyed by the class label. */
export interface PerClass {
  "-1": number;
  "0": number;
  "1": number;
}

/** Everything {@linkcode classificationMetrics} reports for one set of predictions. */
export interface ClassificationMetrics {
  /** Number of samples. */
  n: number;
  /** Fraction of samples whose argmax class equals the true class; NaN when n = 0. */
  accuracy: number;
  /** Unweighted mean of the three per-class F1 scores, absent classes included (as 0). */
  f1_macro: number;
  /** Mean of the per-class F1 scores weighted by support; 0 when n = 0. */
  f1_weighted: number;
  /** Per-class precision; 0 for a class that is never predicted. */
  precision: PerClass;
  /** Per-class recall; 0 for a class that never occurs. */
  recall: PerClass;
  /** Per-class F1; 0 when precision + recall is 0. */
  f1: PerClass;
  /** Number of true samples of each class. */
  support: PerClass;
  /** 3x3 counts, rows = true class, columns = predicted class, order -1, 0, 1. */
  confusion: number[][];
  /** Mean cross-entropy of the true class, sklearn-style clipping and renormalisation; NaN when n = 0. */
  log_loss: number;
}

const K = CLASS_LABELS.length;

/** Machine epsilon of float32 and float64, the values sklearn's `eps="auto"` picks by dtype. */
const EPS_F32 = 2 ** -23;
const EPS_F64 = 2 ** -52;

/**
 * Predicted class index (0..2) per row of n*3 row-major probabilities; ties go to the lowest index.
 *
 * @example
 * ```ts
 * argmaxClasses([0.2, 0.5, 0.3, 0.4, 0.4, 0.2]); // Int8Array [1, 0]
 * ```
 */
export function argmaxClasses(probs: ArrayLike<number>, n?: number): Int8Array {
  const rows = n ?? checkedRows(probs);
  checkProbsLength(probs, rows);
  const out = new Int8Array(rows);
  for (let i = 0; i < rows; i++) {
    let best = 0;
    // Strict ">" keeps the first maximum, like numpy's argmax (a NaN is never chosen over a number).
    for (let k = 1; k < K; k++) if (probs[i * K + k] > probs[i * K + best]) best = k;
    out[i] = best;
  }
  return out;
}

/**
 * Accuracy, F1, per-class precision/recall/F1, confusion matrix and log loss of class
 * probabilities, with scikit-learn's semantics for labels=[-1, 0, 1] and zero_division=0.
 *
 * `yTrue` holds class indices 0..2; `probs` holds n*3 row-major probabilities. A Float32Array of
 * probabilities is clipped with float32 epsilon, anything else with float64 epsilon, as sklearn
 * does for those dtypes.
 *
 * @example
 * ```ts
 * const m = classificationMetrics([0, 2], [0.7, 0.2, 0.1, 0.1, 0.3, 0.6]);
 * m.accuracy; // 1
 * m.confusion; // [[1, 0, 0], [0, 0, 0], [0, 0, 1]]
 * ```
 */
export function classificationMetrics(yTrue: ArrayLike<number>, probs: ArrayLike<number>): ClassificationMetrics {
  const n = yTrue.length;
  checkProbsLength(probs, n);
  for (let i = 0; i < n; i++) {
    const y = yTrue[i];
    if (!(y === 0 || y === 1 || y === 2)) {
      throw new RangeError(`yTrue[${i}] = ${y} is not a class index; expected 0 (short), 1 (neutral) or 2 (long)`);
    }
  }
  const pred = argmaxClasses(probs, n);

  const confusion = [0, 1, 2].map(() => [0, 0, 0]);
  for (let i = 0; i < n; i++) confusion[yTrue[i]][pred[i]]++;

  const precision = [0, 0, 0], recall = [0, 0, 0], f1 = [0, 0, 0], support = [0, 0, 0];
  let correct = 0;
  for (let k = 0; k < K; k++) {
    const tp = confusion[k][k];
    const predicted = confusion[0][k] + confusion[1][k] + confusion[2][k];
    support[k] = confusion[k][0] + confusion[k][1] + confusion[k][2];
    correct += tp;
    // zero_division=0: an undefined ratio (class never predicted / never present) counts as 0.
    precision[k] = predicted > 0 ? tp / predicted : 0;
    recall[k] = support[k] > 0 ? tp / support[k] : 0;
    const pr = precision[k] + recall[k];
    // Same formula as sklearn 1.2 (harmonic mean of p and r), so results agree to the last bits.
    f1[k] = pr > 0 ? (2 * precision[k] * recall[k]) / pr : 0;
  }

  const f1Macro = (f1[0] + f1[1] + f1[2]) / K;
  const f1Weighted = n > 0 ? (f1[0] * support[0] + f1[1] * support[1] + f1[2] * support[2]) / n : 0;

  return {
    n,
    accuracy: n > 0 ? correct / n : NaN,
    f1_macro: f1Macro,
    f1_weighted: f1Weighted,
    precision: perClass(precision),
    recall: perClass(recall),
    f1: perClass(f1),
    support: perClass(support),
    confusion,
    log_loss: logLoss(yTrue, probs),
  };
}

/**
 * Mean log loss and accuracy of probabilities (n x 3) against class indices 0..2: what every model reports per
 * epoch, so early stopping and pruning see the same figures whatever the family (the same log loss as the metrics).
 */
export function lossAndAccuracy(probs: Float32Array | Float64Array, classes: Int8Array): { loss: number; accuracy: number } {
  const sums = new LossSums();
  sums.add(probs, classes);
  return sums.result();
}

/**
 * {@linkcode lossAndAccuracy} over rows given a block at a time, with the same sums in the same order (the same bits), so a
 * caller need not hold every row's probabilities at once (a tree model turns 835,500 rows of scores into them each round).
 */
export class LossSums {
  private sum = 0;
  private correct = 0;
  private n = 0;

  /** Adds the rows of `probs` (rows x 3) against their class indices; a Float32Array is clipped with float32's epsilon. */
  add(probs: ArrayLike<number>, classes: ArrayLike<number>): void {
    const rows = classes.length;
    checkProbsLength(probs, rows);
    // sklearn's eps="auto" is the machine epsilon of the probabilities' dtype.
    const eps = probs instanceof Float32Array ? EPS_F32 : EPS_F64;
    const clip = (p: number) => Math.min(Math.max(p, eps), 1 - eps);
    for (let i = 0; i < rows; i++) {
      const o = i * K, p0 = probs[o], p1 = probs[o + 1], p2 = probs[o + 2], y = classes[i];
      // Strict ">" keeps the first maximum, as argmaxClasses.
      const best = p1 > p0 ? (p2 > p1 ? 2 : 1) : p2 > p0 ? 2 : 0;
      if (best === y) this.correct++;
      this.sum -= Math.log(clip(probs[o + y]) / (clip(p0) + clip(p1) + clip(p2)));
    }
    this.n += rows;
  }

  /** Mean log loss and accuracy of the rows added; NaN for both with none. */
  result(): { loss: number; accuracy: number } {
    return this.n === 0 ? { loss: NaN, accuracy: NaN } : { loss: this.sum / this.n, accuracy: this.correct / this.n };
  }
}

/** sklearn's log_loss: clip each probability to [eps, 1-eps], renormalise the row, average -log p(true); NaN with no rows. */
function logLoss(yTrue: ArrayLike<number>, probs: ArrayLike<number>): number {
  const sums = new LossSums();
  sums.add(probs, yTrue);
  return sums.result().loss;
}

function perClass(v: number[]): PerClass {
  return { "-1": v[0], "0": v[1], "1": v[2] };
}

function checkedRows(probs: ArrayLike<number>): number {
  if (probs.length % K !== 0) throw new RangeError(`probs has ${probs.length} values, not a multiple of ${K} classes`);
  return probs.length / K;
}

function checkProbsLength(probs: ArrayLike<number>, n: number): void {
  if (probs.length !== K * n) {
    throw new RangeError(`probs has ${probs.length} values, expected ${K} x ${n} = ${K * n}`);
  }
}
