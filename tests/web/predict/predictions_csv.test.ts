import { describe, expect, it } from "vitest";
import type { Frame } from "../../../core/data/frame.ts";
import { Windows } from "../../../core/data/windows.ts";
import { predictionRows, predictionsCsv } from "../../../web/predict/predictions_csv.ts";

const t0 = Date.UTC(2024, 0, 1);
const frame: Frame = {
  source: "new.parquet",
  rows: 3,
  featureNames: ["f"],
  features: new Float32Array(3),
  time: Float64Array.from([t0, t0 + 60_000, t0]),
  symbols: ["A", 'B,"x"'],
  symbol: Int32Array.from([0, 0, 1]),
};
const windows = new Windows(frame, { seqLen: 1, requireLabel: false });
const probs = Float32Array.from([0.2, 0.3, 0.5, 0.6, 0.3, 0.1, 0.3, 0.4, 0.3]);

describe("prediction rows and CSV", () => {
  it("give each scored row its time, symbol, argmax class as -1/0/1 and probabilities", () => {
    expect(predictionRows(windows, probs, 2).map((r) => [r.datetime, r.symbol, r.prediction])).toEqual([
      ["2024-01-01T00:00:00.000Z", "A", 1],
      ["2024-01-01T00:01:00.000Z", "A", -1],
    ]);
  });

  it("writes a header and one line per row, quoting symbols so commas and quotes survive", () => {
    expect(predictionsCsv(windows, probs, 5).split("\n")).toEqual([
      "datetime,symbol,horizon,prediction,prob_short,prob_neutral,prob_long",
      '2024-01-01T00:00:00.000Z,"A",5,1,0.200000,0.300000,0.500000',
      '2024-01-01T00:01:00.000Z,"A",5,-1,0.600000,0.300000,0.100000',
      '2024-01-01T00:00:00.000Z,"B,""x""",5,0,0.300000,0.400000,0.300000',
      "",
    ]);
  });
});
