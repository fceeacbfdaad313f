import { describe, expect, it } from "vitest";
import { writeParquet } from "../../../core/data/parquet_write.ts";
import type { Frame } from "../../../core/data/frame.ts";
import { Windows } from "../../../core/data/windows.ts";
import { predictionsParquet } from "../../../core/train/predictions.ts";
import { predictionsCsv } from "../../../web/predict/predictions_csv.ts";
import { storedPredictionsCsv } from "../../../web/runs/prediction_files.ts";
import { predictionsPath } from "../../../web/runs/prediction_paths.ts";

const t0 = Date.UTC(2024, 0, 1);
const frame: Frame = {
  source: "test.parquet",
  rows: 3,
  featureNames: ["f"],
  features: new Float32Array(3),
  time: Float64Array.from([t0, t0 + 60_000, t0]),
  symbols: ["A", 'B,"x"'],
  symbol: Int32Array.from([0, 0, 1]),
};
const windows = new Windows(frame, { seqLen: 1, requireLabel: false });
const probs = Float32Array.from([0.2, 0.3, 0.5, 0.6, 0.3, 0.1, 0.3, 0.4, 0.3]);

describe("a run's stored predictions as CSV", () => {
  it("are the same text the Predict page writes for the same rows and probabilities", async () => {
    const stored = predictionsParquet(windows, probs, 5);
    const csv = await storedPredictionsCsv(stored, 5, "run-1/predictions/test.parquet");
    expect(csv).toBe(predictionsCsv(windows, probs, 5));
    expect(csv.split("\n")).toHaveLength(5);
  });

  it("name the file when its columns are not the trainer's", async () => {
    const other = writeParquet([{ name: "datetime", type: "timestamp_ms", data: Float64Array.from([t0]) }]);
    await expect(storedPredictionsCsv(other, 5, "run-1/predictions/val.parquet")).rejects.toThrow(
      "run-1/predictions/val.parquet is not a predictions file: expected the columns datetime, symbol, horizon, prediction, prob_short, prob_neutral, prob_long",
    );
  });

  it("are where the trainer writes them", () => {
    expect(predictionsPath("test")).toBe("predictions/test.parquet");
  });
});
