import * as tf from "@tensorflow/tfjs";
import { type LayerArgs, oneTensor } from "./layer_args.ts";

/** (batch, time, features) -> (batch, features): the newest time step, the one the label belongs to. */
export class LastStep extends tf.layers.Layer {
  /** Name in saved model.json files. */
  static readonly className = "MfLastStep";

  constructor(args: LayerArgs = {}) {
    super(args);
  }

  override computeOutputShape(shape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = shape as tf.Shape;
    return [s[0], s[s.length - 1]];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = oneTensor(inputs);
    const [b, t, f] = x.shape;
    return tf.reshape(tf.slice(x, [0, t - 1, 0], [b, 1, f]), [b, f]);
  }
}
