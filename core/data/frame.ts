import { DataError } from "../errors.ts";

/** Marks a row whose label is null: the row is history, never a sample. */
export const NO_LABEL = -128;

/**
 * One split in memory: rows sorted by symbol then time, features as one dense row-major Float32
 * matrix (rows x features), the selected horizon's label and forward return per row.
 */
export interface Frame {
  /** The file it came from, for messages. */
  readonly source: string;
  readonly rows: number;
  readonly featureNames: readonly string[];
  /** rows x featureNames.length, row-major. */
  readonly features: Float32Array;
  /** Bar time in ms since the epoch. */
  readonly time: Float64Array;
  /** Distinct symbols, sorted. */
  readonly symbols: readonly string[];
  /** Index into `symbols` per row; rows of one symbol are contiguous and time-ordered. */
  readonly symbol: Int32Array;
  /** -1/0/1 per row, NO_LABEL where null; absent when the file has no label column (prediction input). */
  readonly label?: Int8Array;
  /** Forward log return per row, NaN where null; absent when the file has none. */
  readonly fwdReturn?: Float32Array;
  /** The label column read, e.g. `label_h5`. */
  readonly labelColumn?: string;
  /** Every label column read (the selected one included), so one read serves every horizon; see {@linkcode selectLabel}. */
  readonly labels?: Readonly<Record<string, Int8Array>>;
  /** Every forward-return column read, by name. */
  readonly fwdReturns?: Readonly<Record<string, Float32Array>>;
}

/**
 * The same frame with another of its label columns selected (and that horizon's forward return, when read):
 * a new object sharing every array, so the frame it came from is untouched.
 */
export function selectLabel(frame: Frame, labelColumn: string, fwdReturnColumn?: string): Frame {
  const label = frame.labels?.[labelColumn];
  if (!label) {
    throw new RangeError(`${frame.source}: label column "${labelColumn}" was not read; read: ${Object.keys(frame.labels ?? {}).join(", ") || "none"}`);
  }
  const fwdReturn = fwdReturnColumn ? frame.fwdReturns?.[fwdReturnColumn] : undefined;
  return { ...frame, label, fwdReturn, labelColumn };
}

/** [start, end) row ranges of each symbol's contiguous block, in `frame.symbols` order. */
export function symbolRanges(frame: Pick<Frame, "rows" | "symbol" | "symbols">): Int32Array {
  const ranges = new Int32Array(frame.symbols.length * 2);
  ranges.fill(-1);
  for (let row = 0; row < frame.rows; row++) {
    const s = frame.symbol[row];
    if (ranges[2 * s] < 0) ranges[2 * s] = row;
    ranges[2 * s + 1] = row + 1;
  }
  for (let s = 0; s < frame.symbols.length; s++) if (ranges[2 * s] < 0) ranges[2 * s] = ranges[2 * s + 1] = 0;
  return ranges;
}

/**
 * A frame of the given rows (ascending positions of `frame`), named `source`; symbols without a
 * row are left out, so every symbol of the result has rows.
 */
