import type { Frame } from "../data/frame.ts";
import { DataError } from "../errors.ts";
import type { Bars } from "./bars.ts";
import { computeFeatures } from "./features.ts";
import type { PrepareManifest } from "./manifest.ts";
import { definedRows, scaledColumns } from "./prepare.ts";

/**
 * Applies a prepare.json to new raw bars, exactly as at training time: the same features, the same
 * warm-up, the same scaler. Gives an unlabelled frame, ready for a model.
 */
export function barsToFrame(bars: Bars, manifest: PrepareManifest): Frame {
  const features = computeFeatures(bars, manifest.config.features);
  if (features.names.join() !== manifest.features.join()) {
    throw new DataError(`prepare.json lists features ${manifest.features.join(", ")}, but its config computes ${features.names.join(", ")}`);
  }
  const defined = definedRows(features);
  const keep: number[] = [];
  for (let i = 0; i < bars.rows; i++) if (defined[i]) keep.push(i);
  const rows = Int32Array.from(keep);
  if (rows.length === 0) {
    throw new DataError(`${bars.source} has no bar past the features' warm-up (${manifest.warmup_rows_dropped} rows were warm-up in training)`, {
      file: bars.source,
    });
  }
  const columns = scaledColumns(features, manifest.scaler, rows);
  const F = columns.length;
  const matrix = new Float32Array(rows.length * F);
  for (let j = 0; j < F; j++) {
    const column = columns[j];
    for (let r = 0; r < rows.length; r++) matrix[r * F + j] = column[r];
  }
  return {
    source: bars.source,
    rows: rows.length,
    featureNames: features.names,
    features: matrix,
    time: Float64Array.from(rows, (i) => bars.time[i]),
    symbols: bars.symbols,
    symbol: Int32Array.from(rows, (i) => bars.symbol[i]),
  };
}
