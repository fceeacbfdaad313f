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
