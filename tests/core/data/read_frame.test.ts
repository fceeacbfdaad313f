import { describe, expect, it } from "vitest";
import { NO_LABEL } from "../../../core/data/frame.ts";
import type { WriteColumn } from "../../../core/data/parquet_write.ts";
import { readFrame } from "../../../core/data/read_frame.ts";
import { DataError } from "../../../core/errors.ts";
import { memorySource, parquetSource } from "../../helpers.ts";

const T0 = Date.UTC(2024, 0, 1);
const MIN = 60_000;

/** Rows given out of order on purpose: (symbol, minute, f_a, label). */
function table(rows: [string, number, number, number | null][], extra: WriteColumn[] = []): WriteColumn[] {
  return [
    { name: "datetime", type: "timestamp_ms", data: rows.map((r) => T0 + r[1] * MIN) },
    { name: "symbol", type: "string", data: rows.map((r) => r[0]) },
    { name: "f_a", type: "float32", data: rows.map((r) => r[2]), nullable: true },
    { name: "f_b", type: "float64", data: rows.map((r) => r[2] * 10) },
    { name: "label_h5", type: "int8", data: rows.map((r) => r[3]), nullable: true },
    { name: "fwd_ret_h5", type: "float32", data: rows.map(() => 0.01) },
    ...extra,
  ];
}

const opts = { labelColumn: "label_h5", fwdReturnColumn: "fwd_ret_h5", requireLabel: true };

describe("readFrame", () => {
  it("sorts rows by symbol then time and lays features out row-major", async () => {
    const src = parquetSource("t.parquet", table([["B", 1, 4, 1], ["A", 1, 2, 0], ["B", 0, 3, -1], ["A", 0, 1, null]]));
    const f = await readFrame(src, opts);
    expect(f.symbols).toEqual(["A", "B"]);
    expect([...f.symbol]).toEqual([0, 0, 1, 1]);
    expect([...f.time]).toEqual([T0, T0 + MIN, T0, T0 + MIN]);
    expect([...f.features]).toEqual([1, 10, 2, 20, 3, 30, 4, 40]);
    expect([...f.label!]).toEqual([NO_LABEL, 0, -1, 1]);
    expect(f.featureNames).toEqual(["f_a", "f_b"]);
  });

  it("detects features as numeric columns that are not metadata, labels or forward returns", async () => {
    const extra: WriteColumn[] = [{ name: "label_h20", type: "int8", data: [1], nullable: true }, { name: "fwd_ret_h20", type: "float32", data: [0] }, {
      name: "note",
      type: "string",
      data: ["x"],
    }];
    const f = await readFrame(parquetSource("t.parquet", table([["A", 0, 1, 1]], extra)), opts);
    expect(f.featureNames).toEqual(["f_a", "f_b"]);
  });

  it("keeps only include_symbols, and names a symbol that is not there", async () => {
    const src = parquetSource("t.parquet", table([["A", 0, 1, 1], ["B", 0, 2, 1], ["C", 0, 3, 1]]));
    const f = await readFrame(src, { ...opts, includeSymbols: ["C", "A"] });
    expect(f.symbols).toEqual(["A", "C"]);
    expect([...f.features.filter((_, i) => i % 2 === 0)]).toEqual([1, 3]);
    await expect(readFrame(src, { ...opts, includeSymbols: ["Z"] })).rejects.toThrow(/Symbols Z not found in t.parquet; symbols: A, B, C/);
  });

  it("rejects labels outside -1/0/1 naming the column, value and row", async () => {
    const src = parquetSource("bad.parquet", table([["A", 0, 1, 1], ["A", 1, 1, 2]]));
    await expect(readFrame(src, opts)).rejects.toThrow(/Column "label_h5" in bad.parquet has 2 at row 1; labels must be -1, 0, 1 or null/);
  });

  it("lists the label columns present when the requested one is missing", async () => {
    const src = parquetSource("t.parquet", table([["A", 0, 1, 1]]));
    await expect(readFrame(src, { ...opts, labelColumn: "label_h7" })).rejects.toThrow(/Column "label_h7" not found in t.parquet; label columns: label_h5/);
    const f = await readFrame(src, { ...opts, labelColumn: "label_h7", requireLabel: false });
    expect(f.label).toBeUndefined();
  });

  it("names the column and first row of a NaN feature, and fills or drops it on request", async () => {
    const rows: [string, number, number, number | null][] = [["A", 0, 1, 1], ["A", 1, NaN, 1], ["A", 2, 5, 1], ["B", 0, NaN, 0]];
    const src = parquetSource("nan.parquet", table(rows));
    const error = await readFrame(src, opts).catch((e) => e);
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toMatch(/Feature "f_a" in nan.parquet is NaN at row 1 \(A at 2024-01-01T00:01:00.000Z\)/);
    expect(error.place).toMatchObject({ column: "f_a", row: 1 });
    const filled = await readFrame(src, { ...opts, nanPolicy: "ffill" });
    expect([...filled.features.filter((_, i) => i % 2 === 0)]).toEqual([1, 1, 5, 0]); // B starts with no history: 0
    const dropped = await readFrame(src, { ...opts, nanPolicy: "drop" });
    expect(dropped.rows).toBe(2);
    expect([...dropped.time]).toEqual([T0, T0 + 2 * MIN]);
  });

  it("treats infinite values like NaN", async () => {
    const src = parquetSource("inf.parquet", table([["A", 0, Infinity, 1]]));
    await expect(readFrame(src, opts)).rejects.toThrow(/Feature "f_a" in inf.parquet is Infinity at row 0/);
  });

  it("rejects two rows for the same symbol and time", async () => {
    const src = parquetSource("dup.parquet", table([["A", 0, 1, 1], ["A", 0, 2, 1]]));
    await expect(readFrame(src, opts)).rejects.toThrow(/two rows for symbol A at 2024-01-01T00:00:00.000Z/);
  });

  it("says a file is not Parquet, or truncated, naming it", async () => {
    await expect(readFrame(memorySource("x.csv", new TextEncoder().encode("datetime,symbol\n1,A\n")), opts)).rejects.toThrow(/x.csv is not a Parquet file/);
    const whole = await parquetSource("w.parquet", table([["A", 0, 1, 1]])).slice(0);
    const half = new Uint8Array(whole).slice(0, Math.floor(whole.byteLength / 2));
    await expect(readFrame(memorySource("half.parquet", half), opts)).rejects.toThrow(/half.parquet is truncated or corrupt/);
  });

  it("names a missing metadata column", async () => {
    const src = parquetSource("nosym.parquet", table([["A", 0, 1, 1]]).filter((c) => c.name !== "symbol"));
    await expect(readFrame(src, opts)).rejects.toThrow(/Column "symbol" not found in nosym.parquet; columns: datetime, f_a/);
  });
});
