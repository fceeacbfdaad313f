import { describe, expect, it } from "vitest";
import type { PredictionColumns } from "../../../core/bundle/predictions.ts";
import type { Frame } from "../../../core/data/frame.ts";
import { Windows } from "../../../core/data/windows.ts";
import { alignmentConfig, alignPredictions } from "../../../core/ensemble/align.ts";
import { DataError } from "../../../core/errors.ts";
import type { RunRecord } from "../../../core/train/run_record.ts";

/** A run.json as the trainer writes it, at horizon 5, with the given window and dataset settings. */
function record(id: string, seqLen: number, dataset: Record<string, unknown> = {}): RunRecord {
  const file = (name: string) => ({ name, bytes: 1000, rows: 100, samples: 100 - seqLen });
  return {
    id,
    model: "linear:logistic",
    family: "linear",
    horizon: 5,
    seq_len: seqLen,
    config: {
      params: {},
      dataset: { horizon: 5, seq_len: seqLen, exclude_neutrals: false, nan_policy: "error", standardize: true, train_stride: 1, ...dataset },
      trainer: {},
    },
    dataset: {
      files: { train: file("train.parquet"), val: file("val.parquet"), test: file("test.parquet") },
      symbols: ["A", "B"],
      features: ["f0"],
      label_column: "label_h5",
    },
    backend: { name: "cpu", requested: "cpu", reason: "" },
    versions: {},
    seed: 1,
    status: "finished",
    created_at: "2025-01-01T00:00:00Z",
    timings: {},
  } as RunRecord;
}

/** Two symbols of `rows` bars each, one feature, labelled 1 everywhere. */
function frame(rows: number): Frame {
  const n = rows * 2;
  return {
    source: "val.parquet",
    rows: n,
    featureNames: ["f0"],
    features: new Float32Array(n),
    time: Float64Array.from({ length: n }, (_, r) => (r % rows) * 60_000),
    symbols: ["A", "B"],
    symbol: Int32Array.from({ length: n }, (_, r) => (r < rows ? 0 : 1)),
    label: new Int8Array(n).fill(1),
  };
}

/** Stored predictions of the samples of `windows`, with prob_long = a number unique to the sample's (symbol, time). */
function stored(windows: Windows, order: "same" | "reversed" = "same"): PredictionColumns {
  const out: PredictionColumns = { datetime: [], symbol: [], horizon: [], prediction: [], prob_short: [], prob_neutral: [], prob_long: [] };
  const ends = order === "same" ? [...windows.ends] : [...windows.ends].reverse();
  for (const row of ends) {
    const { frame } = windows;
    out.datetime.push(frame.time[row]);
    out.symbol.push(frame.symbols[frame.symbol[row]]);
    out.horizon.push(5);
    out.prediction.push(1);
    out.prob_short.push(0.1);
    out.prob_neutral.push(0.2);
    out.prob_long.push(row / 1000);
  }
  return out;
}

describe("ensemble alignment", () => {
  it("scores with the longest member window and the members' shared settings", () => {
    const config = alignmentConfig([record("a", 1), record("b", 4, { standardize: false }), record("c", 2)]);
    expect(config).toMatchObject({ horizon: 5, seq_len: 4, exclude_neutrals: false, nan_policy: "error" });
  });

  it("refuses members that would score different samples, naming the setting and both runs", () => {
    const bad = (dataset: Record<string, unknown>) => () => alignmentConfig([record("a", 1), record("b", 2, dataset)]);
    expect(bad({ exclude_neutrals: true })).toThrow(DataError);
    expect(bad({ exclude_neutrals: true })).toThrow(/disagree on dataset.exclude_neutrals: run a has false, run b has true/);
    expect(bad({ split: { fractions: [0.6, 0.2, 0.2], embargo: 0 } })).toThrow(/dataset.split/);
    const other = record("b", 2);
    other.dataset.files.test = { name: "other_test.parquet", bytes: 1000, rows: 100, samples: 98 };
    expect(() => alignmentConfig([record("a", 1), other])).toThrow(/disagree on the test file/);
    const h20 = { ...record("b", 2), horizon: 20 };
    expect(() => alignmentConfig([record("a", 1), h20])).toThrow(/disagree on the horizon/);
  });

  it("maps a shorter window's stored predictions onto the longer window's samples by (symbol, time)", () => {
    const long = new Windows(frame(10), { seqLen: 4, requireLabel: true });
    const short = new Windows(frame(10), { seqLen: 1, requireLabel: true });
    const probs = alignPredictions(long, stored(short, "reversed"), "run s");
    expect(probs.length).toBe(long.size * 3);
    long.ends.forEach((row, s) =>
      expect([probs[s * 3], probs[s * 3 + 1], probs[s * 3 + 2]]).toEqual([Math.fround(0.1), Math.fround(0.2), Math.fround(row / 1000)])
    );
  });

  it("names a sample a member did not score", () => {
    const long = new Windows(frame(10), { seqLen: 2, requireLabel: true });
    const longer = new Windows(frame(10), { seqLen: 5, requireLabel: true });
    expect(() => alignPredictions(long, stored(longer), "run x predictions/val.parquet")).toThrow(
      /run x predictions\/val.parquet has no prediction for A at 1970-01-01T00:01:00.000Z, a sample of the ensemble's 2-row windows/,
    );
  });
});
