import * as tf from "@tensorflow/tfjs";

/** Additive causal mask (T, T) for attention scores: 0 where key j <= query i, -1e9 above the diagonal, so softmax gives later steps exactly zero weight. */
export function causalMask(T: number): tf.Tensor2D {
  return tf.tensor2d(Float32Array.from({ length: T * T }, (_, k) => (k % T > Math.floor(k / T) ? -1e9 : 0)), [T, T]);
}
