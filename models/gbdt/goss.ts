/**
 * LightGBM's gradient-based one-side sampling (GOSS), as its goss.hpp does it: a row's size is
 * the sum over the classes of |g x h| (its gradient weighted by its curvature); the `top_rate`
 * share of rows with the largest sizes is kept, `other_rate` x rows of the others are drawn
 * uniformly without replacement, and the drawn rows' statistics are multiplied by
 * (rows - top) / other, the (1 - a) / b of the paper, so their sums still estimate the whole.
 */
import type { Rng } from "../../core/random.ts";

/** Which rows a GOSS round keeps, and the weight given to the drawn ones. */
export interface GossSample {
  /** Kept rows, ascending. */
  rows: Int32Array;
  /** Rows kept for their large gradients. */
  top: number;
  /** Rows drawn from the others. */
  other: number;
  /** What the drawn rows' gradients and hessians were multiplied by. */
  weight: number;
}

/**
 * Picks a GOSS sample over the per-class statistics `stats[k]` (rows x 2: g then h), and scales
 * the drawn rows' statistics in place. Exactly floor(rows x topRate) (at least 1) top rows, ties at
 * the threshold going to the lower row index, and exactly floor(rows x otherRate) drawn rows.
 * @example gossSample(stats, { topRate: 0.2, otherRate: 0.1 }, createRng(1)) // { top: 0.2 n, other: 0.1 n, weight: 8 }
 */
export function gossSample(stats: readonly Float32Array[], rates: { topRate: number; otherRate: number }, rng: Rng): GossSample {
  const rows = stats[0].length / 2;
  const size = new Float64Array(rows);
  for (const s of stats) for (let i = 0; i < rows; i++) size[i] += Math.abs(s[2 * i] * s[2 * i + 1]);
  const top = Math.min(rows, Math.max(1, Math.floor(rows * rates.topRate)));
  const other = Math.min(rows - top, Math.floor(rows * rates.otherRate));
  const threshold = kthSmallest(Float64Array.from(size), rows - top);
  let above = 0;
  for (let i = 0; i < rows; i++) if (size[i] > threshold) above++;
  let tiesLeft = top - above, need = other, rest = rows - top;
  const weight = other > 0 ? (rows - top) / other : 0;
  const kept = new Int32Array(top + other);
  let n = 0;
  for (let i = 0; i < rows; i++) {
    if (size[i] > threshold || (size[i] === threshold && tiesLeft-- > 0)) {
      kept[n++] = i;
      continue;
    }
    // Selection sampling: each remaining row is drawn with probability need / rest, so exactly `other` are.
    if (need > 0 && rng.uniform() * rest < need) {
      kept[n++] = i;
      need--;
      for (const s of stats) {
        s[2 * i] *= weight;
        s[2 * i + 1] *= weight;
      }
    }
    rest--;
  }
  return { rows: kept, top, other, weight };
}

/** The k-th smallest value (from 0) of `values`, which it reorders: quickselect with a median-of-three pivot (a full sort costs ~5x more). */
export function kthSmallest(values: Float64Array, k: number): number {
  let lo = 0, hi = values.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const a = values[lo], b = values[mid], c = values[hi];
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : (a < c ? a : b < c ? c : b);
    let i = lo, j = hi;
    while (i <= j) {
      while (values[i] < pivot) i++;
      while (values[j] > pivot) j--;
      if (i <= j) {
        const t = values[i];
        values[i++] = values[j];
        values[j--] = t;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return values[k];
  }
  return values[k];
}
