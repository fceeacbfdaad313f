import { describe, expect, it } from "vitest";
import type { SplitSummary } from "../../../core/data/summary.ts";
import { labelHorizons, trainBlockers } from "../../../web/data/train_blockers.ts";

const counts = (invalid = 0) => ({ short: 3, neutral: 3, long: 3, missing: 1, invalid });
const split = (file: string, over: Partial<SplitSummary> = {}): SplitSummary => ({
  file,
  bytes: 100,
  rows: 10,
  symbols: [{ name: "AAA", rows: 10 }],
  start: 0,
  end: 1,
  features: ["f_a", "f_b"],
  labels: { label_h5: counts(), label_h20: counts() },
  nonFinite: {},
  ...over,
});

describe("labelHorizons", () => {
  it("lists the label_h<H> horizons of any split, ascending, ignoring other label names", () => {
    const summaries = {
      train: split("train.parquet", { labels: { label_h20: counts(), label_h5: counts(), label_custom: counts() } }),
      val: split("val.parquet", { labels: { label_h60: counts() } }),
    };
    expect(labelHorizons(summaries)).toEqual([5, 20, 60]);
    expect(labelHorizons({})).toEqual([]);
  });
});

describe("trainBlockers", () => {
  const clean = { train: split("train.parquet"), val: split("val.parquet"), test: split("test.parquet") };

  it("finds nothing in splits that can be trained on, rows without labels included", () => {
    expect(trainBlockers(clean, { horizon: 20 })).toEqual([]);
  });

  it("names a split without the horizon's label column, or the label_column asked for", () => {
    const summaries = { ...clean, val: split("val.parquet", { labels: { label_h5: counts() } }) };
    expect(trainBlockers(summaries, { horizon: 20 })).toEqual(["val.parquet (val) has no label_h20 column; label columns there: label_h5"]);
    expect(trainBlockers(summaries, { horizon: 5 })).toEqual([]);
    expect(trainBlockers(clean, { horizon: 5, label_column: "y" })).toHaveLength(3);
  });

  it("names feature columns that val or test lack or add, and labels other than -1/0/1", () => {
    const summaries = {
      ...clean,
      val: split("val.parquet", { features: ["f_a", "f_c"] }),
      test: split("test.parquet", { labels: { label_h5: counts(2_500) } }),
    };
    expect(trainBlockers(summaries, { horizon: 5 })).toEqual([
      "test.parquet (test): 2,500 rows of label_h5 are not -1, 0, 1 or null",
      "val.parquet (val) has different feature columns from train.parquet (train): lacks f_b; adds f_c",
    ]);
  });

  it("blocks NaN features only while nan_policy is error", () => {
    const summaries = { ...clean, train: split("train.parquet", { nonFinite: { f_b: 4 } }) };
    expect(trainBlockers(summaries, { horizon: 5 })).toEqual([
      "train.parquet (train) has NaN or infinite values in 1 feature column(s) (f_b); set nan_policy to ffill or drop",
    ]);
    expect(trainBlockers(summaries, { horizon: 5, nan_policy: "ffill" })).toEqual([]);
  });
});
