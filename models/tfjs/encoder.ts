import * as tf from "@tensorflow/tfjs";
import { MultiHeadAttention } from "./layers/attention.ts";
import { LayerNorm } from "./layers/layer_norm.ts";
import { SeededDropout } from "./layers/seeded_dropout.ts";
import { tfjsSeed } from "./seed.ts";

/** Options of one encoder block. */
export interface EncoderOptions {
  heads: number;
  /** Width of the feed-forward layer. */
  ff: number;
  dropout: number;
  seed: number;
}

/**
 * One pre-norm transformer encoder block over (..., T, d): x + attention(norm(x)), then
 * x + feed-forward(norm(x)), dropout on both branches. Pre-norm trains stably without warm-up.
 */
export function encoderBlock(x: tf.SymbolicTensor, options: EncoderOptions): tf.SymbolicTensor {
  const { heads, ff, dropout, seed } = options;
  const d = x.shape.at(-1)!;
  const apply = (layer: tf.layers.Layer, input: tf.SymbolicTensor | tf.SymbolicTensor[]) => layer.apply(input) as tf.SymbolicTensor;
  const drop = (t: tf.SymbolicTensor, s: number) => (dropout > 0 ? apply(new SeededDropout({ rate: dropout, seed: s }), t) : t);
  const norm = (t: tf.SymbolicTensor) => apply(new LayerNorm(), t);
  const attended = drop(apply(new MultiHeadAttention({ heads, seed }), norm(x)), seed + 2);
  x = apply(tf.layers.add(), [x, attended]);
  const hidden = apply(tf.layers.dense({ units: ff, activation: "relu", kernelInitializer: tf.initializers.heNormal({ seed: tfjsSeed(seed + 3) }) }), norm(x));
  const fed = drop(apply(tf.layers.dense({ units: d, kernelInitializer: tf.initializers.glorotUniform({ seed: tfjsSeed(seed + 4) }) }), hidden), seed + 5);
  return apply(tf.layers.add(), [x, fed]);
}
