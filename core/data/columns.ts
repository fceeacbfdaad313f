import type { FileMetaData, SchemaElement } from "hyparquet";
import { DataError } from "../errors.ts";

/** Metadata columns every Phase-1 file has. */
export const TIME_COLUMN = "datetime";
/** The symbol column. */
export const SYMBOL_COLUMN = "symbol";
const LABEL = /^label_h(\d+)$/;
const FWD = /^fwd_ret_h(\d+)$/;

/** The columns of one file, sorted into roles. */
export interface ColumnRoles {
  all: string[];
  features: string[];
  labels: string[];
  fwdReturns: string[];
}

/** Top-level columns of a file with their schema elements. */
export function schemaColumns(metadata: FileMetaData): Map<string, SchemaElement> {
  const columns = new Map<string, SchemaElement>();
  // schema[0] is the root; a nested column would have children, which Phase-1 files never have.
  for (const element of metadata.schema.slice(1)) columns.set(element.name, element);
  return columns;
}

/**
 * True for a column whose values are plain numbers: FLOAT/DOUBLE, INT32/INT64 (signed or unsigned), DECIMAL
 * (on INT32, INT64 or bytes) and FLOAT16; not timestamps, dates, times, strings or booleans.
 */
export function isNumeric(element: SchemaElement): boolean {
  const logical = element.logical_type?.type;
  const type = element.type ?? "";
  if (logical === "DECIMAL" || element.converted_type === "DECIMAL") return ["INT32", "INT64", "FIXED_LEN_BYTE_ARRAY", "BYTE_ARRAY"].includes(type);
  if (logical === "FLOAT16") return type === "FIXED_LEN_BYTE_ARRAY";
  if (logical && logical !== "INTEGER") return false;
  if (element.converted_type && !/^U?INT_\d+$/.test(element.converted_type)) return false;
  return ["FLOAT", "DOUBLE", "INT32", "INT64"].includes(type);
}

/** pandas' name for an unnamed index it writes as a column (`__index_level_0__`, ...). */
const PANDAS_INDEX = /^__index_level_\d+__$/;

/**
 * The columns that hold a pandas DataFrame's index (metadata, never features): those its `pandas` footer entry
 * lists in `index_columns`, and any `__index_level_N__`. A footer entry that does not parse is ignored: it is
 * only a hint, and the columns read the same without it.
 */
export function pandasIndexColumns(metadata: FileMetaData): string[] {
  const names = new Set<string>();
  for (const element of metadata.schema.slice(1)) if (PANDAS_INDEX.test(element.name)) names.add(element.name);
  const entry = metadata.key_value_metadata?.find((kv) => kv.key === "pandas")?.value;
  if (entry) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(entry);
    } catch {
      parsed = undefined; // not pandas' JSON after all: nothing to learn from it
    }
    const index = (parsed as { index_columns?: unknown } | undefined)?.index_columns;
    // a RangeIndex is described as an object and stored as no column; named indexes are column names
    if (Array.isArray(index)) { for (const name of index) if (typeof name === "string") names.add(name); }
  }
  return [...names];
}

/**
 * Sorts a file's columns into features, labels and forward returns (DESIGN.md): features are every
 * numeric column that is not metadata (datetime, symbol, a pandas index), a label or a forward return, unless
 * `featureColumns` names them.
 */
export function detectColumns(file: string, metadata: FileMetaData, featureColumns?: readonly string[]): ColumnRoles {
  const columns = schemaColumns(metadata);
  const all = [...columns.keys()];
  for (const required of [TIME_COLUMN, SYMBOL_COLUMN]) {
    if (!columns.has(required)) {
      throw new DataError(`Column "${required}" not found in ${file}; columns: ${preview(all)}`, { file, column: required });
    }
  }
  const labels = all.filter((c) => LABEL.test(c));
  const fwdReturns = all.filter((c) => FWD.test(c));
  let features: string[];
  if (featureColumns) {
    for (const name of featureColumns) {
      const element = columns.get(name);
      if (!element) throw new DataError(`Feature column "${name}" not found in ${file}; columns: ${preview(all)}`, { file, column: name });
      if (!isNumeric(element)) throw new DataError(`Feature column "${name}" in ${file} is not numeric`, { file, column: name });
    }
    features = [...featureColumns];
  } else {
    const reserved = new Set([TIME_COLUMN, SYMBOL_COLUMN, ...labels, ...fwdReturns, ...pandasIndexColumns(metadata)]);
    features = all.filter((c) => !reserved.has(c) && isNumeric(columns.get(c)!));
  }
  if (features.length === 0) throw new DataError(`No numeric feature columns in ${file}; columns: ${preview(all)}`, { file });
  return { all, features, labels, fwdReturns };
}

function preview(names: string[]): string {
  return names.length > 12 ? `${names.slice(0, 12).join(", ")}, ... (${names.length} in all)` : names.join(", ");
}
