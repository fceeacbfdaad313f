import * as tf from "@tensorflow/tfjs";
import { type LayerArgs, oneTensor } from "../tfjs/layers/layer_args.ts";
import { fusedKernels } from "../tfjs/webgpu/fused_flag.ts";

/** Options of {@linkcode Interpolate}. */
export interface InterpolateArgs extends LayerArgs {
  /** Steps of the output. */
  length: number;
}

/**
 * (b, K, F) -> (b, length, F): linear interpolation along time from K evenly spaced knots to
 * `length` steps, as N-HiTS expands a block's few coefficients to the full window. A fixed (K x
 * length) matrix, applied as one product. On webgpu with the fused flag on the (length x K) transpose
 * multiplies each sample's (K, F) as one broadcast batched product, with no transposes of x either way
 * (the same values within rounding; cpu/wasm keep the per-channel product).
 */
export class Interpolate extends tf.layers.Layer {
  /** Name in saved model.json files. */
  static readonly className = "MfInterpolate";
  readonly length: number;
  /** On webgpu, the path the last call took: "fused" (one broadcast product each way) or "unfused (why)"; empty elsewhere. */
  kernels = "";

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
      if (tf.getBackend() === "webgpu") {
        this.kernels = fusedKernels() ? "fused" : "unfused (fused kernels off)";
        // (1, length, K) x (b, K, F): tfjs's transposes of x before and after the product (and again backward) were
        // four of N-HiTS' dispatches per block; the batched product broadcasts the matrix over the samples instead
        if (fusedKernels()) return tf.matMul(tf.tensor3d(transposed(interpolationMatrix(K, this.length), K, this.length), [1, this.length, K]), x);
      }
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

// (K x n) row-major -> (n x K) row-major
function transposed(m: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(m.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = m[r * cols + c];
  return t;
}
