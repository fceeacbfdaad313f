/**
 * Quantile binning: each feature's values become small integers (bins) once, before any tree is
 * grown, so histograms are built from bytes instead of floats.
 *
 * A value x goes to the first bin b whose upper edge satisfies x <= edges[b]; values above the last
 * edge go to the last bin; NaN goes to the MISSING bin. So `bin(x) <= t` exactly when
 * `x <= edges[t]`, which lets a tree trained on bins predict from raw floats with the same result.
 */

/** The bin of a missing (NaN) value; value bins are 0..254. */
export const MISSING = 255;
/** Most value bins a feature can have (the byte's last value is MISSING). */
export const MAX_BINS = 255;

/** Bin edges of every feature, fitted on the training rows. */
export interface BinMapper {
  /** Upper edges per feature, ascending; a feature has `edges.length + 1` value bins. */
  readonly edges: readonly Float32Array[];
  /** Value bins per feature (1 for a constant or all-missing feature, which can never split). */
  readonly nBins: Uint8Array;
}

/**
 * Fits quantile edges per column of a row-major (rows x cols) matrix: distinct values become
 * their own bins when there are at most `maxBins`, otherwise edges sit at evenly spaced ranks.
 * Ties never straddle an edge. Rows beyond `sampleRows` are subsampled at an even stride.
 * @example fitBins(new Float32Array([1, 1, 2, 3]), { rows: 4, cols: 1, maxBins: 2 }).edges[0] // Float32Array [1]
 */
export function fitBins(x: Float32Array, shape: { rows: number; cols: number; maxBins: number; sampleRows?: number }): BinMapper {
  const { rows, cols, maxBins, sampleRows = 65_536 } = shape;
  if (!Number.isInteger(maxBins) || maxBins < 2 || maxBins > MAX_BINS) throw new RangeError(`max_bins must be an integer in [2, ${MAX_BINS}], got ${maxBins}`);
  if (x.length !== rows * cols) throw new RangeError(`Cannot bin ${x.length} values as ${rows} x ${cols}`);
  const stride = Math.max(1, Math.ceil(rows / sampleRows));
  const column = new Float32Array(Math.ceil(rows / stride));
  const edges: Float32Array[] = [];
  for (let f = 0; f < cols; f++) {
    let m = 0;
    for (let r = 0; r < rows; r += stride) {
      const v = x[r * cols + f];
      if (v === v) column[m++] = v; // NaN is missing, not a value
    }
    edges.push(quantileEdges(column.subarray(0, m).sort(), maxBins));
  }
  return { edges, nBins: Uint8Array.from(edges, (e) => e.length + 1) };
}

/** Upper edges of at most `maxBins` bins over ascending values (none for an empty or constant column). */
function quantileEdges(sorted: Float32Array, maxBins: number): Float32Array {
  const n = sorted.length;
  const distinct: number[] = [];
  for (let i = 0; i < n && distinct.length <= maxBins; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct.push(sorted[i]);
  // Few distinct values: one bin each; the largest needs no edge, it falls in the last bin.
  if (distinct.length <= maxBins) return Float32Array.from(distinct.slice(0, -1));
  const out: number[] = [];
  const top = sorted[n - 1];
  for (let k = 1; k < maxBins; k++) {
    const v = sorted[Math.ceil((k * n) / maxBins) - 1];
    if (v < top && (out.length === 0 || v > out[out.length - 1])) out.push(v);
  }
  return Float32Array.from(out);
}

/** Bins a row-major (rows x cols) matrix with fitted edges into a column-major byte matrix (feature f at `f * rows`). */
export function applyBins(mapper: BinMapper, x: Float32Array, rows: number): Uint8Array {
  const cols = mapper.edges.length;
  if (x.length !== rows * cols) throw new RangeError(`Cannot bin ${x.length} values as ${rows} x ${cols} (the binning was fitted on ${cols} columns)`);
  // Every feature's edges padded to 256 with +Infinity: a fixed eight-step search with no data-dependent loop exit.
  const table = new Float32Array(cols * 256).fill(Infinity);
  mapper.edges.forEach((e, f) => table.set(e, f * 256));
  const out = new Uint8Array(rows * cols);
  const below = (k: number, v: number) => -(table[k] < v); // -1 (all bits) when the edge is below v, else 0
  for (let r = 0; r < rows; r++) {
    for (let f = 0; f < cols; f++) {
      const v = x[r * cols + f], e = f * 256;
      if (v !== v) {
        out[f * rows + r] = MISSING;
        continue;
      }
      // The eight steps unrolled and branch-free: a data-dependent branch per step mispredicts half the time (~4x slower).
      let b = 128 & below(e + 127, v);
      b += 64 & below(e + b + 63, v);
      b += 32 & below(e + b + 31, v);
      b += 16 & below(e + b + 15, v);
      b += 8 & below(e + b + 7, v);
      b += 4 & below(e + b + 3, v);
      b += 2 & below(e + b + 1, v);
      b += 1 & below(e + b, v);
      out[f * rows + r] = b;
    }
  }
  return out;
}
