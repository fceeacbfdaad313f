import * as tf from "@tensorflow/tfjs";
import { causalMask } from "../tfjs/causal_mask.ts";
import { type LayerArgs, oneTensor } from "../tfjs/layers/layer_args.ts";
import { tfjsSeed } from "../tfjs/seed.ts";

/** Options of {@linkcode InterpretableAttention}. */
export interface InterpretableAttentionArgs extends LayerArgs {
  heads: number;
  seed: number;
}

/**
 * The TFT's interpretable multi-head self-attention (Lim et al., 2021, eq. 13-16) over (b, T, d):
 * each head h has its own query and key projections (d -> d/H) but all share one value projection
 * (d -> d/H); the heads' attention matrices softmax(Q_h K_h^T / sqrt(d/H) + mask) are averaged, so one
 * (T x T) matrix says which steps were used, and applied to the shared values; W_H maps back to d.
 * The mask is causal: step t attends to steps <= t only.
 */
export class InterpretableAttention extends tf.layers.Layer {
  /** Name in saved model.json files. */
  static readonly className = "MfInterpretableAttention";
  readonly heads: number;
  readonly seed: number;
  private qk!: tf.LayerVariable;
  private value!: tf.LayerVariable;
  private out!: tf.LayerVariable;

  constructor(args: InterpretableAttentionArgs) {
    super(args);
    this.heads = args.heads;
    this.seed = args.seed;
  }

  override build(shape: tf.Shape | tf.Shape[]): void {
    const d = (shape as tf.Shape).at(-1)!;
    if (d % this.heads !== 0) throw new RangeError(`Attention width ${d} is not divisible by ${this.heads} heads`);
    const dh = d / this.heads;
    this.qk = this.addWeight("qk_kernel", [d, 2 * d], "float32", tf.initializers.glorotUniform({ seed: tfjsSeed(this.seed) }));
    this.value = this.addWeight("value_kernel", [d, dh], "float32", tf.initializers.glorotUniform({ seed: tfjsSeed(this.seed + 1) }));
    this.out = this.addWeight("out_kernel", [dh, d], "float32", tf.initializers.glorotUniform({ seed: tfjsSeed(this.seed + 2) }));
    this.built = true;
  }

  override computeOutputShape(shape: tf.Shape | tf.Shape[]): tf.Shape {
    return shape as tf.Shape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = oneTensor(inputs);
      const [b, T, d] = x.shape;
      const H = this.heads, dh = d / H;
      const rows = tf.reshape(x, [b * T, d]);
      // (b*T, d) -> (b, H, T, dh): one sequence per (sample, head).
      const perHead = (t: tf.Tensor) => tf.transpose(tf.reshape(t, [b, T, H, dh]), [0, 2, 1, 3]);
      const [q, k] = tf.split(tf.matMul(rows, this.qk.read()), 2, 1).map(perHead);
      const scores = tf.add(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(dh)), causalMask(T));
      const averaged = tf.mean(tf.softmax(scores), 1); // (b, T, T)
      const v = tf.reshape(tf.matMul(rows, this.value.read()), [b, T, dh]);
      return tf.reshape(tf.matMul(tf.reshape(tf.matMul(averaged, v), [b * T, dh]), this.out.read()), [b, T, d]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), heads: this.heads, seed: this.seed };
  }
}
