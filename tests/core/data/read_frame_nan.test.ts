import { describe, expect, it } from "vitest";
import type { WriteColumn } from "../../../core/data/parquet_write.ts";
import { readFrame } from "../../../core/data/read_frame.ts";
import { DataError } from "../../../core/errors.ts";
import { parquetSource } from "../../helpers.ts";

const T0 = Date.UTC(2024, 0, 1);

/** Two symbols x 4 rows; f_a finite, f_b as given (row-major by symbol A then B). */
function file(fb: number[], fc?: number[]) {
  const symbol = ["A", "A", "A", "A", "B", "B", "B", "B"];
  const columns: WriteColumn[] = [
    { name: "datetime", type: "timestamp_ms", data: symbol.map((_, i) => T0 + (i % 4) * 60_000) },
    { name: "symbol", type: "string", data: symbol },
    { name: "f_a", type: "float64", data: symbol.map((_, i) => i) },
    { name: "f_b", type: "float64", data: fb },
    ...(fc ? [{ name: "f_c", type: "float64", data: fc } as WriteColumn] : []),
    { name: "label_h5", type: "int8", data: symbol.map(() => 0) },
  ];
  return parquetSource("nan.parquet", columns);
}

const read = (source: ReturnType<typeof file>, nanPolicy: "ffill" | "drop") => {
  const warnings: string[] = [];
  return readFrame(source, { labelColumn: "label_h5", requireLabel: true, nanPolicy, onWarning: (m) => warnings.push(m) }).then((frame) => ({
    frame,
    warnings,
  }));
};

describe("readFrame's NaN policies say what they did", () => {
  it("ffill warns, naming the column, when a feature has no finite value at all, and fills it with 0", async () => {
    const { frame, warnings } = await read(file(Array(8).fill(NaN)), "ffill");
    expect(warnings).toEqual(['Feature "f_b" in nan.parquet has no finite value in any of its 8 rows; nan_policy "ffill" fills it with 0 throughout']);
    expect(Array.from({ length: 8 }, (_, r) => frame.features[r * 2 + 1])).toEqual(Array(8).fill(0));
  });

  it("ffill warns naming the symbols whose part of a column is all NaN, and says nothing when every symbol has a value", async () => {
    const some = await read(file([1, NaN, 2, NaN, NaN, NaN, Infinity, NaN]), "ffill");
    expect(some.warnings).toEqual(['Feature "f_b" in nan.parquet has no finite value for symbol B; nan_policy "ffill" fills it with 0 there']);
    const fine = await read(file([1, NaN, 2, NaN, 3, NaN, NaN, 4]), "ffill");
    expect(fine.warnings).toEqual([]);
  });

  it("drop that removes every row is an error naming the column that emptied the file", async () => {
    const error = await read(file(Array(8).fill(NaN), [1, NaN, 1, 1, 1, 1, 1, 1]), "drop").catch((e) => e);
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toBe(
      'nan_policy "drop" removed every row of nan.parquet (8): each has a NaN or infinite feature; most in "f_b" (every row), "f_c" (1 row). Fix or leave out those columns (dataset.feature_columns), or use nan_policy "ffill"',
    );
    expect(error.place.column).toBe("f_b");
  });

  it("drop warns naming a symbol it removed whole, and keeps the others", async () => {
    const { frame, warnings } = await read(file([1, 2, 3, 4, NaN, NaN, NaN, NaN]), "drop");
    expect(frame.symbols).toEqual(["A"]);
    expect(frame.rows).toBe(4);
    expect(warnings).toEqual(['nan_policy "drop" removed every row of symbol B in nan.parquet; most NaN or infinite values in "f_b" (4 rows)']);
  });
});
