/**
 * A column-oriented Parquet writer over hyparquet-writer with a fixed, small set
 * of types chosen so pandas, pyarrow, DuckDB and hyparquet read them as intended.
 *
 * Type mapping:
 * - `timestamp_ms`: INT64, TIMESTAMP(MILLIS, isAdjustedToUTC=true) plus the legacy
 *   TIMESTAMP_MILLIS converted type. Values are epoch milliseconds (number or bigint).
 * - `string`: BYTE_ARRAY, STRING (UTF8). Dictionary-encoded when it pays.
 * - `float32` / `float64`: FLOAT / DOUBLE.
 * - `int8`: INT32 with converted type INT_8 (no logical type, see below); pyarrow and DuckDB read int8.
 * - `int32`: plain INT32.
 *
 * Nulls: a column is REQUIRED unless `nullable: true`. In a nullable column,
 * `null` and `undefined` entries are written as nulls, and for float columns NaN
 * is also written as null, so "unknown" reads back the same in every tool. In a
 * required float column NaN is kept as NaN; in a required column of any other
 * type a null entry is a TypeError.
 *
 * Compression is snappy (built into hyparquet-writer), 65,536 rows per row group.
 *
 * @module
 */
import { parquetWriteBuffer } from "hyparquet-writer/src/write.js";
import type { ColumnSource } from "hyparquet-writer";
import type { DecodedArray, KeyValue, SchemaElement } from "hyparquet";

/** The column types {@linkcode writeParquet} understands. */
export type WriteColumnType = "timestamp_ms" | "string" | "float32" | "float64" | "int8" | "int32";

/** Every {@linkcode WriteColumnType}, for validation and listing. */
export const WRITE_COLUMN_TYPES: readonly WriteColumnType[] = [
  "timestamp_ms",
  "string",
  "float32",
  "float64",
  "int8",
  "int32",
];

/** One column to write: its name, type and values (see the module doc for nulls). */
export interface WriteColumn {
  name: string;
  type: WriteColumnType;
  /** Numbers (or bigint epoch millis for timestamps), strings for `string`; `null` only when nullable. */
  data: ArrayLike<number | bigint | string | null | undefined>;
  /** Allow nulls (and write NaN in float columns as null). Default false. */
  nullable?: boolean;
}

/** Options for {@linkcode writeParquet}. */
export interface WriteParquetOptions {
  /** Rows per row group; default 65,536. */
  rowGroupSize?: number;
  /** Extra key/value pairs stored in the file footer. */
  metadata?: Record<string, string>;
}

/** Default rows per row group: big enough to amortise page overhead, small enough to stream. */
export const DEFAULT_ROW_GROUP_SIZE = 65536;

/**
 * Writes columns to an in-memory Parquet file.
 *
 * @example
 * ```ts
 * const bytes = writeParquet([
 *   { name: "datetime", type: "timestamp_ms", data: [Date.UTC(2024, 0, 1)] },
 *   { name: "symbol", type: "string", data: ["SYM00"] },
 *   { name: "label_h5", type: "int8", data: [null], nullable: true },
 * ]);
 * ```
 *
 * @throws {TypeError} On an unknown type, a value that does not fit its column's
 *   type, or a null in a column that is not nullable.
 * @throws {RangeError} When columns differ in length, a name repeats, or there are no columns.
 */
export function writeParquet(columns: readonly WriteColumn[], options: WriteParquetOptions = {}): Uint8Array {
  if (columns.length === 0) throw new RangeError("Cannot write a Parquet file with no columns");
  const rowGroupSize = options.rowGroupSize ?? DEFAULT_ROW_GROUP_SIZE;
  if (!Number.isInteger(rowGroupSize) || rowGroupSize < 1) {
    throw new RangeError(`Cannot use row group size ${rowGroupSize}: expected a positive integer`);
  }
  const rows = columns[0].data.length;
  const seen = new Set<string>();
  for (const column of columns) {
    if (seen.has(column.name)) throw new RangeError(`Column "${column.name}" appears twice`);
    seen.add(column.name);
    if (!WRITE_COLUMN_TYPES.includes(column.type)) {
      throw new TypeError(
        `Column "${column.name}" has unknown type "${String(column.type)}"; expected one of ${WRITE_COLUMN_TYPES.join(", ")}`,
      );
    }
    if (column.data.length !== rows) {
      throw new RangeError(
        `Column "${column.name}" has ${column.data.length} rows but "${columns[0].name}" has ${rows}; all columns must have the same length`,
      );
    }
  }

  const schema: SchemaElement[] = [{ name: "root", num_children: columns.length }];
  const columnData: ColumnSource[] = [];
  for (const column of columns) {
    schema.push(schemaElement(column));
    columnData.push({ name: column.name, data: physicalValues(column) });
  }
  const kvMetadata: KeyValue[] | undefined = options.metadata ? Object.entries(options.metadata).map(([key, value]) => ({ key, value })) : undefined;
  const buffer = parquetWriteBuffer({
    columnData,
    schema,
    codec: "SNAPPY",
    rowGroupSize,
    kvMetadata,
    createdBy: "model-factory",
  });
  return new Uint8Array(buffer);
}

