import * as tf from "@tensorflow/tfjs";
import { causalMask } from "../tfjs/causal_mask.ts";
import { type AttentionArgs, AttentionLayer, type AttentionWeight } from "../tfjs/layers/attention_base.ts";

/**
 * The TFT's interpretable multi-head self-attention (Lim et al., 2021, eq. 13-16) over (b, T, d):
 * each head h has its own query and key projections (d -> d/H) but all share one value projection
 * (d -> d/H); the heads' attention matrices softmax(Q_h K_h^T / sqrt(d/H) + mask) are averaged, so one
 * (T x T) matrix says which steps were used, and applied to the shared values; W_H maps back to d.
 * The mask is causal: step t attends to steps <= t only.
 */
export class InterpretableAttention extends AttentionLayer {
  /** Name in saved model.json files. */
  static readonly className = "MfInterpretableAttention";

  constructor(args: AttentionArgs) {
    super(args, { heads: args.heads, seed: args.seed });
  }

  /** Queries and keys of every head in one kernel, the shared values (d -> d/H), and W_H (d/H -> d); no biases. */
  protected override weightList(d: number, dh: number): AttentionWeight[] {
    return [["qk_kernel", [d, 2 * d], 0], ["value_kernel", [d, dh], 1], ["out_kernel", [dh, d], 2]];
  }

  protected attend(x: tf.Tensor): tf.Tensor {
    const { rows, n: b, T, d } = this.rowsOf(x);
    const [q, k] = tf.split(this.project(rows, "qk"), 2, 1).map((t) => this.splitHeads(t, b, T));
    const averaged = tf.mean(tf.softmax(tf.add(this.scores(q, k), causalMask(T))), 1); // (b, T, T)
    const v = tf.reshape(this.project(rows, "value"), [b, T, d / this.heads]);
    return tf.reshape(this.project(tf.reshape(tf.matMul(averaged, v), [b * T, d / this.heads]), "out"), [b, T, d]);
  }
}
