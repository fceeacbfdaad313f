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

/** True for a column whose values are plain numbers (not timestamps, dates or strings). */
export function isNumeric(element: SchemaElement): boolean {
  const logical = element.logical_type?.type;
  if (logical && logical !== "INTEGER" && logical !== "DECIMAL" && logical !== "FLOAT16") return false;
  if (element.converted_type && !/^(U?INT_\d+|DECIMAL)$/.test(element.converted_type)) return false;
  return ["FLOAT", "DOUBLE", "INT32", "INT64"].includes(element.type ?? "");
}

/**
 * Sorts a file's columns into features, labels and forward returns (DESIGN.md): features are every
 * numeric column that is not metadata, a label or a forward return, unless `featureColumns` names them.
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
    const reserved = new Set([TIME_COLUMN, SYMBOL_COLUMN, ...labels, ...fwdReturns]);
    features = all.filter((c) => !reserved.has(c) && isNumeric(columns.get(c)!));
  }
  if (features.length === 0) throw new DataError(`No numeric feature columns in ${file}; columns: ${preview(all)}`, { file });
  return { all, features, labels, fwdReturns };
}

function preview(names: string[]): string {
  return names.length > 12 ? `${names.slice(0, 12).join(", ")}, ... (${names.length} in all)` : names.join(", ");
}
