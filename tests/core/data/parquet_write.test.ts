import { parquetMetadata, parquetReadObjects, type SchemaElement } from "hyparquet";
import { describe, expect, it } from "vitest";
import { DEFAULT_ROW_GROUP_SIZE, type WriteColumn, writeParquet } from "../../../core/data/parquet_write.ts";

function arrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

function readRows(bytes: Uint8Array): Promise<Record<string, unknown>[]> {
  return parquetReadObjects({ file: arrayBuffer(bytes) });
}

function schemaOf(bytes: Uint8Array, name: string): SchemaElement {
  const element = parquetMetadata(arrayBuffer(bytes)).schema.find((e) => e.name === name);
  if (!element) throw new Error(`no column ${name}`);
  return element;
}

const T0 = Date.UTC(2024, 0, 1);
const MIN5 = 5 * 60 * 1000;

const everyType: WriteColumn[] = [
  { name: "datetime", type: "timestamp_ms", data: [T0, T0 + MIN5, T0 + 2 * MIN5, T0 + 3 * MIN5] },
  { name: "symbol", type: "string", data: ["SYM00", "SYM00", "ÅBC-é", ""] },
  { name: "f32", type: "float32", data: Float32Array.of(0.1, -2.5, 1e30, Number.NaN) },
  { name: "f64", type: "float64", data: Float64Array.of(0.1, -2.5, 1e300, 5e-324) },
  { name: "label", type: "int8", data: [-1, 0, 1, null], nullable: true },
  { name: "count", type: "int32", data: Int32Array.of(-2147483648, 0, 7, 2147483647) },
  { name: "fwd", type: "float32", data: Float32Array.of(0.01, Number.NaN, -0.02, Number.NaN), nullable: true },
  { name: "when", type: "timestamp_ms", data: [null, 0n, BigInt(T0), undefined], nullable: true },
  { name: "note", type: "string", data: [null, "a", null, "b"], nullable: true },
  { name: "x64", type: "float64", data: [1.5, null, Number.NaN, 2], nullable: true },
  { name: "n32", type: "int32", data: [null, 1, 2, 3], nullable: true },
];

