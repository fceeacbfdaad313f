import { PREDICTION_COLUMNS, readPredictions } from "../../core/bundle/predictions.ts";
import { DataError } from "../../core/errors.ts";
import { type PredictionRow, rowsCsv } from "../predict/predictions_csv.ts";

/**
 * A run's stored predictions Parquet as CSV, the same text the Predict page downloads for the same rows (one line per
 * sample: datetime ISO, symbol, horizon, the stored class -1/0/1, the three probabilities); `where` names the file in
 * the error when its columns are not the trainer's.
 */
export async function storedPredictionsCsv(bytes: Uint8Array, horizon: number, where: string): Promise<string> {
  const c = await readPredictions(bytes);
  if (!c) throw new DataError(`${where} is not a predictions file: expected the columns ${PREDICTION_COLUMNS.join(", ")}`, { file: where });
  const rows = c.datetime.map((t, i): PredictionRow => ({
    datetime: new Date(t).toISOString(),
    symbol: c.symbol[i],
    prediction: c.prediction[i],
    probs: [c.prob_short[i], c.prob_neutral[i], c.prob_long[i]],
  }));
  return rowsCsv(rows, horizon);
}
