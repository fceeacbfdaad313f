import * as tf from "@tensorflow/tfjs";
import { tanh } from "../tfjs/fast_kernels.ts";
import { type LayerArgs, oneTensor } from "../tfjs/layers/layer_args.ts";

/**
 * WaveNet's gated activation over (..., 2C): tanh of the first C channels times the sigmoid of the
 * last C, giving (..., C). One convolution makes both halves, so a layer costs one product, not two.
 */
export class GatedActivation extends tf.layers.Layer {
  /** Name in saved model.json files. */
  static readonly className = "MfGatedActivation";

  constructor(args: LayerArgs = {}) {
    super(args);
  }

  override computeOutputShape(shape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = shape as tf.Shape;
    const channels = s.at(-1)!;
    if (channels % 2 !== 0) throw new RangeError(`A gated activation needs an even channel count (filter and gate halves), got ${channels}`);
    return [...s.slice(0, -1), channels / 2];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = oneTensor(inputs);
      const channels = x.shape.at(-1)!;
      if (channels % 2 !== 0) throw new RangeError(`A gated activation needs an even channel count (filter and gate halves), got ${channels}`);
      const [filter, gate] = tf.split(x, 2, -1);
      return tf.mul(tanh(filter), tf.sigmoid(gate));
    });
  }
}
