import type { ColumnSource } from "hyparquet-writer";
import { parquetWriteBuffer } from "hyparquet-writer/src/write.js";
import type { KeyValue, SchemaElement } from "hyparquet";
import { describe, expect, it } from "vitest";
import { detectColumns, isNumeric } from "../../../core/data/columns.ts";
import { readFrame, readMetadata } from "../../../core/data/read_frame.ts";
import { summarizeSplit } from "../../../core/data/summary.ts";
import { readTimeIndex } from "../../../core/data/time_index.ts";
import { memorySource } from "../../helpers.ts";

// Every numeric Parquet type a feature may come in (what pandas, pyarrow, Spark and DuckDB write), written with
// hyparquet-writer and an explicit schema, so each column has exactly the physical and logical type named.
const T0 = Date.UTC(2024, 0, 1);
const N = 4;

type Column = { element: SchemaElement; data: ColumnSource["data"] };
const required = "REQUIRED" as const;

/** The columns every file here has: datetime (ms), symbol, a label. */
function base(): Column[] {
  return [
    {
      element: { name: "datetime", repetition_type: required, type: "INT64", converted_type: "TIMESTAMP_MILLIS" },
      data: Array.from({ length: N }, (_, i) => BigInt(T0 + i * 60_000)),
    },
    { element: { name: "symbol", repetition_type: required, type: "BYTE_ARRAY", converted_type: "UTF8" }, data: Array(N).fill("A") },
    { element: { name: "label_h5", repetition_type: "OPTIONAL", type: "INT64" }, data: [1n, 0n, -1n, null] },
  ];
}

function parquet(name: string, columns: Column[], kv?: KeyValue[]) {
  const buffer = parquetWriteBuffer({
    schema: [{ name: "root", num_children: columns.length }, ...columns.map((c) => c.element)],
    columnData: columns.map((c) => ({ name: c.element.name, data: c.data })),
    kvMetadata: kv,
  });
  return memorySource(name, new Uint8Array(buffer));
}

const numeric: Column[] = [
  // pandas int64 and the index pandas writes when it is not a RangeIndex
  { element: { name: "i64", repetition_type: required, type: "INT64" }, data: BigInt64Array.of(-3n, 5n, 9_007_199_254_740_993n, 0n) },
  { element: { name: "i64_nullable", repetition_type: "OPTIONAL", type: "INT64" }, data: [7n, null, -2n, 1n] },
  { element: { name: "u64", repetition_type: required, type: "INT64", converted_type: "UINT_64" }, data: BigUint64Array.of(1n, 2n ** 63n + 2048n, 3n, 4n) },
  {
    element: { name: "u64_logical", repetition_type: required, type: "INT64", logical_type: { type: "INTEGER", bitWidth: 64, isSigned: false } },
    data: BigUint64Array.of(10n, 11n, 12n, 13n),
  },
  { element: { name: "u32", repetition_type: required, type: "INT32", converted_type: "UINT_32" }, data: [4_000_000_000, 1, 2, 3] },
  { element: { name: "u16", repetition_type: required, type: "INT32", converted_type: "UINT_16" }, data: Int32Array.of(65_535, 0, 1, 2) },
  { element: { name: "i8", repetition_type: required, type: "INT32", converted_type: "INT_8" }, data: Int32Array.of(-128, 127, 0, 1) },
  { element: { name: "f32", repetition_type: required, type: "FLOAT" }, data: Float32Array.of(0.5, 1.5, 2.5, 3.5) },
  { element: { name: "f64", repetition_type: required, type: "DOUBLE" }, data: Float64Array.of(-0.25, 0.25, 1e10, 2) },
  {
    element: { name: "dec32", repetition_type: required, type: "INT32", converted_type: "DECIMAL", precision: 9, scale: 2 },
    data: [12.34, -0.05, 0, 99.99],
  },
  {
    element: { name: "dec64", repetition_type: required, type: "INT64", converted_type: "DECIMAL", precision: 18, scale: 4 },
    data: [1.2345, -7, 0.0001, 3],
  },
  {
    element: {
      name: "dec_bytes",
      repetition_type: required,
      type: "FIXED_LEN_BYTE_ARRAY",
      type_length: 16,
      converted_type: "DECIMAL",
      precision: 38,
      scale: 3,
    },
    // bigints are the unscaled values, which the writer stores as 16 big-endian bytes
    data: [1234n, -1n, 0n, 5_000n],
  },
  {
    // a DECIMAL marked only by its logical type: hyparquet leaves it unscaled, the reader scales it
    element: { name: "dec_logical", repetition_type: required, type: "INT64", logical_type: { type: "DECIMAL", precision: 18, scale: 2 } },
    data: BigInt64Array.of(150n, -25n, 0n, 1n),
  },
  { element: { name: "__index_level_0__", repetition_type: required, type: "INT64" }, data: BigInt64Array.of(100n, 101n, 102n, 103n) },
];

