/// <reference types="node" />
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { KeyValue, SchemaElement } from "hyparquet";
import type { ColumnSource } from "hyparquet-writer";
import { parquetWriteBuffer } from "hyparquet-writer/src/write.js";
import { afterAll, describe, expect, it } from "vitest";
import type { WriteColumn } from "../../core/data/parquet_write.ts";
import type { SynthTable } from "../../core/data/synth.ts";
import { lastLine, mf, quick, readRows, runJson, show, tempDir, tinySplits } from "./helpers.ts";

// Files as pandas writes them: an int64 feature, an unsigned and a decimal one, and the index column
// `__index_level_0__` (int64) named in the `pandas` footer entry. Train and predict read them.
const { dir, cleanup } = tempDir("types");
afterAll(cleanup);

/** A synthetic split as pandas would write it, with extra numeric columns of 64-bit, unsigned and decimal types. */
function pandasFile(path: string, table: SynthTable, offset: number): string {
  const rows = table.rows;
  const f0 = table.columns.find((c) => c.name === "f_000")!.data as Float32Array;
  const element = (c: WriteColumn): SchemaElement => {
    const repetition_type = c.nullable ? "OPTIONAL" : "REQUIRED";
    if (c.type === "timestamp_ms") return { name: c.name, repetition_type, type: "INT64", converted_type: "TIMESTAMP_MILLIS" };
    if (c.type === "string") return { name: c.name, repetition_type, type: "BYTE_ARRAY", converted_type: "UTF8" };
    if (c.type === "float32") return { name: c.name, repetition_type, type: "FLOAT" };
    // pandas writes labels as int64 (float64 when they hold nulls)
    return { name: c.name, repetition_type, type: "INT64" };
  };
  const value = (c: WriteColumn): ColumnSource["data"] =>
    c.type === "timestamp_ms"
      ? Array.from(c.data, (v) => BigInt(v as number))
      : c.type.startsWith("int")
      ? Array.from(c.data, (v) => (v === null || v === undefined ? null : BigInt(v as number)))
      : (c.data as ColumnSource["data"]);
  const columns: { element: SchemaElement; data: ColumnSource["data"] }[] = [
    ...table.columns.map((c) => ({ element: element(c), data: value(c) })),
    { element: { name: "f_int64", repetition_type: "REQUIRED", type: "INT64" }, data: BigInt64Array.from(f0, (v) => BigInt(Math.round(v * 1000))) },
    {
      element: { name: "f_uint64", repetition_type: "REQUIRED", type: "INT64", converted_type: "UINT_64" },
      data: BigUint64Array.from(f0, (_, r) => BigInt(r % 7)),
    },
    {
      element: { name: "f_decimal", repetition_type: "REQUIRED", type: "INT64", converted_type: "DECIMAL", precision: 18, scale: 4 },
      data: Array.from(f0, (v) => Math.round(v * 1e4) / 1e4),
    },
    {
      element: { name: "__index_level_0__", repetition_type: "REQUIRED", type: "INT64" },
      data: BigInt64Array.from({ length: rows }, (_, r) => BigInt(offset + r)),
    },
  ];
  const pandas: KeyValue = { key: "pandas", value: JSON.stringify({ index_columns: ["__index_level_0__"], columns: [] }) };
  const buffer = parquetWriteBuffer({
    schema: [{ name: "root", num_children: columns.length }, ...columns.map((c) => c.element)],
    columnData: columns.map((c) => ({ name: c.element.name, data: c.data })),
    kvMetadata: [pandas],
  });
  writeFileSync(path, new Uint8Array(buffer));
  return path;
}

describe("Parquet files written by pandas (int64 features, an index column)", () => {
  const data = join(dir, "data");
  mkdirSync(data);
  const splits = tinySplits();
  const paths = {
    train: pandasFile(join(data, "train.parquet"), splits.train, 0),
    val: pandasFile(join(data, "val.parquet"), splits.val, splits.train.rows),
    test: pandasFile(join(data, "test.parquet"), splits.test, splits.train.rows + splits.val.rows),
  };
  const runs = join(dir, "runs");
  let runDir = "";

  it("mf train reads int64, uint64 and decimal columns as features and leaves the pandas index out", async () => {
    const r = await mf(["train", "--data", data, "--model", "logistic", "--json", ...quick(runs)]);
    expect(r.code, show(r)).toBe(0);
    expect(r.stderr).not.toMatch(/BigInt|Uncaught/);
    runDir = JSON.parse(lastLine(r.stdout)).run_dir;
    const run = runJson(runDir);
    expect(run.status).toBe("finished");
    expect(run.dataset.features).toEqual(expect.arrayContaining(["f_int64", "f_uint64", "f_decimal"]));
    expect(run.dataset.features).not.toContain("__index_level_0__");
  });

  it("mf predict scores such a file with that run", async () => {
    expect(runDir, "the training test must pass first").not.toBe("");
    const out = join(dir, "pred.parquet");
    const r = await mf(["predict", "--backend", "cpu", "--run", runDir, "--input", paths.test, "--out", out, "--json"]);
    expect(r.code, show(r)).toBe(0);
    const summary = JSON.parse(lastLine(r.stdout));
    expect(summary.rows).toBeGreaterThan(0);
    expect((await readRows(out)).length).toBe(summary.rows);
  });
});
