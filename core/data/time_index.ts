import type { ByteSource } from "../platform.ts";
import { detectColumns, SYMBOL_COLUMN, TIME_COLUMN } from "./columns.ts";
import { NO_LABEL, symbolRanges } from "./frame.ts";
import { orderRows } from "./order.ts";
import { readChunks, readColumns, readMetadata, toTime } from "./read_frame.ts";

/** A label value that is not -1, 0, 1 or null. */
export const BAD_LABEL = 127;

/**
 * What choosing a time split needs of one file, without its features: every row's time, symbol and
 * labels in (symbol, time) order, and where features are not finite. Small enough to hand from a
 * worker to a page, so the page can recount the splits whenever a boundary moves.
 */
export interface TimeIndex {
  file: string;
  bytes: number;
  rows: number;
  features: string[];
  /** Distinct symbols, sorted. */
  symbols: string[];
  /** Per row (sorted by symbol, then time): index into `symbols`. */
  symbol: Int32Array;
  /** Per row: bar time in ms. */
  time: Float64Array;
  /** [start, end) rows of each symbol. */
  segments: Int32Array;
  /** Per label column (e.g. `label_h5`), per row: -1/0/1, NO_LABEL for null, BAD_LABEL for anything else. */
  labels: Record<string, Int8Array>;
  /** Per feature column with NaN, null or infinite values: the rows holding them, ascending. */
  nonFinite: Record<string, Int32Array>;
}

/**
 * Reads a Phase-1 file's times, symbols and labels (features only to find non-finite values), sorted
 * as training sorts them; duplicate (symbol, time) pairs are an error, as in `readFrame`.
 * @example const index = await readTimeIndex(source); summarizeTimeSplit(index, TimeSplitConfig.parse({}), { horizon: 5 })
 */
export async function readTimeIndex(source: ByteSource): Promise<TimeIndex> {
  const file = source.name;
  const metadata = await readMetadata(source);
  const roles = detectColumns(file, metadata);
  const meta = await readColumns(source, metadata, [TIME_COLUMN, SYMBOL_COLUMN]);
  const fileTime = toTime(file, meta.get(TIME_COLUMN)!);
  const { order, symbols, symbol } = orderRows(file, meta.get(SYMBOL_COLUMN)!, fileTime);
  const rows = order.length;
  const time = new Float64Array(rows);
  const dest = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    time[r] = fileTime[order[r]];
    dest[order[r]] = r;
  }
  const labels: Record<string, Int8Array> = Object.fromEntries(roles.labels.map((c) => [c, new Int8Array(rows)]));
  const bad = new Map<string, number[]>();
  const features = new Set(roles.features);
  await readChunks(source, metadata, [...roles.labels, ...roles.features], (name, data, rowStart) => {
    const target = labels[name];
    if (target) {
      for (let k = 0; k < data.length; k++) {
        const v = data[k];
        const n = Number(v);
        target[dest[rowStart + k]] = v === null || v === undefined ? NO_LABEL : n === -1 || n === 0 || n === 1 ? n : BAD_LABEL;
      }
    } else if (features.has(name)) {
      for (let k = 0; k < data.length; k++) {
        const v = data[k];
        if (v === null || v === undefined || !Number.isFinite(Number(v))) {
          let list = bad.get(name);
          if (!list) bad.set(name, list = []);
          list.push(dest[rowStart + k]);
        }
      }
    }
  });
  const nonFinite = Object.fromEntries([...bad].map(([name, list]) => [name, Int32Array.from(list).sort()]));
  return {
    file,
    bytes: source.byteLength,
    rows,
    features: roles.features,
    symbols,
    symbol,
    time,
    segments: symbolRanges({ rows, symbol, symbols }),
    labels,
    nonFinite,
  };
}
