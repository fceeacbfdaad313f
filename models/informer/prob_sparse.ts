import * as tf from "@tensorflow/tfjs";
import { causalMask } from "../tfjs/causal_mask.ts";
import { type AttentionArgs, AttentionLayer } from "../tfjs/layers/attention_base.ts";

/** Options of {@linkcode ProbSparseAttention}. */
export interface ProbSparseArgs extends AttentionArgs {
  /** The sampling factor c: u = c ceil(ln T) queries attend, the others take the running mean of the values. */
  factor: number;
}

/** Active queries of a T-step sequence: u = min(T, factor ceil(ln T)), at least 1. */
export function activeQueries(T: number, factor: number): number {
  return Math.max(1, Math.min(T, factor * Math.ceil(Math.log(T))));
}

/**
 * Informer's ProbSparse self-attention (Zhou et al., 2021) over (b, T, d), in its masked (causal)
 * form, u = c ceil(ln T) (activeQueries). Each query's sparsity measure is M(q_i) = max_j s_ij -
 * mean_j s_ij (s = q k^T / sqrt(d/H)) over u keys, as the paper measures on u sampled keys; here
 * the u most recent keys j in (i - u, i], so every measure reads the past only and measures of
 * different steps compare like with like (over all keys j <= i, later queries see more keys and
 * their max - mean grows with the count alone). A query attends (softmax over keys j <= i) when
 * fewer than u queries of the steps up to it have a larger measure: it is in the top u of its own
 * prefix (ranking over the whole window, as the paper's decoder does, would let later steps decide
 * whether an earlier one attends). Lazy queries output the running mean of the values up to their
 * step, the causal form of the unmasked version's mean of all values. Scores are computed densely
 * (gathering the u queries saves nothing at window lengths of tens), so the cost is full attention's.
 */
export class ProbSparseAttention extends AttentionLayer {
  /** Name in saved model.json files. */
  static readonly className = "MfProbSparseAttention";
  readonly factor: number;

  constructor(args: ProbSparseArgs) {
    super(args, { heads: args.heads, factor: args.factor, seed: args.seed });
    this.factor = args.factor;
  }

  protected attend(x: tf.Tensor): tf.Tensor {
    const { rows, n: b, T, d } = this.rowsOf(x);
    const [q, k, v] = tf.split(this.project(rows, "qkv"), 3, 1).map((t) => this.splitHeads(t, b, T)); // (b, H, T, dh)
    const scores = this.scores(q, k);
    const u = activeQueries(T, this.factor);
    const lower = tf.linalg.bandPart(tf.ones([T, T]), -1, 0); // 1 where key j <= query i
    const recent = tf.linalg.bandPart(tf.ones([T, T]), u - 1, 0); // 1 where i - u < j <= i
    const steps = tf.range(1, T + 1).reshape([T, 1]); // keys each query attends to
    const masked = tf.add(scores, causalMask(T));
    const measured = tf.add(scores, tf.mul(tf.sub(1, recent), -1e9));
    const measure = tf.sub(tf.max(measured, -1), tf.div(tf.sum(tf.mul(scores, recent), -1), tf.minimum(steps, u).reshape([T]))); // (b, H, T)
    // larger[i][j] = 1 when an earlier-or-same step j has a larger measure than i; step() has a zero gradient.
    const larger = tf.mul(tf.step(tf.sub(tf.expandDims(measure, -2), tf.expandDims(measure, -1))), lower);
    const active = tf.expandDims(tf.step(tf.sub(u - 0.5, tf.sum(larger, -1))), -1); // (b, H, T, 1)
    // A lazy query's running mean is attention with weights 1/(i+1) on keys j <= i, so both kinds share one product with v.
    const meanWeights = tf.div(lower, steps);
    const weights = tf.add(tf.mul(active, tf.softmax(masked)), tf.mul(tf.sub(1, active), meanWeights));
    return tf.reshape(this.project(this.mergeHeads(tf.matMul(weights, v)), "out"), [b, T, d]);
  }
}
