import { type Frame, NO_LABEL, symbolRanges } from "./frame.ts";

/** Options for building a window index over a frame. */
export interface WindowOptions {
  /** Window length L: a sample at row i sees its symbol's rows (i-L, i]. */
  seqLen: number;
  /** Only rows with a label are samples (training, evaluation); false for prediction input. */
  requireLabel: boolean;
  /** Drop samples labelled 0. */
  excludeNeutrals?: boolean;
}

/**
 * The samples of one split, without copying windows: the frame plus the end row of every sample.
 * A window is its symbol's rows (end-L, end], time-ordered, including the end row; it never crosses
 * a symbol and never holds a row after the end. Rows with a null label are not samples but still
 * serve as history. Batches are gathered on demand.
 */
export class Windows {
  /** Symbols with fewer rows than the window, which gave no sample. */
  readonly skippedSymbols: readonly string[];
  /** End row of each sample, ascending. */
  readonly ends: Int32Array;

  /** `ends`: the sample end rows when they are already known (a subsample of another index over the same frame). */
  constructor(readonly frame: Frame, readonly options: WindowOptions, known?: Int32Array) {
    const { seqLen, requireLabel, excludeNeutrals = false } = options;
    if (known) {
      this.ends = known;
      this.skippedSymbols = [];
      return;
    }
    if (!Number.isInteger(seqLen) || seqLen < 1) throw new RangeError(`Window length must be a positive integer, got ${seqLen}`);
    if (requireLabel && !frame.label) throw new RangeError(`${frame.source} has no label column, but samples need labels`);
    const ranges = symbolRanges(frame);
    const ends = new Int32Array(frame.rows);
    const skipped: string[] = [];
    let n = 0;
    for (let s = 0; s < frame.symbols.length; s++) {
      const start = ranges[2 * s], end = ranges[2 * s + 1];
      if (end - start < seqLen) {
        skipped.push(frame.symbols[s]);
        continue;
      }
      for (let row = start + seqLen - 1; row < end; row++) {
        const label = frame.label?.[row];
        if (requireLabel && label === NO_LABEL) continue;
        if (excludeNeutrals && label === 0) continue;
        ends[n++] = row;
      }
    }
    this.ends = ends.slice(0, n);
    this.skippedSymbols = skipped;
  }

  /**
   * Every `stride`-th sample of each symbol, then at most `cap` samples in all, evenly spaced within each symbol
   * (each symbol keeps its share); the newest sample of a symbol is always kept. The same index when nothing is dropped.
   */
  subsample(stride: number, cap = Infinity): Windows {
    if (stride <= 1 && this.size <= cap) return this;
    const { symbol } = this.frame;
    const kept: number[] = [];
    for (let k = this.size - 1; k >= 0;) {
      const s = symbol[this.ends[k]];
      let start = k;
      while (start > 0 && symbol[this.ends[start - 1]] === s) start--;
      for (let j = k; j >= start; j -= stride) kept.push(this.ends[j]);
      k = start - 1;
    }
    kept.reverse();
    let ends = Int32Array.from(kept);
    if (ends.length > cap) {
      const step = ends.length / cap;
      ends = Int32Array.from({ length: cap }, (_, i) => ends[Math.min(ends.length - 1, Math.floor(ends.length - 1 - (cap - 1 - i) * step))]);
    }
    return new Windows(this.frame, this.options, ends);
  }

  /** Number of samples. */
  get size(): number {
    return this.ends.length;
  }

  /** Window length L. */
  get seqLen(): number {
    return this.options.seqLen;
  }

  /** Features per row. */
  get nFeatures(): number {
    return this.frame.featureNames.length;
  }

  /** Class index per sample: 0 short (-1), 1 neutral (0), 2 long (1). */
  classes(): Int8Array {
    const label = this.frame.label;
    if (!label) throw new RangeError(`${this.frame.source} has no labels`);
    const out = new Int8Array(this.size);
    for (let k = 0; k < out.length; k++) out[k] = label[this.ends[k]] + 1;
    return out;
  }

  /** Frame rows of the given samples' windows, (b x L), oldest first within each window. */
  rowIndices(samples: ArrayLike<number>, out = new Int32Array(samples.length * this.seqLen)): Int32Array {
    const L = this.seqLen;
    for (let b = 0; b < samples.length; b++) {
      const first = this.ends[samples[b]] - L + 1;
      for (let t = 0; t < L; t++) out[b * L + t] = first + t;
    }
    return out;
  }

  /** Copies the given samples' windows into a (b x L x F) row-major array. */
  gather(samples: ArrayLike<number>, out?: Float32Array): Float32Array {
    const L = this.seqLen, F = this.nFeatures;
    const dst = out ?? new Float32Array(samples.length * L * F);
    for (let b = 0; b < samples.length; b++) {
      const first = this.ends[samples[b]] - L + 1;
      dst.set(this.frame.features.subarray(first * F, (first + L) * F), b * L * F);
    }
    return dst;
  }
}
