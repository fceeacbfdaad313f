import { readMetadata } from "../data/read_frame.ts";
import { orderRows } from "../data/order.ts";
import { schemaColumns } from "../data/columns.ts";
import { parquetRead } from "hyparquet";
import { DataError } from "../errors.ts";
import type { ByteSource } from "../platform.ts";
import type { PrepareConfig } from "./config.ts";

/** Raw OHLCV bars sorted by symbol then time, cut into contiguous segments. */
export interface Bars {
  source: string;
  rows: number;
  symbols: string[];
  symbol: Int32Array;
  time: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
  /** [start, end) pairs: each symbol's rows, also split at gaps when gaps = "cut"; no feature or label spans two. */
  segments: Int32Array;
  /** The data's own bar spacing (median step between consecutive bars of a symbol), in ms. */
  barMs: number;
  /** Steps longer than one bar: how many, and the first one. */
  gaps: { count: number; first?: { symbol: string; after: string; missing_bars: number } };
}

const PRICE = ["open", "high", "low", "close"] as const;

/**
 * Reads raw bars, sorts them per symbol by time, and checks them: duplicate timestamps, non-positive
 * or non-finite prices, high below low and negative volume are errors naming the first offending row.
 */
export async function readBars(source: ByteSource, config: PrepareConfig): Promise<Bars> {
  const file = source.name;
  const names = config.columns;
  const metadata = await readMetadata(source);
  const present = [...schemaColumns(metadata).keys()];
  const wanted = [names.datetime, names.symbol, names.open, names.high, names.low, names.close, names.volume];
  const missing = wanted.filter((c) => !present.includes(c));
  if (missing.length) {
    throw new DataError(
      `${file} lacks bar column(s) ${missing.join(", ")}; columns: ${present.join(", ")} (set "columns" in the prepare config to map names)`,
      { file, column: missing[0] },
    );
  }
  const n = Number(metadata.num_rows);
  const raw = new Map<string, unknown[] | Float64Array>(wanted.map((c) => [c, c === names.symbol ? new Array(n) : new Float64Array(n)]));
  await parquetRead({
    file: source,
    metadata,
    columns: wanted,
    parsers: {
      timestampFromMilliseconds: Number,
      timestampFromMicroseconds: (v: bigint) => Number(v / 1000n),
      timestampFromNanoseconds: (v: bigint) => Number(v / 1_000_000n),
    },
    onChunk: ({ columnName, columnData, rowStart }) => {
      const target = raw.get(columnName)!;
      for (let k = 0; k < columnData.length; k++) {
        const v = columnData[k];
        target[rowStart + k] = (target instanceof Float64Array ? (v === null ? NaN : Number(v)) : v) as never;
      }
    },
  });
  const time = raw.get(names.datetime) as Float64Array;
  const { order, symbols, symbol } = orderRows(file, raw.get(names.symbol)!, time, { column: names.symbol });
  const pick = (c: string) => Float64Array.from(order, (r) => (raw.get(c) as Float64Array)[r]);
  const bars = {
    source: file,
    rows: order.length,
    symbols,
    symbol,
    time: pick(names.datetime),
    open: pick(names.open),
    high: pick(names.high),
    low: pick(names.low),
    close: pick(names.close),
    volume: pick(names.volume),
  };
  for (let i = 0; i < bars.rows; i++) {
    for (const p of PRICE) {
      const v = bars[p][i];
      if (!(v > 0) || !Number.isFinite(v)) throw badRow(bars, order, i, names[p], `${v}; prices must be positive`);
    }
    if (bars.high[i] < bars.low[i]) throw badRow(bars, order, i, names.high, `${bars.high[i]}, below low ${bars.low[i]}`);
    if (!(bars.volume[i] >= 0)) throw badRow(bars, order, i, names.volume, `${bars.volume[i]}; volume must be >= 0`);
  }
  return { ...bars, ...segmentsOf(bars, config.gaps === "cut") };
}

function badRow(
  bars: { source: string; symbols: string[]; symbol: Int32Array; time: Float64Array },
  order: Int32Array,
  i: number,
  column: string,
  what: string,
): DataError {
  const where = `${bars.symbols[bars.symbol[i]]} at ${new Date(bars.time[i]).toISOString()}`;
  return new DataError(`Column "${column}" in ${bars.source} is ${what} (row ${order[i]}, ${where})`, { file: bars.source, column, row: order[i] });
}

function segmentsOf(bars: { rows: number; symbol: Int32Array; time: Float64Array; symbols: string[] }, cut: boolean) {
  const steps: number[] = [];
  for (let i = 1; i < bars.rows; i += Math.max(1, Math.floor(bars.rows / 100_000))) {
    if (bars.symbol[i] === bars.symbol[i - 1]) steps.push(bars.time[i] - bars.time[i - 1]);
  }
  steps.sort((a, b) => a - b);
  const barMs = steps.length ? steps[Math.floor(steps.length / 2)] : 0;
  const bounds = [0];
  let count = 0;
  let first: Bars["gaps"]["first"];
  for (let i = 1; i < bars.rows; i++) {
    if (bars.symbol[i] !== bars.symbol[i - 1]) {
      bounds.push(i);
      continue;
    }
    const step = bars.time[i] - bars.time[i - 1];
    if (barMs > 0 && step > 1.5 * barMs) {
      count++;
      first ??= { symbol: bars.symbols[bars.symbol[i]], after: new Date(bars.time[i - 1]).toISOString(), missing_bars: Math.round(step / barMs) - 1 };
      if (cut) bounds.push(i);
    }
  }
  bounds.push(bars.rows);
  const segments = new Int32Array(2 * (bounds.length - 1));
  for (let s = 0; s + 1 < bounds.length; s++) [segments[2 * s], segments[2 * s + 1]] = [bounds[s], bounds[s + 1]];
  return { segments, barMs, gaps: { count, ...(first ? { first } : {}) } };
}
