import * as tf from "@tensorflow/tfjs";
import { type AttentionArgs, AttentionLayer } from "./attention_base.ts";

/**
 * Multi-head self-attention (Vaswani et al., 2017) over the second-to-last axis of (..., T, d):
 * softmax(Q K^T / sqrt(d/heads)) V per head, heads concatenated and projected back to d. Leading
 * axes are batch (PatchTST attends over the patches of each channel: (b, F, P, d)). No mask: a
 * window holds only the past, so every position may see every other. tfjs exports no such layer.
 */
export class MultiHeadAttention extends AttentionLayer {
  /** Name in saved model.json files. */
  static readonly className = "MfMultiHeadAttention";

  constructor(args: AttentionArgs) {
    super(args, { heads: args.heads, seed: args.seed });
  }

  protected attend(x: tf.Tensor): tf.Tensor {
    const { rows, n, T } = this.rowsOf(x);
    const [q, k, v] = tf.split(this.project(rows, "qkv"), 3, 1).map((t) => this.splitHeads(t, n, T));
    return tf.reshape(this.project(this.mergeHeads(tf.matMul(tf.softmax(this.scores(q, k)), v)), "out"), x.shape);
  }
}
