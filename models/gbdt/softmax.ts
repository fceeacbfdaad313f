/**
 * The multiclass softmax objective's per-row statistics, as XGBoost computes them: with p the
 * softmax of the row's three margins, class c's tree fits g = p_c - [y = c] and h = 2 p_c (1 - p_c)
 * (floored at 1e-16 so a leaf weight is always defined), both times the sample weight.
 */

/**
 * Writes each class's (g, h) pairs into `out[c]` (rows x 2, interleaved) from margins (rows x 3).
 * @example softmaxGradients(new Float64Array(3), Int8Array.of(2), Float32Array.of(1), out) // out[2] = [-2/3, 4/9]
 */
export function softmaxGradients(scores: Float64Array, classes: Int8Array, weights: Float32Array, out: readonly Float32Array[]): void {
  const rows = classes.length;
  if (scores.length !== rows * 3 || out.length !== 3 || out.some((o) => o.length !== rows * 2)) {
    throw new RangeError(`softmaxGradients: ${rows} rows need 3 x ${rows} margins and 3 outputs of ${rows * 2}`);
  }
  for (let i = 0; i < rows; i++) {
    const a = scores[i * 3], b = scores[i * 3 + 1], c = scores[i * 3 + 2];
    const m = Math.max(a, b, c), ea = Math.exp(a - m), eb = Math.exp(b - m), ec = Math.exp(c - m), s = ea + eb + ec;
    const w = weights[i];
    for (let k = 0; k < 3; k++) {
      const p = (k === 0 ? ea : k === 1 ? eb : ec) / s;
      out[k][2 * i] = (p - (classes[i] === k ? 1 : 0)) * w;
      out[k][2 * i + 1] = Math.max(2 * p * (1 - p), 1e-16) * w;
    }
  }
}
