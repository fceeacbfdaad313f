import { type FileMetaData, parquetMetadataAsync, parquetRead } from "hyparquet";
import { DataError } from "../errors.ts";
import type { ByteSource } from "../platform.ts";
import { detectColumns, schemaColumns, SYMBOL_COLUMN, TIME_COLUMN } from "./columns.ts";
import { numericChunk } from "./numeric_values.ts";
import { type Frame, frameRows, NO_LABEL } from "./frame.ts";
import { orderRows } from "./order.ts";

/** What to read from a Phase-1 file. */
export interface ReadFrameOptions {
  /** Label column, e.g. `label_h5`. */
  labelColumn: string;
  /** Forward-return column, e.g. `fwd_ret_h5`; read when present in the file. */
  fwdReturnColumn?: string;
  /** A missing label column is an error (training) or allowed (prediction input). */
  requireLabel: boolean;
  /** More horizons to keep (each label required like `labelColumn`), so one read serves them all; see selectLabel in frame.ts. */
  moreLabels?: readonly { label: string; fwdReturn?: string }[];
  featureColumns?: readonly string[];
  includeSymbols?: readonly string[];
  nanPolicy?: "error" | "ffill" | "drop";
  /** Told what the NaN policy did that a person should know (a feature with no finite value filled with 0, a symbol dropped whole). */
  onWarning?: (message: string) => void;
}

// Timestamps as plain ms numbers instead of Date objects: one number per row, no allocation.
const parsers = {
  timestampFromMilliseconds: (v: bigint) => Number(v),
  timestampFromMicroseconds: (v: bigint) => Number(v / 1000n),
  timestampFromNanoseconds: (v: bigint) => Number(v / 1_000_000n),
  dateFromDays: (days: number) => days * 86_400_000,
};

type Column = ArrayLike<unknown>;

/**
 * Reads one Phase-1 Parquet file into a Frame: rows sorted by symbol then time, features as one
 * row-major Float32 matrix, labels checked to be -1/0/1 or null.
 * @example const frame = await readFrame(source, { labelColumn: "label_h5", requireLabel: true });
 */
export async function readFrame(source: ByteSource, options: ReadFrameOptions): Promise<Frame> {
  const file = source.name;
  const metadata = await readMetadata(source);
  const roles = detectColumns(file, metadata, options.featureColumns);
  const hasLabel = roles.all.includes(options.labelColumn);
  const wanted = [{ label: options.labelColumn, fwdReturn: options.fwdReturnColumn }, ...(options.moreLabels ?? [])];
  for (const { label } of wanted) {
    if (roles.all.includes(label) || (!options.requireLabel && label === options.labelColumn)) continue;
    const present = roles.labels.length ? roles.labels.join(", ") : "none";
    throw new DataError(`Column "${label}" not found in ${file}; label columns: ${present}`, { file, column: label });
  }
  const labelColumns = [...new Set(wanted.map((w) => w.label).filter((c) => roles.all.includes(c)))];
  const fwdColumns = [...new Set(wanted.map((w) => w.fwdReturn).filter((c): c is string => c !== undefined && roles.all.includes(c)))];
  const meta = await readColumns(source, metadata, [TIME_COLUMN, SYMBOL_COLUMN, ...labelColumns, ...fwdColumns]);
  const nRows = Number(metadata.num_rows);

  const time = toTime(file, meta.get(TIME_COLUMN)!);
  const { order, symbols, symbol } = orderRows(file, meta.get(SYMBOL_COLUMN)!, time, { include: options.includeSymbols });
  const rows = order.length;
  const sortedTime = new Float64Array(rows);
  for (let r = 0; r < rows; r++) sortedTime[r] = time[order[r]];

  const labels = Object.fromEntries(labelColumns.map((c) => [c, toLabels(file, c, meta.get(c)!, order)]));
  const fwdReturns = Object.fromEntries(fwdColumns.map((c) => [c, toFloat(meta.get(c)!, order)]));
  const label = hasLabel ? labels[options.labelColumn] : undefined;
  const fwdReturn = options.fwdReturnColumn ? fwdReturns[options.fwdReturnColumn] : undefined;

  // destination row of each file row (-1: filtered out), so features are transposed straight into place
  const dest = new Int32Array(nRows).fill(-1);
  for (let r = 0; r < rows; r++) dest[order[r]] = r;
  const F = roles.features.length;
  const features = new Float32Array(rows * F);
  const firstBad = new Int32Array(F).fill(-1);
  const featureIndex = new Map(roles.features.map((name, j) => [name, j]));
  await readChunks(source, metadata, roles.features, (name, data, rowStart) => {
    const j = featureIndex.get(name)!;
    if (ArrayBuffer.isView(data)) {
      for (let k = 0; k < data.length; k++) {
        const r = dest[rowStart + k];
        if (r >= 0) features[r * F + j] = (data as Float32Array)[k];
      }
    } else {
      for (let k = 0; k < data.length; k++) {
        const r = dest[rowStart + k];
        const v = data[k];
        if (r >= 0) features[r * F + j] = v === null || v === undefined ? NaN : Number(v);
      }
    }
  });
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < F; j++) {
      const v = features[r * F + j];
      if (v - v !== 0 && firstBad[j] < 0) firstBad[j] = r;
    }
  }
  const frame: Frame = {
    source: file,
    rows,
    featureNames: roles.features,
    features,
    time: sortedTime,
    symbols,
    symbol,
    label,
    fwdReturn,
    labelColumn: hasLabel ? options.labelColumn : undefined,
    labels,
    fwdReturns,
  };
  return handleNonFinite(frame, firstBad, options.nanPolicy ?? "error", options.onWarning);
}

