import type { Windows } from "../../core/data/windows.ts";

/** One scored row, for the preview table. */
export interface PredictionRow {
  datetime: string;
  symbol: string;
  prediction: number;
  probs: [number, number, number];
}

/** The scored rows (same order and columns as the predictions Parquet): datetime ISO, symbol, class -1/0/1, three probabilities. */
export function predictionRows(windows: Windows, probs: Float32Array, limit = Infinity): PredictionRow[] {
  const { frame, ends } = windows;
  const n = Math.min(ends.length, limit);
  return Array.from({ length: n }, (_, k) => {
    const p: [number, number, number] = [probs[3 * k], probs[3 * k + 1], probs[3 * k + 2]];
    return {
      datetime: new Date(frame.time[ends[k]]).toISOString(),
      symbol: frame.symbols[frame.symbol[ends[k]]],
      prediction: p.indexOf(Math.max(...p)) - 1,
      probs: p,
    };
  });
}

/** The same rows as CSV text with a header; symbols are quoted, with quotes doubled, so commas in names stay safe. */
export function predictionsCsv(windows: Windows, probs: Float32Array, horizon: number): string {
  return rowsCsv(predictionRows(windows, probs), horizon);
}

/** Rows as CSV text with a header (the predictions Parquet's columns): for rows scored here or read back from a run's predictions. */
export function rowsCsv(rows: Iterable<PredictionRow>, horizon: number): string {
  const lines = ["datetime,symbol,horizon,prediction,prob_short,prob_neutral,prob_long"];
  for (const r of rows) {
    lines.push(`${r.datetime},"${r.symbol.replaceAll('"', '""')}",${horizon},${r.prediction},${r.probs.map((p) => p.toFixed(6)).join(",")}`);
  }
  return `${lines.join("\n")}\n`;
}
