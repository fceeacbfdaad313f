import { TreeKernels } from "./kernels/kernels.ts";
import { HIST_BINS } from "./split.ts";

/** Binned training data as every histogram engine sees it. */
export interface BinnedColumns {
  /** rows x cols bins, column-major: feature f's bins are `bins[f * rows .. (f + 1) * rows)`. */
  bins: Uint8Array;
  rows: number;
  cols: number;
  /** Value bins per feature. */
  nBins: Uint8Array;
  /** Sums per bin: the outputs' gradients, then the hessian. */
  channels: number;
}

/** One node's histogram to build: rows `order[start..end)`, one slot of 256 bins x channels per feature. */
export interface BuildJob {
  order: Int32Array;
  start: number;
  end: number;
  features: Int32Array;
  hist: Float64Array;
}

/** Builds a node's histogram: per feature slot and bin, the channel sums of the node's rows. */
export interface HistogramBuilder {
  /**
   * Whether a sibling may be had as parent minus child. True when sums are exact in row order, so a
   * bin empty in the sibling comes out exactly 0; float32 atomics in any order leave residue there,
   * which would let a split threshold drift into a gap with no training rows.
   */
  readonly subtracts: boolean;
  /** A tree starts: its per-row statistics (rows x channels). */
  setTree(stats: Float32Array): void | Promise<void>;
  /** Fills each job's histogram (zeroed by the caller). */
  build(jobs: readonly BuildJob[]): void | Promise<void>;
  /** Frees what the builder holds (GPU buffers). */
  dispose(): void;
}

/** Where a builder finds the binned columns in a kernel memory: the engine's, which also holds its rows. */
export interface KernelBins {
  kernels: TreeKernels;
  /** Byte offset of the rows x cols bins (column-major, as `BinnedColumns.bins`). */
  bins: number;
}

/** Copies the binned columns into a new kernel memory. */
export function kernelBins(data: BinnedColumns): KernelBins {
  const kernels = new TreeKernels();
  const bins = kernels.alloc(data.bins.length, `${data.rows} rows x ${data.cols} features of bins`);
  kernels.u8(bins, data.bins.length).set(data.bins);
  return { kernels, bins };
}

/**
 * The CPU histogram, in WebAssembly (kernels/tree_kernels.wat): gathers the node's statistics into one contiguous
 * buffer, then walks it once per four features with two channels (once per feature with more), so the features'
 * 256-bin histograms stay in the L1 cache. Sums are float64 in row order, so any split of the features across threads
 * gives the same bits.
 */
export class CpuHistogram implements HistogramBuilder {
  readonly subtracts = true;
  private readonly kernels: TreeKernels;
  private readonly bins: number;
  /** Offsets of the tree's statistics (rows x channels float32), the gathered rows (float64), one histogram (plus three spare slots), and rows to copy in. */
  private readonly stats: number;
  private readonly gathered: number;
  private readonly hist: number;
  private readonly copied: number;
  private readonly rows: number;
  private readonly channels: number;

  /** Builds from the bins in `place` (an engine's memory), or from a copy of `data.bins` in its own; keeps no reference to `data.bins`. */
  constructor(data: BinnedColumns, place: KernelBins = kernelBins(data)) {
    const { rows, cols, channels: C } = data;
    [this.rows, this.channels] = [rows, C];
    this.kernels = place.kernels;
    this.bins = place.bins;
    this.stats = this.kernels.alloc(rows * C * 4, "the tree's statistics");
    this.gathered = this.kernels.alloc(rows * C * 8, "a node's statistics");
    this.hist = this.kernels.alloc((cols + 3) * HIST_BINS * C * 8, "a histogram");
    this.copied = this.kernels.alloc(rows * 4, "a node's rows");
  }

  setTree(stats: Float32Array): void {
    this.kernels.f32(this.stats, stats.length).set(stats);
  }

  build(jobs: readonly BuildJob[]): void {
    for (const { order, start, end, features, hist } of jobs) this.buildOne(order, start, end, features, hist);
  }

  private buildOne(order: Int32Array, start: number, end: number, features: Int32Array, hist: Float64Array): void {
    const { kernels, rows, channels: C } = this, { run } = kernels;
    const m = end - start;
    let idx = order.byteOffset + start * 4;
    if (order.buffer !== run.memory.buffer) {
      kernels.i32(this.copied, m).set(order.subarray(start, end));
      idx = this.copied;
    }
    run.gather(idx, m, this.stats, C, this.gathered);
    const n = features.length, size = n * HIST_BINS * C, out = kernels.f64(this.hist, size).fill(0);
    // Past the last feature: its column again, summed into a spare slot that nobody reads.
    const column = (j: number) => this.bins + features[Math.min(j, n - 1)] * rows;
    const slot = (j: number) => this.hist + j * HIST_BINS * C * 8;
    if (C === 2) {
      // The gradient-boosting case, where fitting spends its time: four features per pass share the row and statistics loads.
      for (let j = 0; j < n; j += 4) {
        run.hist2x4(idx, m, this.gathered, column(j), column(j + 1), column(j + 2), column(j + 3), slot(j), slot(j + 1), slot(j + 2), slot(j + 3));
      }
    } else {
      for (let j = 0; j < n; j++) run.hist(idx, m, this.gathered, C, column(j), slot(j));
    }
    hist.set(out);
  }

  dispose(): void {}
}
