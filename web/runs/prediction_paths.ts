/** The splits whose predictions a run stores (core/train/fit_run.ts), in the order the run page offers them. */
export const PREDICTION_SPLITS = ["test", "val"] as const;

/** Where a split's predictions are in a run: `predictions/<split>.parquet`. */
export function predictionsPath(split: string): string {
  return `predictions/${split}.parquet`;
}

/** Turns a run's stored predictions Parquet into CSV (web/runs/prediction_files.ts); handed to the run pages by the app only, so the viewer never loads a Parquet reader. */
export type PredictionsCsv = (bytes: Uint8Array, horizon: number, where: string) => Promise<string>;
