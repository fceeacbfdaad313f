import * as tf from "@tensorflow/tfjs";
import { type LayerArgs, oneTensor } from "../tfjs/layers/layer_args.ts";

/** Options of {@linkcode SeriesDecomposition}. */
export interface DecompositionArgs extends LayerArgs {
  /** Steps of the moving average. */
  kernel: number;
  /** Which part the layer outputs. */
  part: "trend" | "seasonal";
}

/**
 * (T, T) moving-average matrix: row t averages steps t - k + 1 .. t, steps before 0 replaced by
 * step 0 (Autoformer pads by repeating the ends; only the front, so no step reads a later one).
 */
export function movingAverageMatrix(T: number, k: number): tf.Tensor2D {
  const m = new Float32Array(T * T);
  for (let t = 0; t < T; t++) {
    for (let i = t - k + 1; i <= t; i++) m[t * T + Math.max(i, 0)] += 1 / k;
  }
  return tf.tensor2d(m, [T, T]);
}

/**
 * Autoformer's series decomposition block (Wu et al., 2021) over (b, T, C), made causal: the trend
 * is a trailing moving average of `kernel` steps, the seasonal part the input minus it. The layer
 * outputs one part; a block applies it twice. The average is one product with a fixed matrix.
 */
export class SeriesDecomposition extends tf.layers.Layer {
  /** Name in saved model.json files. */
  static readonly className = "MfSeriesDecomposition";
  readonly kernel: number;
  readonly part: "trend" | "seasonal";

  constructor(args: DecompositionArgs) {
    super(args);
    this.kernel = args.kernel;
    this.part = args.part;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = oneTensor(inputs);
      const [b, T, C] = x.shape;
      // (b, T, C) -> (b*C, T) rows of one channel's series, times the matrix's transpose.
      const series = tf.reshape(tf.transpose(x, [0, 2, 1]), [b * C, T]);
      const trend = tf.transpose(tf.reshape(tf.matMul(series, movingAverageMatrix(T, this.kernel), false, true), [b, C, T]), [0, 2, 1]);
      return this.part === "trend" ? trend : tf.sub(x, trend);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), kernel: this.kernel, part: this.part };
  }
}