describe("writeParquet", () => {
  it("round-trips every type through hyparquet's reader, nulls included", async () => {
    const rows = await readRows(writeParquet(everyType));
    expect(rows).toHaveLength(4);
    expect(rows.map((r) => (r.datetime as Date).getTime())).toEqual([T0, T0 + MIN5, T0 + 2 * MIN5, T0 + 3 * MIN5]);
    expect(rows.map((r) => r.symbol)).toEqual(["SYM00", "SYM00", "ÅBC-é", ""]);
    expect(rows.map((r) => r.f32)).toEqual([Math.fround(0.1), -2.5, Math.fround(1e30), Number.NaN]);
    expect(rows.map((r) => r.f64)).toEqual([0.1, -2.5, 1e300, 5e-324]);
    expect(rows.map((r) => r.label)).toEqual([-1, 0, 1, null]);
    expect(rows.map((r) => r.count)).toEqual([-2147483648, 0, 7, 2147483647]);
    expect(rows.map((r) => r.fwd)).toEqual([Math.fround(0.01), null, Math.fround(-0.02), null]);
    expect(rows.map((r) => (r.when === null ? null : (r.when as Date).getTime()))).toEqual([null, 0, T0, null]);
    expect(rows.map((r) => r.note)).toEqual([null, "a", null, "b"]);
    expect(rows.map((r) => r.x64)).toEqual([1.5, null, null, 2]);
    expect(rows.map((r) => r.n32)).toEqual([null, 1, 2, 3]);
  });

  it("marks timestamps as TIMESTAMP(MILLIS, UTC) on INT64 so other tools read a timestamp", () => {
    const element = schemaOf(writeParquet(everyType), "datetime");
    expect(element.type).toBe("INT64");
    expect(element.logical_type).toEqual({ type: "TIMESTAMP", isAdjustedToUTC: true, unit: "MILLIS" });
    expect(element.converted_type).toBe("TIMESTAMP_MILLIS");
    expect(element.repetition_type).toBe("REQUIRED");
  });

  it("maps the other types to the Parquet types the module documents", () => {
    const bytes = writeParquet(everyType);
    expect(schemaOf(bytes, "symbol")).toMatchObject({ type: "BYTE_ARRAY", converted_type: "UTF8", logical_type: { type: "STRING" } });
    expect(schemaOf(bytes, "f32")).toMatchObject({ type: "FLOAT", repetition_type: "REQUIRED" });
    expect(schemaOf(bytes, "f64")).toMatchObject({ type: "DOUBLE" });
    expect(schemaOf(bytes, "label")).toMatchObject({ type: "INT32", converted_type: "INT_8", repetition_type: "OPTIONAL" });
    // no INTEGER logical type: hyparquet-writer's encoding of it makes DuckDB reject the whole file
    expect(schemaOf(bytes, "label").logical_type).toBeUndefined();
    expect(schemaOf(bytes, "count")).toMatchObject({ type: "INT32", repetition_type: "REQUIRED" });
    expect(schemaOf(bytes, "fwd").repetition_type).toBe("OPTIONAL");
  });

  it("compresses with snappy and splits rows into row groups of the default size", () => {
    const n = 2 * DEFAULT_ROW_GROUP_SIZE + 10;
    const bytes = writeParquet([{ name: "x", type: "float32", data: new Float32Array(n) }]);
    const metadata = parquetMetadata(arrayBuffer(bytes));
    expect(metadata.row_groups.map((g) => Number(g.num_rows))).toEqual([DEFAULT_ROW_GROUP_SIZE, DEFAULT_ROW_GROUP_SIZE, 10]);
    expect(metadata.row_groups.every((g) => g.columns[0].meta_data?.codec === "SNAPPY")).toBe(true);
    expect(Number(metadata.num_rows)).toBe(n);
  });

  it("keeps values in order across row groups and honours a custom row group size and metadata", async () => {
    const data = Float64Array.from({ length: 25 }, (_, i) => i * 1.5);
    const labels = Array.from({ length: 25 }, (_, i) => (i % 4 === 3 ? null : (i % 3) - 1));
    const bytes = writeParquet(
      [
        { name: "x", type: "float64", data },
        { name: "y", type: "int8", data: labels, nullable: true },
      ],
      { rowGroupSize: 10, metadata: { source: "test" } },
    );
    const metadata = parquetMetadata(arrayBuffer(bytes));
    expect(metadata.row_groups.map((g) => Number(g.num_rows))).toEqual([10, 10, 5]);
    expect(metadata.key_value_metadata).toEqual([{ key: "source", value: "test" }]);
    const rows = await readRows(bytes);
    expect(rows.map((r) => r.x)).toEqual(Array.from(data));
    expect(rows.map((r) => r.y)).toEqual(labels);
  });

  it("writes an empty table", async () => {
    const bytes = writeParquet([{ name: "x", type: "float32", data: new Float32Array(0) }]);
    expect(Number(parquetMetadata(arrayBuffer(bytes)).num_rows)).toBe(0);
    expect(await readRows(bytes)).toEqual([]);
  });

  it("rejects an unknown type with a TypeError naming the column", () => {
    const bad = { name: "price", type: "decimal", data: [1] } as unknown as WriteColumn;
    expect(() => writeParquet([bad])).toThrow(TypeError);
    expect(() => writeParquet([bad])).toThrow(/Column "price" has unknown type "decimal"/);
  });

  it("rejects columns of different lengths, naming both", () => {
    const columns: WriteColumn[] = [
      { name: "a", type: "float32", data: new Float32Array(3) },
      { name: "b", type: "float32", data: new Float32Array(2) },
    ];
    expect(() => writeParquet(columns)).toThrow(RangeError);
    expect(() => writeParquet(columns)).toThrow(/Column "b" has 2 rows but "a" has 3/);
  });

  it("rejects nulls in a column that is not nullable", () => {
    expect(() => writeParquet([{ name: "label_h5", type: "int8", data: [1, null] }])).toThrow(
      /Column "label_h5" row 1 is null; expected an integer \(the column is not nullable\)/,
    );
    expect(() => writeParquet([{ name: "s", type: "string", data: ["a", undefined] }])).toThrow(TypeError);
    expect(() => writeParquet([{ name: "t", type: "timestamp_ms", data: [null] }])).toThrow(TypeError);
  });

  it("rejects values that do not fit the column type", () => {
    expect(() => writeParquet([{ name: "y", type: "int8", data: [128] }])).toThrow(/Column "y" row 0 is 128; expected an integer in \[-128, 127\]/);
    expect(() => writeParquet([{ name: "y", type: "int32", data: [1.5] }])).toThrow(TypeError);
    expect(() => writeParquet([{ name: "s", type: "string", data: [1] }])).toThrow(/expected a string/);
    expect(() => writeParquet([{ name: "f", type: "float64", data: ["1"] }])).toThrow(/Column "f" row 0 is "1"/);
    expect(() => writeParquet([{ name: "t", type: "timestamp_ms", data: [1.5] }])).toThrow(/integer epoch milliseconds/);
  });

  it("rejects no columns, repeated names and a bad row group size", () => {
    expect(() => writeParquet([])).toThrow(RangeError);
    const x: WriteColumn = { name: "x", type: "float32", data: [1] };
    expect(() => writeParquet([x, x])).toThrow(/Column "x" appears twice/);
    expect(() => writeParquet([x], { rowGroupSize: 0 })).toThrow(RangeError);
  });
});