export function frameRows(frame: Frame, rows: ArrayLike<number>, source = frame.source): Frame {
  const F = frame.featureNames.length;
  const n = rows.length;
  const used = new Int32Array(frame.symbols.length).fill(-1);
  for (let k = 0; k < n; k++) used[frame.symbol[rows[k]]] = 0;
  const symbols: string[] = [];
  for (let s = 0; s < used.length; s++) if (used[s] === 0) used[s] = symbols.push(frame.symbols[s]) - 1;
  const features = new Float32Array(n * F);
  const time = new Float64Array(n), symbol = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const r = rows[k];
    features.set(frame.features.subarray(r * F, (r + 1) * F), k * F);
    time[k] = frame.time[r];
    symbol[k] = used[frame.symbol[r]];
  }
  const pick = <A extends Int8Array | Float32Array>(a: A): A => {
    const out = new (a.constructor as new (n: number) => A)(n);
    for (let k = 0; k < n; k++) out[k] = a[rows[k]];
    return out;
  };
  const labels = frame.labels && Object.fromEntries(Object.entries(frame.labels).map(([c, a]) => [c, pick(a)]));
  const fwdReturns = frame.fwdReturns && Object.fromEntries(Object.entries(frame.fwdReturns).map(([c, a]) => [c, pick(a)]));
  const label = frame.label && (labels && frame.labelColumn && labels[frame.labelColumn] || pick(frame.label));
  const fwdReturn = frame.fwdReturn &&
    (fwdReturns && Object.values(frame.fwdReturns!).includes(frame.fwdReturn)
      ? fwdReturns[Object.entries(frame.fwdReturns!).find(([, a]) => a === frame.fwdReturn)![0]]
      : pick(frame.fwdReturn));
  return { ...frame, source, rows: n, features, time, symbols, symbol, label, fwdReturn, labels, fwdReturns };
}

/**
 * One frame of several that hold the same features and later rows of the same series (train then val files):
 * each symbol's rows of the first frame, then of the next, kept symbol by symbol. A symbol whose rows go back in
 * time from one frame to the next is a DataError naming both frames. Label columns kept are those all frames hold.
 */
export function concatFrames(frames: readonly Frame[], source: string): Frame {
  const symbols = [...new Set(frames.flatMap((f) => f.symbols))].sort();
  const F = frames[0].featureNames.length;
  const ranges = frames.map(symbolRanges);
  const rows = frames.reduce((n, f) => n + f.rows, 0);
  const order: [number, number][] = []; // (frame, row) in the new order
  const symbol = new Int32Array(rows);
  symbols.forEach((name, s) => {
    let last = -Infinity, lastFrame = -1;
    frames.forEach((f, k) => {
      const local = f.symbols.indexOf(name);
      if (local < 0) return;
      const [start, end] = [ranges[k][2 * local], ranges[k][2 * local + 1]];
      if (end > start && f.time[start] <= last) {
        throw new DataError(
          `${name}: rows of ${f.source} start at or before the last row of ${frames[lastFrame].source}; the files must follow each other in time`,
          {
            file: f.source,
          },
        );
      }
      for (let r = start; r < end; r++) symbol[order.push([k, r]) - 1] = s;
      if (end > start) [last, lastFrame] = [f.time[end - 1], k];
    });
  });
  const features = new Float32Array(rows * F), time = new Float64Array(rows);
  order.forEach(([k, r], i) => {
    features.set(frames[k].features.subarray(r * F, (r + 1) * F), i * F);
    time[i] = frames[k].time[r];
  });
  const gather = <A extends Int8Array | Float32Array>(arrays: A[]): A => {
    const out = new (arrays[0].constructor as new (n: number) => A)(rows);
    order.forEach(([k, r], i) => (out[i] = arrays[k][r]));
    return out;
  };
  const common = (pick: (f: Frame) => Readonly<Record<string, Int8Array | Float32Array>> | undefined) => {
    const names = Object.keys(pick(frames[0]) ?? {}).filter((c) => frames.every((f) => pick(f)?.[c]));
    return Object.fromEntries(names.map((c) => [c, gather(frames.map((f) => pick(f)![c]))]));
  };
  const labels = common((f) => f.labels) as Record<string, Int8Array>;
  const fwdReturns = common((f) => f.fwdReturns) as Record<string, Float32Array>;
  const labelColumn = frames[0].labelColumn;
  const label = frames.every((f) => f.label) ? (labelColumn && labels[labelColumn]) || gather(frames.map((f) => f.label!)) : undefined;
  const fwdReturn = frames.every((f) => f.fwdReturn) ? gather(frames.map((f) => f.fwdReturn!)) : undefined;
  return { source, rows, featureNames: frames[0].featureNames, features, time, symbols, symbol, label, fwdReturn, labelColumn, labels, fwdReturns };
}
