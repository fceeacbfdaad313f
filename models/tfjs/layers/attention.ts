import * as tf from "@tensorflow/tfjs";
import { type AttentionArgs, AttentionLayer } from "./attention_base.ts";
import { attentionFused, planAttention } from "../webgpu/attention_fused.ts";

/**
 * Multi-head self-attention (Vaswani et al., 2017) over the second-to-last axis of (..., T, d):
 * softmax(Q K^T / sqrt(d/heads)) V per head, heads concatenated and projected back to d. Leading
 * axes are batch (PatchTST attends over the patches of each channel: (b, F, P, d)). No mask: a
 * window holds only the past, so every position may see every other. tfjs exports no such layer.
 */
export class MultiHeadAttention extends AttentionLayer {
  /** Name in saved model.json files. */
  static readonly className = "MfMultiHeadAttention";
  /** On webgpu, the path the last call took: "fused" kernels or "unfused (why)"; empty elsewhere. */
  kernels = "";
  private readonly notePath = (path: string) => void (this.kernels = path);

  constructor(args: AttentionArgs) {
    super(args, { heads: args.heads, seed: args.seed });
  }

  protected attend(x: tf.Tensor): tf.Tensor {
    const { rows, n, T, d } = this.rowsOf(x);
    // on webgpu (models/tfjs/webgpu/attention_fused.ts): the projections with their biases are one product each, and
    // scores, softmax and the weighted sum one kernel that reads q, k, v from the projected rows and writes the heads
    // merged; one kernel back writes d(qkv) whole, so no split, transpose or head merge surrounds it either way
    const plan = planAttention({ sequences: n, steps: T, width: d, heads: this.heads }, false, this.notePath);
    if (plan) return tf.reshape(this.projectFused(attentionFused(this.projectFused(rows, "qkv") as tf.Tensor2D, plan), "out"), x.shape);
    const [q, k, v] = tf.split(this.project(rows, "qkv"), 3, 1).map((t) => this.splitHeads(t, n, T));
    return tf.reshape(this.project(this.mergeHeads(tf.matMul(tf.softmax(this.scores(q, k)), v)), "out"), x.shape);
  }

  /** rows times `<name>_kernel` plus `<name>_bias` as one fused product (one dispatch on webgpu). */
  private projectFused(rows: tf.Tensor, name: string): tf.Tensor {
    return tf.fused.matMul({ a: rows as tf.Tensor2D, b: this.w[`${name}_kernel`].read() as tf.Tensor2D, bias: this.w[`${name}_bias`].read() });
  }
}