/** Reads a Parquet footer, with a clear error for a file that is not Parquet, truncated or corrupt. */
export async function readMetadata(source: ByteSource): Promise<FileMetaData> {
  const file = source.name;
  if (source.byteLength < 12) throw new DataError(`${file} is not a Parquet file: only ${source.byteLength} bytes`, { file });
  const head = new Uint8Array(await source.slice(0, 4));
  const tail = new Uint8Array(await source.slice(source.byteLength - 4, source.byteLength));
  const magic = (b: Uint8Array) => String.fromCharCode(...b) === "PAR1";
  if (!magic(head)) throw new DataError(`${file} is not a Parquet file: it does not start with "PAR1"`, { file });
  if (!magic(tail)) throw new DataError(`${file} is truncated or corrupt: it does not end with the Parquet footer "PAR1"`, { file });
  try {
    return await parquetMetadataAsync(source);
  } catch (cause) {
    throw new DataError(`${file}: cannot read the Parquet footer (truncated or corrupt file): ${(cause as Error).message}`, { file });
  }
}

/**
 * Streams the named columns chunk by chunk (timestamps as ms numbers, 64-bit integers and decimals as numbers:
 * see numericChunk); decoding errors become a DataError naming the file.
 */
export async function readChunks(
  source: ByteSource,
  metadata: FileMetaData,
  columns: string[],
  onChunk: (name: string, data: ArrayLike<unknown>, rowStart: number) => void,
): Promise<void> {
  try {
    const elements = schemaColumns(metadata);
    await parquetRead({
      file: source,
      metadata,
      columns,
      parsers,
      onChunk: (c) => onChunk(c.columnName, numericChunk(elements.get(c.columnName), c.columnData as Column), c.rowStart),
    });
  } catch (cause) {
    if (cause instanceof DataError) throw cause;
    throw new DataError(
      `${source.name}: cannot decode columns ${columns.length > 3 ? `${columns.slice(0, 3).join(", ")}, ...` : columns.join(", ")}: ${
        (cause as Error).message
      }`,
      { file: source.name },
    );
  }
}

/** Reads whole columns into arrays indexed by file row. */
export async function readColumns(source: ByteSource, metadata: FileMetaData, columns: string[]): Promise<Map<string, Column>> {
  const nRows = Number(metadata.num_rows);
  const out = new Map<string, unknown[]>(columns.map((c) => [c, new Array(nRows)]));
  await readChunks(source, metadata, columns, (name, data, rowStart) => {
    const target = out.get(name)!;
    for (let k = 0; k < data.length; k++) target[rowStart + k] = data[k];
  });
  return out;
}

/** Bar times in ms from a `datetime` column; a value that is not a timestamp is an error naming its row. */
export function toTime(file: string, values: Column): Float64Array {
  const time = new Float64Array(values.length);
  for (let r = 0; r < values.length; r++) {
    const v = values[r];
    const ms = typeof v === "number" ? v : typeof v === "bigint" ? Number(v) : v instanceof Date ? v.getTime() : NaN;
    if (!Number.isFinite(ms)) {
      throw new DataError(`Column "${TIME_COLUMN}" in ${file} has ${JSON.stringify(String(v))} at row ${r}; expected a timestamp`, {
        file,
        column: TIME_COLUMN,
        row: r,
        value: v,
      });
    }
    time[r] = ms;
  }
  return time;
}

function toLabels(file: string, column: string, values: Column, order: Int32Array): Int8Array {
  const out = new Int8Array(order.length);
  for (let k = 0; k < order.length; k++) {
    const v = values[order[k]];
    if (v === null || v === undefined) {
      out[k] = NO_LABEL;
      continue;
    }
    const n = Number(v);
    if (n !== -1 && n !== 0 && n !== 1) {
      throw new DataError(`Column "${column}" in ${file} has ${String(v)} at row ${order[k]}; labels must be -1, 0, 1 or null`, {
        file,
        column,
        row: order[k],
        value: v,
      });
    }
    out[k] = n;
  }
  return out;
}

function toFloat(values: Column, order: Int32Array): Float32Array {
  const out = new Float32Array(order.length);
  for (let k = 0; k < order.length; k++) {
    const v = values[order[k]];
    out[k] = v === null || v === undefined ? NaN : Number(v);
  }
  return out;
}

