import * as tf from "@tensorflow/tfjs";
import { type LayerArgs, oneTensor } from "./layer_args.ts";

/**
 * Adds the sinusoidal position code of Vaswani et al. (2017) along the second-to-last axis of
 * (..., T, d): sin(t / 10000^(2i/d)) in even channels, cos in odd ones. Position T-1 is the newest
 * step. Fixed, so nothing to learn or save.
 */
export class PositionalEncoding extends tf.layers.Layer {
  /** Name in saved model.json files. */
  static readonly className = "MfPositionalEncoding";

  constructor(args: LayerArgs = {}) {
    super(args);
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = oneTensor(inputs);
    const d = x.shape.at(-1)!, T = x.shape.at(-2)!;
    const table = new Float32Array(T * d);
    for (let t = 0; t < T; t++) {
      for (let i = 0; i < d; i++) {
        const angle = t / Math.pow(10000, (2 * Math.floor(i / 2)) / d);
        table[t * d + i] = i % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
      }
    }
    return tf.tidy(() => tf.add(x, tf.tensor2d(table, [T, d])));
  }
}
