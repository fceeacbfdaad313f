/**
 * numpy's `np.argsort` of float64 values (the default kind), ties included, as numpy 2 computes it on x86-64 CPUs with
 * AVX2 or AVX-512, so that code written against it (Optuna's Parzen bandwidths) can be followed exactly.
 *
 * There numpy hands the sort to Intel's x86-simd-sort, which sorts an array of at most 256 values with a bitonic
 * network over the next power of two (padded with +inf): the order of equal values is the network's, not their input
 * order (`np.argsort([1, 0, 1, 0, 1])` is [3, 1, 0, 2, 4] there, not a stable [1, 3, 0, 2, 4]). Each compare-exchange
 * swaps only on a strict inequality, and the register networks of both widths (4 and 8 lanes) amount to the same
 * comparators, so AVX2 and AVX-512 machines agree; tests/core/numpy_argsort.test.ts holds numpy's answers.
 *
 * Longer arrays are partitioned around sampled pivots first, in steps that differ between AVX2 and AVX-512, and CPUs
 * without AVX2 run numpy's own sort (measured: another order); this module follows neither: beyond 256 values it
 * returns the stable order.
 * @module
 */

/** Arrays up to this length are sorted by the network alone. */
export const NUMPY_NETWORK_MAX = 256;

/** The indices that sort `values` ascending, equal values in numpy's order (above); NaN is not accepted. */
export function numpyArgsort(values: readonly number[]): number[] {
  const n = values.length;
  if (values.some(Number.isNaN)) throw new Error("numpyArgsort: NaN values are not supported (numpy sorts them last by another path)");
  if (n > NUMPY_NETWORK_MAX) return stableArgsort(values);
  let size = 1;
  while (size < n) size *= 2;
  const keys = Float64Array.from({ length: size }, (_, i) => i < n ? values[i] : Infinity);
  const index = Int32Array.from({ length: size }, (_, i) => i);
  const exchange = (p: number, q: number) => {
    if (!(keys[p] > keys[q])) return;
    [keys[p], keys[q]] = [keys[q], keys[p]];
    [index[p], index[q]] = [index[q], index[p]];
  };
  // Bitonic sort in its "flip" form: each block of `width` (two sorted halves) is merged by comparing mirror positions,
  // then by half-cleaners of strides width/4 ... 1.
  for (let width = 2; width <= size; width *= 2) {
    for (let start = 0; start < size; start += width) {
      for (let i = 0; i < width / 2; i++) exchange(start + i, start + width - 1 - i);
    }
    for (let stride = width / 4; stride >= 1; stride /= 2) {
      for (let i = 0; i < size; i++) if ((i & stride) === 0) exchange(i, i + stride);
    }
  }
  return Array.from(index.subarray(0, n));
}

/** The indices that sort `values` ascending, equal values in input order. */
export function stableArgsort(values: readonly number[]): number[] {
  return values.map((_, i) => i).sort((a, b) => values[a] - values[b]);
}