/** Applies the NaN policy; `firstBad[j]` is the first row with a non-finite value in feature j, -1 if none. */
function handleNonFinite(frame: Frame, firstBad: Int32Array, policy: "error" | "ffill" | "drop", warn: (message: string) => void = () => {}): Frame {
  const bad = [...firstBad].map((row, j) => ({ row, j })).filter((b) => b.row >= 0);
  if (bad.length === 0) return frame;
  const F = frame.featureNames.length;
  if (policy === "error") {
    const { row, j } = bad.reduce((a, b) => (b.row < a.row ? b : a));
    const column = frame.featureNames[j];
    const value = frame.features[row * F + j];
    const where = `${frame.symbols[frame.symbol[row]]} at ${new Date(frame.time[row]).toISOString()}`;
    throw new DataError(
      `Feature "${column}" in ${frame.source} is ${value} at row ${row} (${where}); ${bad.length} feature column(s) have NaN or infinite values. Set dataset.nan_policy to "ffill" or "drop" to handle them`,
      { file: frame.source, column, row, value },
    );
  }
  const { features, rows } = frame;
  const counts = nonFiniteCounts(frame, bad.map((b) => b.j));
  if (policy === "ffill") {
    for (const { j } of bad) {
      const { total, emptySymbols } = counts.get(j)!;
      const column = frame.featureNames[j];
      // a column (or a symbol's part of it) with no finite value to carry forward becomes all zeros: say so
      if (total === rows) {
        warn(`Feature "${column}" in ${frame.source} has no finite value in any of its ${rows} rows; nan_policy "ffill" fills it with 0 throughout`);
      } else if (emptySymbols.length) {
        warn(`Feature "${column}" in ${frame.source} has no finite value for ${list(emptySymbols)}; nan_policy "ffill" fills it with 0 there`);
      }
    }
    // carry the symbol's last finite value forward; before its first one, use 0 (the standardised mean)
    for (const { j } of bad) {
      let last = 0;
      for (let r = 0; r < rows; r++) {
        if (r > 0 && frame.symbol[r] !== frame.symbol[r - 1]) last = 0;
        const v = features[r * F + j];
        if (v - v === 0) last = v;
        else features[r * F + j] = last;
      }
    }
    return frame;
  }
  const keep: number[] = [];
  for (let r = 0; r < rows; r++) {
    let ok = true;
    for (let j = 0; j < F && ok; j++) ok = features[r * F + j] - features[r * F + j] === 0;
    if (ok) keep.push(r);
  }
  // the columns that removed the most rows are what a person must look at when drop empties a file or a symbol
  const ranked = [...counts].sort((a, b) => b[1].total - a[1].total);
  const worst = ranked.slice(0, 3).map(([j, c]) =>
    `"${frame.featureNames[j]}" (${c.total === rows ? "every row" : `${c.total} row${c.total === 1 ? "" : "s"}`})`
  );
  if (keep.length === 0) {
    throw new DataError(
      `nan_policy "drop" removed every row of ${frame.source} (${rows}): each has a NaN or infinite feature; most in ${
        worst.join(", ")
      }. Fix or leave out those columns (dataset.feature_columns), or use nan_policy "ffill"`,
      { file: frame.source, column: frame.featureNames[ranked[0][0]] },
    );
  }
  const kept = new Set<number>();
  for (const r of keep) kept.add(frame.symbol[r]);
  const lost = frame.symbols.filter((_, s) => !kept.has(s)); // the frame lists only symbols it has rows of
  if (lost.length) warn(`nan_policy "drop" removed every row of ${list(lost)} in ${frame.source}; most NaN or infinite values in ${worst.join(", ")}`);
  return frameRows(frame, keep);
}

/** Per bad feature column: its non-finite rows, and the symbols in which every row is non-finite. */
function nonFiniteCounts(frame: Frame, columns: number[]): Map<number, { total: number; emptySymbols: string[] }> {
  const F = frame.featureNames.length;
  const out = new Map<number, { total: number; emptySymbols: string[] }>();
  for (const j of columns) {
    let total = 0;
    const finiteIn = new Set<number>(), seen = new Set<number>();
    for (let r = 0; r < frame.rows; r++) {
      const v = frame.features[r * F + j];
      seen.add(frame.symbol[r]);
      if (v - v === 0) finiteIn.add(frame.symbol[r]);
      else total++;
    }
    out.set(j, { total, emptySymbols: [...seen].filter((s) => !finiteIn.has(s)).map((s) => frame.symbols[s]) });
  }
  return out;
}

function list(symbols: string[]): string {
  const shown = symbols.length > 5 ? `${symbols.slice(0, 5).join(", ")}, ... (${symbols.length} symbols)` : symbols.join(", ");
  return `symbol${symbols.length > 1 ? "s" : ""} ${shown}`;
}