const expected: Record<string, number[]> = {
  i64: [-3, 5, 9_007_199_254_740_992, 0],
  i64_nullable: [7, NaN, -2, 1],
  u64: [1, 2 ** 63, 3, 4],
  u64_logical: [10, 11, 12, 13],
  u32: [4_000_000_000, 1, 2, 3],
  u16: [65_535, 0, 1, 2],
  i8: [-128, 127, 0, 1],
  f32: [0.5, 1.5, 2.5, 3.5],
  f64: [-0.25, 0.25, 1e10, 2],
  dec32: [12.34, -0.05, 0, 99.99],
  dec64: [1.2345, -7, 0.0001, 3],
  dec_bytes: [1.234, -0.001, 0, 5],
  dec_logical: [1.5, -0.25, 0, 0.01],
};

describe("readFrame reads every numeric Parquet type as a feature", () => {
  it("reads INT32/INT64 (signed and unsigned), FLOAT/DOUBLE and DECIMAL columns as Float32 features, 64-bit values included", async () => {
    const frame = await readFrame(parquet("types.parquet", [...base(), ...numeric]), { labelColumn: "label_h5", requireLabel: true, nanPolicy: "ffill" });
    expect(frame.featureNames).toEqual(Object.keys(expected));
    const F = frame.featureNames.length;
    frame.featureNames.forEach((name, j) => {
      // ffill carries the last value over the null of i64_nullable
      const want = expected[name].map((v, r) => (Number.isNaN(v) ? expected[name][r - 1] : v));
      const got = Array.from({ length: N }, (_, r) => frame.features[r * F + j]);
      got.forEach((v, r) => expect(v, `${name} row ${r}`).toBeCloseTo(Math.fround(want[r]), 5));
    });
    expect([...frame.label!]).toEqual([1, 0, -1, -128]);
  });

  it("stops at a null in a 64-bit feature under the default nan_policy, naming the column and row", async () => {
    const columns = [...base(), numeric[1]];
    await expect(readFrame(parquet("nulls.parquet", columns), { labelColumn: "label_h5", requireLabel: true })).rejects.toThrow(
      /Feature "i64_nullable" in nulls\.parquet is NaN at row 1\b/,
    );
  });

  it("keeps a pandas index out of the features: __index_level_0__ and the columns the pandas footer lists as index_columns", async () => {
    const barNo: Column = { element: { name: "bar_no", repetition_type: required, type: "INT64" }, data: BigInt64Array.of(0n, 1n, 2n, 3n) };
    const pandas = JSON.stringify({ index_columns: ["bar_no", { kind: "range", start: 0, stop: 4, step: 1 }], columns: [] });
    const source = parquet("pandas.parquet", [...base(), numeric[0], barNo, numeric.at(-1)!], [{ key: "pandas", value: pandas }]);
    const roles = detectColumns(source.name, await readMetadata(source));
    expect(roles.features).toEqual(["i64"]);
    // a column named explicitly is still read, index or not
    const frame = await readFrame(source, { labelColumn: "label_h5", requireLabel: true, featureColumns: ["i64", "bar_no"] });
    expect(frame.featureNames).toEqual(["i64", "bar_no"]);
    expect(Array.from({ length: N }, (_, r) => frame.features[r * 2 + 1])).toEqual([0, 1, 2, 3]);
  });

  it("ignores a pandas footer entry that is not JSON", async () => {
    const source = parquet("odd.parquet", [...base(), numeric[0]], [{ key: "pandas", value: "{not json" }]);
    expect(detectColumns(source.name, await readMetadata(source)).features).toEqual(["i64"]);
  });

  it("the data summary and the time index read 64-bit and decimal features without a non-finite value", async () => {
    const source = parquet("types.parquet", [...base(), ...numeric.filter((c) => c.element.name !== "i64_nullable")]);
    const summary = await summarizeSplit(source);
    expect(summary.nonFinite).toEqual({});
    expect(summary.labels.label_h5).toMatchObject({ long: 1, neutral: 1, short: 1, missing: 1 });
    const index = await readTimeIndex(source);
    expect(index.nonFinite).toEqual({});
    expect(index.features).not.toContain("__index_level_0__");
  });

  it("isNumeric accepts numbers and refuses timestamps, dates, strings and booleans", () => {
    expect(isNumeric({ name: "x", type: "FIXED_LEN_BYTE_ARRAY", type_length: 2, logical_type: { type: "FLOAT16" } })).toBe(true);
    expect(isNumeric({ name: "x", type: "BYTE_ARRAY", logical_type: { type: "DECIMAL", precision: 20, scale: 2 } })).toBe(true);
    expect(isNumeric({ name: "x", type: "INT64", converted_type: "TIMESTAMP_MICROS" })).toBe(false);
    expect(isNumeric({ name: "x", type: "INT32", converted_type: "DATE" })).toBe(false);
    expect(isNumeric({ name: "x", type: "BYTE_ARRAY", converted_type: "UTF8" })).toBe(false);
    expect(isNumeric({ name: "x", type: "BOOLEAN" })).toBe(false);
    expect(isNumeric({ name: "x", type: "INT96" })).toBe(false);
  });
});
