import * as tf from "@tensorflow/tfjs";
import { type LayerArgs, oneTensor } from "./layer_args.ts";
import { tfjsSeed } from "../seed.ts";

/** Options of {@linkcode MultiHeadAttention}. */
export interface AttentionArgs extends LayerArgs {
  heads: number;
  /** Seeds the projections' initialisers. */
  seed: number;
}

/**
 * Multi-head self-attention (Vaswani et al., 2017) over the second-to-last axis of (..., T, d):
 * softmax(Q K^T / sqrt(d/heads)) V per head, heads concatenated and projected back to d. Leading
 * axes are batch (PatchTST attends over the patches of each channel: (b, F, P, d)). No mask: a
 * window holds only the past, so every position may see every other. tfjs exports no such layer.
 */
export class MultiHeadAttention extends tf.layers.Layer {
  /** Name in saved model.json files. */
  static readonly className = "MfMultiHeadAttention";
  readonly heads: number;
  readonly seed: number;
  private qkv!: tf.LayerVariable;
  private qkvBias!: tf.LayerVariable;
  private out!: tf.LayerVariable;
  private outBias!: tf.LayerVariable;

  constructor(args: AttentionArgs) {
    super(args);
    this.heads = args.heads;
    this.seed = args.seed;
  }

  override build(shape: tf.Shape | tf.Shape[]): void {
    const d = (shape as tf.Shape).at(-1)!;
    if (d % this.heads !== 0) throw new RangeError(`Attention width ${d} is not divisible by ${this.heads} heads`);
    this.qkv = this.addWeight("qkv_kernel", [d, 3 * d], "float32", tf.initializers.glorotUniform({ seed: tfjsSeed(this.seed) }));
    this.qkvBias = this.addWeight("qkv_bias", [3 * d], "float32", tf.initializers.zeros());
    this.out = this.addWeight("out_kernel", [d, d], "float32", tf.initializers.glorotUniform({ seed: tfjsSeed(this.seed + 1) }));
    this.outBias = this.addWeight("out_bias", [d], "float32", tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(shape: tf.Shape | tf.Shape[]): tf.Shape {
    return shape as tf.Shape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = oneTensor(inputs);
      const d = x.shape.at(-1)!, T = x.shape.at(-2)!, n = x.size / (T * d);
      const H = this.heads, dh = d / H;
      const qkv = tf.add(tf.matMul(tf.reshape(x, [n * T, d]), this.qkv.read()), this.qkvBias.read());
      // (n*T, d) -> (n*H, T, dh): one sequence per (sample, head).
      const split = (t: tf.Tensor) => tf.reshape(tf.transpose(tf.reshape(t, [n, T, H, dh]), [0, 2, 1, 3]), [n * H, T, dh]);
      const [q, k, v] = tf.split(qkv, 3, 1).map(split);
      const weights = tf.softmax(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(dh)));
      const heads = tf.reshape(tf.transpose(tf.reshape(tf.matMul(weights, v), [n, H, T, dh]), [0, 2, 1, 3]), [n * T, d]);
      return tf.reshape(tf.add(tf.matMul(heads, this.out.read()), this.outBias.read()), x.shape);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), heads: this.heads, seed: this.seed };
  }
}
