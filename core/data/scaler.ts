import type { Frame } from "./frame.ts";

/** Per-feature mean and standard deviation, fitted on the training split only. */
export interface StandardScaler {
  kind: "standard";
  features: string[];
  mean: number[];
  std: number[];
}

/** Fits mean and std (population) of every feature over all rows of `frame`; a constant feature gets std 1. */
export function fitStandardScaler(frame: Frame): StandardScaler {
  const F = frame.featureNames.length;
  const sum = new Float64Array(F), sumSq = new Float64Array(F);
  const x = frame.features;
  for (let r = 0; r < frame.rows; r++) {
    const o = r * F;
    for (let j = 0; j < F; j++) {
      const v = x[o + j];
      sum[j] += v;
      sumSq[j] += v * v;
    }
  }
  const n = Math.max(frame.rows, 1);
  const mean = Array.from(sum, (s) => s / n);
  const std = Array.from(sumSq, (s, j) => {
    const sd = Math.sqrt(Math.max(s / n - mean[j] * mean[j], 0));
    return sd > 1e-12 * Math.max(1, Math.abs(mean[j])) ? sd : 1;
  });
  return { kind: "standard", features: [...frame.featureNames], mean, std };
}

/** A copy of `frame` with standardised features; the frame given is left untouched. The feature names must match the scaler's, in order. */
export function scaleFrame(scaler: StandardScaler, frame: Frame): Frame {
  const F = frame.featureNames.length;
  if (F !== scaler.features.length || frame.featureNames.some((n, j) => n !== scaler.features[j])) {
    throw new RangeError(`${frame.source}: features do not match the scaler's (${scaler.features.length} features fitted on train)`);
  }
  const mean = Float32Array.from(scaler.mean), inv = Float32Array.from(scaler.std, (s) => 1 / s);
  const x = frame.features, out = new Float32Array(x.length);
  for (let r = 0; r < frame.rows; r++) {
    const o = r * F;
    for (let j = 0; j < F; j++) out[o + j] = (x[o + j] - mean[j]) * inv[j];
  }
  return { ...frame, features: out };
}
