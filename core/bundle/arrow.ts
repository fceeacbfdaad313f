import { DataType, Table, tableFromIPC, tableToIPC, type TypeMap, type Vector } from "apache-arrow";
import { DataError } from "../errors.ts";

/** The column kinds the bundle's tables use, as a reader checks them. */
export type ColumnKind = "string" | "binary" | "float" | "int" | "bool" | "timestamp";

const IS: Record<ColumnKind, (type: DataType) => boolean> = {
  // a run or split column is dictionary-encoded when written; a plain string column reads the same
  string: (t) =>
    DataType.isUtf8(t) || DataType.isLargeUtf8(t) || (DataType.isDictionary(t) && (DataType.isUtf8(t.dictionary) || DataType.isLargeUtf8(t.dictionary))),
  binary: (t) => DataType.isBinary(t) || DataType.isLargeBinary(t),
  float: (t) => DataType.isFloat(t),
  int: (t) => DataType.isInt(t),
  bool: (t) => DataType.isBool(t),
  timestamp: (t) => DataType.isTimestamp(t),
};

/** Columns as one Arrow IPC file (the random-access format, with its footer). */
export function arrowFile(columns: Record<string, Vector>): Uint8Array {
  return tableToIPC(new Table(columns), "file");
}

/** Reads a section as an Arrow table; bytes that are not Arrow IPC are a DataError naming the section. */
export function readArrow(bytes: Uint8Array, where: string): Table {
  try {
    return tableFromIPC(bytes);
  } catch (error) {
    throw new DataError(`${where} is not an Arrow IPC table: ${(error as Error).message}`);
  }
}

/** A table's column `name`, checked to be of `kind`; a missing or mistyped column is a DataError saying which. */
export function column<T extends TypeMap[string] = DataType>(table: Table, name: string, kind: ColumnKind, where: string): Vector<T> {
  const vector = table.getChild(name);
  if (!vector) throw new DataError(`${where} has no column "${name}"; columns: ${table.schema.fields.map((f) => f.name).join(", ") || "(none)"}`);
  if (!IS[kind](vector.type)) throw new DataError(`${where}: column "${name}" is ${vector.type}, expected ${kind}`);
  return vector as unknown as Vector<T>;
}

/** Whether a column is of `kind` (for the optional, open-ended columns of a table). */
export function isKind(vector: Vector, kind: ColumnKind): boolean {
  return IS[kind](vector.type);
}

/** The strings of a string column, row by row; a dictionary column is decoded once per chunk, not per row. */
export function strings(vector: Vector, where: string): string[] {
  const out: string[] = new Array(vector.length);
  let row = 0;
  for (const chunk of vector.data) {
    if (chunk.dictionary) {
      const words = chunk.dictionary.toArray() as string[];
      // values are already sliced to the chunk; offset only applies to the validity bitmap
      const codes = chunk.values as ArrayLike<number>;
      for (let i = 0; i < chunk.length; i++, row++) {
        if (!chunk.getValid(i)) throw new DataError(`${where}: row ${row} is null`);
        out[row] = words[Number(codes[i])];
      }
    } else {
      for (let i = 0; i < chunk.length; i++, row++) {
        const value = vector.get(row) as string | null;
        if (value === null) throw new DataError(`${where}: row ${row} is null`);
        out[row] = value;
      }
    }
  }
  return out;
}

/** Row numbers grouped by the value of a string column (a run id), each group in table order. */
export function groupRows(values: readonly string[]): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  values.forEach((value, row) => {
    const rows = groups.get(value);
    if (rows) rows.push(row);
    else groups.set(value, [row]);
  });
  return groups;
}

/** A numeric column's value at `row`, or null; 64-bit integers and timestamps come back as numbers. */
export function numberAt(vector: Vector, row: number): number | null {
  const value = vector.get(row) as number | bigint | null;
  return value === null ? null : Number(value);
}
