import * as tf from "@tensorflow/tfjs";
import { type LayerArgs, oneTensor } from "../tfjs/layers/layer_args.ts";

/** Steps after one distilling halving of T steps. */
export function distilledLength(T: number): number {
  return Math.ceil(T / 2);
}

/** The input step each output step of `distils` halvings of an L-step window ends at (the newest step stays the newest). */
export function distilledTimes(L: number, distils: number): number[] {
  let times = Array.from({ length: L }, (_, t) => t);
  for (let k = 0; k < distils; k++) {
    const T = times.length, S = distilledLength(T);
    times = Array.from({ length: S }, (_, s) => times[T - 1 - 2 * (S - 1 - s)]);
  }
  return times;
}

/**
 * Informer's distilling max-pool (kernel 3, stride 2) made causal, (b, T, C) -> (b, ceil(T/2), C):
 * output s is the max over steps t_s - 2 .. t_s, where t_s = T - 1 - 2 (ceil(T/2) - 1 - s), so the
 * newest step ends the last window and no window reaches past its end (steps before 0 are ignored).
 */
export class CausalMaxPool extends tf.layers.Layer {
  /** Name in saved model.json files. */
  static readonly className = "MfCausalMaxPool";

  constructor(args: LayerArgs = {}) {
    super(args);
  }

  override computeOutputShape(shape: tf.Shape | tf.Shape[]): tf.Shape {
    const [b, T, C] = shape as tf.Shape;
    return [b, distilledLength(T!), C];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = oneTensor(inputs);
      const [b, T, C] = x.shape;
      const padded = tf.pad(x, [[0, 0], [2, 0], [0, 0]], -1e9);
      const window = tf.maximum(tf.maximum(tf.slice(padded, [0, 0, 0], [b, T, C]), tf.slice(padded, [0, 1, 0], [b, T, C])), x);
      // Keep steps first, first + 2, ...: pairs (first + 2k - 1, first + 2k), second of each pair.
      const first = (T - 1) % 2, S = distilledLength(T);
      const tail = tf.slice(tf.pad(window, [[0, 0], [1 - first, 0], [0, 0]]), [0, 0, 0], [b, 2 * S, C]);
      return tf.reshape(tf.slice(tf.reshape(tail, [b, S, 2, C]), [0, 0, 1, 0], [b, S, 1, C]), [b, S, C]);
    });
  }
}
