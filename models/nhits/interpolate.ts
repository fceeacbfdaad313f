import * as tf from "@tensorflow/tfjs";
import { type LayerArgs, oneTensor } from "../tfjs/layers/layer_args.ts";

/** Options of {@linkcode Interpolate}. */
export interface InterpolateArgs extends LayerArgs {
  /** Steps of the output. */
  length: number;
}

/**
 * (b, K, F) -> (b, length, F): linear interpolation along time from K evenly spaced knots to
 * `length` steps, as N-HiTS expands a block's few coefficients to the full window. A fixed (K x
 * length) matrix, applied as one product.
 */
export class Interpolate extends tf.layers.Layer {
  /** Name in saved model.json files. */
  static readonly className = "MfInterpolate";
  readonly length: number;

  constructor(args: InterpolateArgs) {
    super(args);
    this.length = args.length;
  }

  override computeOutputShape(shape: tf.Shape | tf.Shape[]): tf.Shape {
    const [b, , F] = shape as tf.Shape;
    return [b, this.length, F];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = oneTensor(inputs);
      const [b, K, F] = x.shape;
      const perChannel = tf.reshape(tf.transpose(x, [0, 2, 1]), [b * F, K]);
      const out = tf.matMul(perChannel, tf.tensor2d(interpolationMatrix(K, this.length), [K, this.length]));
      return tf.transpose(tf.reshape(out, [b, F, this.length]), [0, 2, 1]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), length: this.length };
  }
}

/** (K x n) row-major weights: output step t takes knot positions t (K-1)/(n-1), linearly. */
export function interpolationMatrix(knots: number, n: number): Float32Array {
  const m = new Float32Array(knots * n);
  for (let t = 0; t < n; t++) {
    const s = n === 1 || knots === 1 ? 0 : (t * (knots - 1)) / (n - 1);
    const lo = Math.floor(s), hi = Math.min(lo + 1, knots - 1), w = s - lo;
    m[lo * n + t] += 1 - w;
    m[hi * n + t] += w;
  }
  return m;
}
