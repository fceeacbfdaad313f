import type { Windows } from "../../core/data/windows.ts";

/**
 * What a tree model sees of a window: its last row (`last`), every row side by side (`flat`, L x F
 * columns), or per feature the last value, mean, standard deviation and change over the window
 * (`summary`, 4 x F columns).
 */
export type TreeInput = "last" | "flat" | "summary";

/** Columns a window becomes; `summary` needs at least two rows to say anything `last` does not. */
export function inputColumns(input: TreeInput, seqLen: number, nFeatures: number): number {
  if (input === "summary" && seqLen < 2) {
    throw new RangeError(`Tree input "summary" needs a window of at least 2 rows (dataset.seq_len), got ${seqLen}; use input "last" for one row`);
  }
  return input === "last" ? nFeatures : input === "flat" ? seqLen * nFeatures : 4 * nFeatures;
}

/** The frame feature a column comes from (every layout repeats the features in order). */
export function sourceFeature(column: number, nFeatures: number): number {
  return column % nFeatures;
}

/** Every sample of `windows` as one row of a row-major float matrix (samples x inputColumns). */
export function tabular(windows: Windows, input: TreeInput): Float32Array {
  const n = windows.size, F = windows.nFeatures, L = windows.seqLen, x = windows.frame.features;
  const cols = inputColumns(input, L, F);
  if (input === "flat") return windows.gather(Int32Array.from({ length: n }, (_, k) => k));
  const out = new Float32Array(n * cols);
  for (let k = 0; k < n; k++) {
    const end = windows.ends[k];
    if (input === "last") {
      out.set(x.subarray(end * F, (end + 1) * F), k * F);
      continue;
    }
    const o = k * cols, first = end - L + 1;
    for (let f = 0; f < F; f++) {
      let sum = 0, sq = 0;
      for (let r = first; r <= end; r++) {
        const v = x[r * F + f];
        sum += v;
        sq += v * v;
      }
      const mean = sum / L;
      out[o + f] = x[end * F + f];
      out[o + F + f] = mean;
      out[o + 2 * F + f] = Math.sqrt(Math.max(sq / L - mean * mean, 0));
      out[o + 3 * F + f] = x[end * F + f] - x[first * F + f];
    }
  }
  return out;
}
