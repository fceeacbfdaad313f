import { describe, expect, it } from "vitest";
import { dataProblems, summarizeSplit } from "../../../core/data/summary.ts";
import { parquetSource } from "../../helpers.ts";

const t0 = Date.UTC(2024, 0, 1);
const file = (name: string, opts: { nanAt?: number; label?: (number | null)[]; feature?: string } = {}) => {
  const symbol = ["BBB", "AAA", "AAA", "AAA", "BBB", "AAA"];
  return parquetSource(name, [
    { name: "datetime", type: "timestamp_ms", data: symbol.map((_, i) => BigInt(t0 + i * 60_000)) },
    { name: "symbol", type: "string", data: symbol },
    { name: opts.feature ?? "f_a", type: "float32", data: symbol.map((_, i) => (i === opts.nanAt ? NaN : i)), nullable: true },
    { name: "f_b", type: "float64", data: symbol.map((_, i) => i * 2) },
    { name: "label_h5", type: "int8", data: opts.label ?? [1, 0, -1, 1, null, 1], nullable: true },
    { name: "fwd_ret_h5", type: "float32", data: symbol.map(() => 0.01) },
  ]);
};

describe("summarizeSplit", () => {
  it("counts rows per symbol, time range, features, label classes and non-finite features", async () => {
    const s = await summarizeSplit(file("train.parquet", { nanAt: 2 }));
    expect(s).toMatchObject({
      file: "train.parquet",
      rows: 6,
      symbols: [{ name: "AAA", rows: 4 }, { name: "BBB", rows: 2 }],
      start: t0,
      end: t0 + 5 * 60_000,
      features: ["f_a", "f_b"],
      labels: { label_h5: { short: 1, neutral: 1, long: 3, missing: 1, invalid: 0 } },
      nonFinite: { f_a: 1 },
    });
  });
});

describe("dataProblems", () => {
  it("names missing labels, NaN features, short symbols, a missing label column and differing features", async () => {
    const summaries = {
      train: await summarizeSplit(file("train.parquet", { nanAt: 0 })),
      val: await summarizeSplit(file("val.parquet", { feature: "f_z" })),
    };
    const problems = dataProblems(summaries, { horizon: 5, seqLen: 3 });
    expect(problems).toEqual([
      "train.parquet: 1 of 6 rows have no label_h5 (they serve as history, not samples)",
      "train.parquet: 1 feature column(s) have NaN or infinite values (f_a: 1); choose nan_policy ffill or drop",
      "train.parquet: symbols with fewer than 3 rows are skipped: BBB (2)",
      "val.parquet: 1 of 6 rows have no label_h5 (they serve as history, not samples)",
      "val.parquet: symbols with fewer than 3 rows are skipped: BBB (2)",
      "No test file opened yet",
      "Feature columns differ between train.parquet and val.parquet: missing f_a; extra f_z",
    ]);
    expect(dataProblems(summaries, { horizon: 20, seqLen: 1 })[0]).toBe("train.parquet has no label_h20 column; label columns: label_h5");
  });

  it("finds nothing wrong with clean splits", async () => {
    const clean = await summarizeSplit(file("x.parquet", { label: [1, 0, -1, 1, 0, 1] }));
    expect(dataProblems({ train: clean, val: clean, test: clean }, { horizon: 5, seqLen: 2 })).toEqual([]);
  });
});
