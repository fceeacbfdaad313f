import * as tf from "@tensorflow/tfjs";
import { type LayerArgs, oneTensor } from "../tfjs/layers/layer_args.ts";
import { irfft, rfft } from "../tfjs/spectral.ts";
import { tfjsSeed } from "../tfjs/seed.ts";

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
export class AutoCorrelation extends tf.layers.Layer {
  /** Name in saved model.json files. */
  static readonly className = "MfAutoCorrelation";
  readonly factor: number;
  readonly seed: number;
  private qkv!: tf.LayerVariable;
  private qkvBias!: tf.LayerVariable;
  private out!: tf.LayerVariable;
  private outBias!: tf.LayerVariable;

  constructor(args: AutoCorrelationArgs) {
    super(args);
    this.factor = args.factor;
    this.seed = args.seed;
  }

  override build(shape: tf.Shape | tf.Shape[]): void {
    const d = (shape as tf.Shape).at(-1)!;
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
      const [b, T, d] = x.shape;
      const [q, k, v] = tf.split(tf.add(tf.matMul(tf.reshape(x, [b * T, d]), this.qkv.read()), this.qkvBias.read()), 3, 1)
        .map((t) => tf.reshape(t, [b, T, d]));
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
      const aggregated = tf.reshape(tf.matMul(perStep, v), [b * T, d]);
      return tf.reshape(tf.add(tf.matMul(aggregated, this.out.read()), this.outBias.read()), [b, T, d]);
    });
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

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), factor: this.factor, seed: this.seed };
  }
}
