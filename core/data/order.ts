import { DataError } from "../errors.ts";
import { SYMBOL_COLUMN } from "./columns.ts";

/** Rows in (symbol, time) order: file row of each position, the sorted symbol names, and each position's symbol index. */
export interface RowOrder {
  order: Int32Array;
  symbols: string[];
  symbol: Int32Array;
}

/** Sorts rows by (symbol, time), keeping only `include`; duplicate (symbol, time) pairs are an error. */
export function orderRows(
  file: string,
  values: ArrayLike<unknown>,
  time: Float64Array,
  options: { include?: readonly string[]; column?: string } = {},
): RowOrder {
  const { include, column = SYMBOL_COLUMN } = options;
  const keep = include ? new Set(include) : undefined;
  const ids = new Map<string, number>();
  const raw = new Int32Array(values.length);
  for (let r = 0; r < values.length; r++) {
    const name = values[r];
    if (typeof name !== "string" || name === "") {
      throw new DataError(`Column "${column}" in ${file} has ${JSON.stringify(name)} at row ${r}; expected a non-empty string`, { file, column, row: r });
    }
    let id = ids.get(name);
    if (id === undefined) ids.set(name, id = ids.size);
    raw[r] = id;
  }
  if (keep) {
    const missing = [...keep].filter((s) => !ids.has(s));
    if (missing.length) throw new DataError(`Symbols ${missing.join(", ")} not found in ${file}; symbols: ${[...ids.keys()].join(", ")}`, { file, column });
  }
  const symbols = [...ids.keys()].filter((s) => !keep || keep.has(s)).sort();
  const rank = new Int32Array(ids.size).fill(-1);
  symbols.forEach((s, i) => (rank[ids.get(s)!] = i));
  let order = Int32Array.from({ length: values.length }, (_, r) => r).filter((r) => rank[raw[r]] >= 0);
  const before = (a: number, b: number) => rank[raw[a]] - rank[raw[b]] || time[a] - time[b];
  let sorted = true;
  for (let k = 1; k < order.length && sorted; k++) sorted = before(order[k - 1], order[k]) < 0;
  if (!sorted) order = order.sort(before);
  for (let k = 1; k < order.length; k++) {
    if (before(order[k - 1], order[k]) === 0) {
      const r = order[k];
      throw new DataError(`${file} has two rows for symbol ${values[r]} at ${new Date(time[r]).toISOString()} (rows ${order[k - 1]} and ${r})`, {
        file,
        row: r,
      });
    }
  }
  const symbol = new Int32Array(order.length);
  for (let k = 0; k < order.length; k++) symbol[k] = rank[raw[order[k]]];
  return { order, symbols, symbol };
}