function schemaElement(column: WriteColumn): SchemaElement {
  const name = column.name;
  const repetition_type = column.nullable ? "OPTIONAL" : "REQUIRED";
  switch (column.type) {
    case "timestamp_ms":
      return {
        name,
        repetition_type,
        type: "INT64",
        converted_type: "TIMESTAMP_MILLIS",
        logical_type: { type: "TIMESTAMP", isAdjustedToUTC: true, unit: "MILLIS" },
      };
    case "string":
      return { name, repetition_type, type: "BYTE_ARRAY", converted_type: "UTF8", logical_type: { type: "STRING" } };
    case "float32":
      return { name, repetition_type, type: "FLOAT" };
    case "float64":
      return { name, repetition_type, type: "DOUBLE" };
    case "int8":
      return {
        name,
        repetition_type,
        type: "INT32",
        // Converted type only: hyparquet-writer 0.17 encodes the INTEGER logical type in a way DuckDB 1.5
        // rejects ("TProtocolException: Invalid data"); INT_8 alone reads as int8 in pyarrow and DuckDB.
        converted_type: "INT_8",
      };
    case "int32":
      return { name, repetition_type, type: "INT32" };
    default:
      return column.type satisfies never;
  }
}

/** Validates a column's values and returns them in the form hyparquet-writer encodes. */
function physicalValues(column: WriteColumn): DecodedArray {
  const { name, type, data } = column;
  const nullable = column.nullable === true;
  const rows = data.length;
  const fail = (row: number, expected: string): never => {
    const value = data[row];
    const shown = typeof value === "string" ? `"${value}"` : String(value);
    throw new TypeError(`Column "${name}" row ${row} is ${shown}; expected ${expected}`);
  };

  if (type === "float32" || type === "float64") {
    const isTyped = type === "float32" ? data instanceof Float32Array : data instanceof Float64Array;
    let nulls = false;
    for (let i = 0; i < rows; i++) {
      const v = data[i];
      if (typeof v === "number") {
        if (v !== v && nullable) nulls = true;
      } else if (v === null || v === undefined) {
        if (!nullable) fail(i, `a number (the column is not nullable)`);
        nulls = true;
      } else {
        fail(i, "a number");
      }
    }
    if (!nulls) {
      if (isTyped) return data as Float32Array | Float64Array;
      const out = type === "float32" ? new Float32Array(rows) : new Float64Array(rows);
      for (let i = 0; i < rows; i++) out[i] = data[i] as number;
      return out;
    }
    const out: (number | null)[] = new Array(rows);
    for (let i = 0; i < rows; i++) {
      const v = data[i] as number | null | undefined;
      out[i] = v === null || v === undefined || v !== v ? null : type === "float32" ? Math.fround(v) : v;
    }
    return out;
  }

  if (type === "int8" || type === "int32") {
    const [min, max] = type === "int8" ? [-128, 127] : [-2147483648, 2147483647];
    let nulls = false;
    for (let i = 0; i < rows; i++) {
      const v = data[i];
      if (v === null || v === undefined) {
        if (!nullable) fail(i, `an integer (the column is not nullable)`);
        nulls = true;
      } else if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
        fail(i, `an integer in [${min}, ${max}]`);
      }
    }
    if (nulls) return Array.from(data, (v) => (v === undefined ? null : v)) as (number | null)[];
    if (data instanceof Int32Array) return data;
    return Int32Array.from(data as ArrayLike<number>);
  }

  if (type === "timestamp_ms") {
    const out: (bigint | null)[] = new Array(rows);
    for (let i = 0; i < rows; i++) {
      const v = data[i];
      if (v === null || v === undefined) {
        if (!nullable) fail(i, "epoch milliseconds (the column is not nullable)");
        out[i] = null;
      } else if (typeof v === "bigint") {
        out[i] = v;
      } else if (typeof v === "number" && Number.isSafeInteger(v)) {
        out[i] = BigInt(v);
      } else {
        fail(i, "integer epoch milliseconds (number or bigint)");
      }
    }
    return out;
  }

  // string
  const out: (string | null)[] = new Array(rows);
  for (let i = 0; i < rows; i++) {
    const v = data[i];
    if (typeof v === "string") {
      out[i] = v;
    } else if (v === null || v === undefined) {
      if (!nullable) fail(i, "a string (the column is not nullable)");
      out[i] = null;
    } else {
      fail(i, "a string");
    }
  }
  return out;
}
