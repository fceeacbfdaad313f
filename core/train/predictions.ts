import type { Windows } from "../data/windows.ts";
import { writeParquet } from "../data/parquet_write.ts";
import { argmaxClasses } from "./metrics/classification.ts";

/**
 * Predictions of a split's samples as a Parquet file: datetime, symbol, horizon, prediction
 * (-1/0/1), prob_short, prob_neutral, prob_long.
 */
export function predictionsParquet(windows: Windows, probs: Float32Array, horizon: number): Uint8Array {
  const { frame, ends } = windows;
  const n = ends.length;
  const column = (c: number) => Float32Array.from({ length: n }, (_, k) => probs[k * 3 + c]);
  return writeParquet([
    { name: "datetime", type: "timestamp_ms", data: Float64Array.from(ends, (r) => frame.time[r]) },
    { name: "symbol", type: "string", data: Array.from(ends, (r) => frame.symbols[frame.symbol[r]]) },
    { name: "horizon", type: "int32", data: new Int32Array(n).fill(horizon) },
    { name: "prediction", type: "int8", data: Int8Array.from(argmaxClasses(probs, n), (c) => c - 1) },
    { name: "prob_short", type: "float32", data: column(0) },
    { name: "prob_neutral", type: "float32", data: column(1) },
    { name: "prob_long", type: "float32", data: column(2) },
  ]);
}
