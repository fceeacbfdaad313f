/**
 * Random Fourier features (Rahimi & Recht, 2007): z(x) = sqrt(2 / D) cos(W x + u), with each row of
 * W drawn from N(0, 2 gamma I) and u from U[0, 2 pi), so z(x) . z(y) approximates the RBF kernel
 * exp(-gamma |x - y|^2) and a linear model on z(x) approximates a kernel SVM. W and u are float32,
 * drawn from a seeded stream, and saved with the model.
 */
import type { Rng } from "../../core/random.ts";

/** The map's parameters: D x d frequencies (row-major) and D phases. */
export interface FourierMap {
  inputs: number;
  components: number;
  omega: Float32Array;
  phase: Float32Array;
}

/**
 * Draws a map from `inputs` columns to `components` features for an RBF kernel of width `gamma`.
 * @example drawFourierMap({ inputs: 107, components: 512, gamma: 1 / 107 }, createRng(42))
 */
export function drawFourierMap(shape: { inputs: number; components: number; gamma: number }, rng: Rng): FourierMap {
  const { inputs, components, gamma } = shape;
  const scale = Math.sqrt(2 * gamma);
  const omega = Float32Array.from({ length: components * inputs }, () => rng.normal() * scale);
  const phase = Float32Array.from({ length: components }, () => rng.uniform() * 2 * Math.PI);
  return { inputs, components, omega, phase };
}

/** Maps `rows` row-major inputs (rows x inputs) to rows x components features, written into `out`. */
export function applyFourierMap(map: FourierMap, x: Float32Array, rows: number, out: Float32Array): Float32Array {
  const { inputs: d, components: D, omega, phase } = map;
  if (x.length < rows * d || out.length < rows * D) throw new RangeError(`Fourier map: ${rows} rows need ${rows * d} inputs and ${rows * D} outputs`);
  const norm = Math.sqrt(2 / D);
  for (let i = 0; i < rows; i++) {
    const xo = i * d;
    for (let j = 0; j < D; j++) {
      const wo = j * d;
      let s = phase[j];
      for (let k = 0; k < d; k++) s += omega[wo + k] * x[xo + k];
      out[i * D + j] = norm * Math.cos(s);
    }
  }
  return out;
}
