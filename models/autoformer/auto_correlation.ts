import * as tf from "@tensorflow/tfjs";
import { AttentionLayer } from "../tfjs/layers/attention_base.ts";
import type { LayerArgs } from "../tfjs/layers/layer_args.ts";
import { irfft, rfft } from "../tfjs/spectral.ts";

/** Options of {@linkcode AutoCorrelation}. */
export interface AutoCorrelationArgs extends LayerArgs {
  /** c in k = c ceil(ln T): the lags each step aggregates. */
  factor: number;
  seed: number;
}

/** Lags aggregated per step of a T-step series: min(T, factor ceil(ln T)), at least 1. */
export function topLags(T: number, factor: number): number {
  return Math.max(1, Math.min(T, factor * Math.ceil(Math.log(T))));
}

/** (T, T) prefix mask: row t keeps steps s <= t. */
function prefixMask(T: number): tf.Tensor {
  return tf.linalg.bandPart(tf.ones([T, T]), -1, 0);
}

/** (T, T, T) table E[t][tau][j] = 1 when j = t - tau: turns per-lag weights into per-step ones. */
function delayTable(T: number): tf.Tensor3D {
  const e = new Float32Array(T * T * T);
  for (let t = 0; t < T; t++) for (let tau = 0; tau <= t; tau++) e[(t * T + tau) * T + (t - tau)] = 1;
  return tf.tensor3d(e, [T, T, T]);
}

/**
 * Autoformer's auto-correlation (Wu et al., 2021) over (b, T, d), in causal form. For each step t the
 * correlation of queries and keys of the window up to t at every lag tau, R_t(tau) = mean over
 * channels and over s of q_s k_(s - tau) for tau <= s <= t, is computed with the real FFT (each
 * prefix zero-padded to 2T, so lags do not wrap around: the spectrum of the prefix's queries times
 * the conjugate spectrum of its keys, back to lags). The k = c ceil(ln T) lags with the largest R_t,
 * ranked among lags 0 .. t, are aggregated: out_t = sum softmax(R_t(tau)) v_(t - tau) (time-delay
 * aggregation, the value that many steps back). The paper correlates whole series with circular
 * shifts, which lets each step read later ones; this form reads only steps <= t.
 */
export class AutoCorrelation extends AttentionLayer {
  /** Name in saved model.json files. */
  static readonly className = "MfAutoCorrelation";
  readonly factor: number;

  constructor(args: AutoCorrelationArgs) {
    super(args, { factor: args.factor, seed: args.seed });
    this.factor = args.factor;
  }

  protected attend(x: tf.Tensor): tf.Tensor {
    const { rows, n: b, T, d } = this.rowsOf(x);
    const [q, k, v] = tf.split(this.project(rows, "qkv"), 3, 1).map((t) => tf.reshape(t, [b, T, d]));
    const correlation = this.correlation(q, k); // (b, T_t, T_tau)
    const K = topLags(T, this.factor);
    // Lags above t are no lags of step t; each step ranks its own lags (step() has a zero gradient).
    const valid = prefixMask(T);
    const scored = tf.add(tf.mul(correlation, valid), tf.mul(tf.sub(1, valid), -1e9));
    const larger = tf.sum(tf.step(tf.sub(tf.expandDims(scored, -2), tf.expandDims(scored, -1))), -1);
    const chosen = tf.mul(tf.step(tf.sub(K - 0.5, larger)), valid);
    const weights = tf.softmax(tf.add(scored, tf.mul(tf.sub(1, chosen), -1e9))); // (b, T_t, T_tau)
    // per-lag weights -> per-step weights A[t][j] = w[t][t - j], then one product with the values
    const perStep = tf.transpose(tf.matMul(tf.transpose(weights, [1, 0, 2]), delayTable(T)), [1, 0, 2]);
    return tf.reshape(this.project(tf.reshape(tf.matMul(perStep, v), [b * T, d]), "out"), [b, T, d]);
  }

  /** R_t(tau) (b, T, T): channel-mean correlation of each prefix's queries with the keys, divided by the t + 1 - tau terms. */
  private correlation(q: tf.Tensor, k: tf.Tensor): tf.Tensor {
    const T = q.shape[1]!, n = 2 * T;
    // Queries and keys both cut to each prefix, (b, T_t, d, T_s): later steps enter as exact zeros, so
    // not even the transforms' rounding carries them into step t.
    const prefixes = (x: tf.Tensor) => tf.mul(tf.expandDims(tf.transpose(x, [0, 2, 1]), 1), tf.reshape(prefixMask(T), [1, T, 1, T]));
    const { re: qr, im: qi } = rfft(prefixes(q), n);
    const { re: kr, im: ki } = rfft(prefixes(k), n);
    // prefix spectrum times the keys' conjugate spectrum, averaged over channels
    const re = tf.mean(tf.add(tf.mul(qr, kr), tf.mul(qi, ki)), 2), im = tf.mean(tf.sub(tf.mul(qi, kr), tf.mul(qr, ki)), 2);
    const sums = irfft({ re, im }, n, T); // (b, T_t, T_tau)
    const terms = Float32Array.from({ length: T * T }, (_, z) => Math.max(Math.floor(z / T) + 1 - (z % T), 1));
    return tf.div(sums, tf.tensor2d(terms, [T, T]));
  }
}
