/**
 * The squared hinge losses of a multiclass linear SVM and their gradients with respect to the
 * margins (n x 3), per row weighted by `weights`:
 * - one-vs-rest: sum over classes of max(0, 1 - t m_k)^2, t = +1 for the row's class, -1 otherwise;
 * - Crammer-Singer: max(0, 1 + max_{k != y} m_k - m_y)^2, one joint margin against the best wrong class.
 */

/** How the three classes share the margins. */
export type Multiclass = "ovr" | "crammer_singer";

/**
 * Writes d loss / d margin into `grad` (n x 3) and returns the summed weighted loss.
 * @example squaredHinge("ovr", Float64Array.of(1, -1, 0), Int8Array.of(0), Float32Array.of(1), grad) // 1: only class 2 (margin 0) is inside its margin
 */
export function squaredHinge(kind: Multiclass, margins: Float64Array, classes: Int8Array, weights: Float32Array, grad: Float64Array): number {
  const n = classes.length;
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const o = i * 3, y = classes[i], w = weights[i];
    if (kind === "ovr") {
      for (let k = 0; k < 3; k++) {
        const t = k === y ? 1 : -1, slack = 1 - t * margins[o + k];
        if (slack > 0) {
          loss += w * slack * slack;
          grad[o + k] = -2 * w * t * slack;
        } else grad[o + k] = 0;
      }
    } else {
      let rival = y === 0 ? 1 : 0;
      for (let k = 0; k < 3; k++) if (k !== y && margins[o + k] > margins[o + rival]) rival = k;
      const slack = 1 + margins[o + rival] - margins[o + y];
      grad[o] = grad[o + 1] = grad[o + 2] = 0;
      if (slack > 0) {
        loss += w * slack * slack;
        grad[o + rival] = 2 * w * slack;
        grad[o + y] = -2 * w * slack;
      }
    }
  }
  return loss;
}
