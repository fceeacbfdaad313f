/** Per-feature centre and scale, fitted on the training rows only: standard (mean, std) or robust (median, IQR). */
export interface FeatureScaler {
  kind: "standard" | "robust" | "none";
  center: number[];
  scale: number[];
}

/** Fits the scaler on `rows` (the training rows) of each column; a constant feature gets scale 1. */
export function fitFeatureScaler(kind: FeatureScaler["kind"], columns: Float64Array[], rows: Int32Array): FeatureScaler {
  if (kind === "none") return { kind, center: columns.map(() => 0), scale: columns.map(() => 1) };
  const values = new Float64Array(rows.length);
  const center: number[] = [], scale: number[] = [];
  for (const column of columns) {
    for (let k = 0; k < rows.length; k++) values[k] = column[rows[k]];
    let c: number, s: number;
    if (kind === "standard") {
      let sum = 0, sq = 0;
      for (const v of values) sum += v;
      c = sum / values.length;
      for (const v of values) sq += (v - c) * (v - c);
      s = Math.sqrt(sq / values.length);
    } else {
      values.sort();
      const q = (p: number) => values[Math.min(values.length - 1, Math.floor(p * (values.length - 1)))];
      [c, s] = [q(0.5), q(0.75) - q(0.25)];
    }
    center.push(c);
    scale.push(s > 1e-12 ? s : 1);
  }
  return { kind, center, scale };
}
