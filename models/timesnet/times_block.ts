import * as tf from "@tensorflow/tfjs";
import { type LayerArgs, oneTensor } from "../tfjs/layers/layer_args.ts";
import { causalConv2d, meanCausalKernel } from "./causal_conv2d.ts";
import { candidatePeriods, prefixAmplitudes, topKMask } from "./periods.ts";
import { tfjsSeed } from "../tfjs/seed.ts";

/** Options of {@linkcode TimesBlock}. */
export interface TimesBlockArgs extends LayerArgs {
  /** Periods weighted per step. */
  topK: number;
  /** Inception kernels: causal k x k convolutions for k = 1 .. kernels, averaged. */
  kernels: number;
  /** Channels between the two inception blocks. */
  ff: number;
  seed: number;
}

/** GELU as x sigmoid(1.702 x) (Hendrycks & Gimpel's approximation; tfjs ops have no GELU). */
function gelu(x: tf.Tensor): tf.Tensor {
  return tf.mul(x, tf.sigmoid(tf.mul(x, 1.702)));
}

/**
 * TimesNet's block (Wu et al., 2023) over (b, T, d), in causal form. For each candidate period p
 * (T / f for the frequencies f of the window) the series is front-padded to a multiple of p and
 * folded to a 2-D grid (b, cycles, p, d): row r holds cycle r, column c phase c, step r p + c. An
 * inception block (causal k x k convolutions, k = 1 .. kernels, averaged; GELU; the same again back
 * to d) reads each grid, with weights shared by all periods, and the grid is unfolded. Each step
 * weights the periods of its top-k frequencies by the softmax of their amplitudes, where the paper
 * picks them from the whole window's spectrum: here from the spectrum of the window up to that step.
 * The convolutions are causal on the grid (zero padding above and to the left), so output r p + c
 * reads only cells (r' <= r, c' <= c): steps <= r p + c.
 */
export class TimesBlock extends tf.layers.Layer {
  /** Name in saved model.json files. */
  static readonly className = "MfTimesBlock";
  readonly topK: number;
  readonly kernels: number;
  readonly ff: number;
  readonly seed: number;
  private convs: tf.LayerVariable[] = [];

  constructor(args: TimesBlockArgs) {
    super(args);
    this.topK = args.topK;
    this.kernels = args.kernels;
    this.ff = args.ff;
    this.seed = args.seed;
  }

  override build(shape: tf.Shape | tf.Shape[]): void {
    const d = (shape as tf.Shape).at(-1)!;
    this.convs = [];
    for (let k = 1; k <= this.kernels; k++) {
      const he = (s: number) => tf.initializers.heNormal({ seed: tfjsSeed(this.seed + 10 * k + s) });
      this.convs.push(
        this.addWeight(`in_${k}`, [k, k, d, this.ff], "float32", he(0)),
        this.addWeight(`in_bias_${k}`, [this.ff], "float32", tf.initializers.zeros()),
        this.addWeight(`out_${k}`, [k, k, this.ff, d], "float32", he(1)),
        this.addWeight(`out_bias_${k}`, [d], "float32", tf.initializers.zeros()),
      );
    }
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = oneTensor(inputs);
      const [b, T] = x.shape;
      const { ofFrequency, distinct } = candidatePeriods(T);
      if (ofFrequency.length === 0) return tf.zerosLike(x); // a 1-step window has no period
      const amplitudes = prefixAmplitudes(x); // (b, T, F)
      const chosen = topKMask(amplitudes, Math.min(this.topK, ofFrequency.length));
      const weights = tf.softmax(tf.add(amplitudes, tf.mul(tf.sub(1, chosen), -1e9)));
      // frequency weights summed per distinct period: (b*T, F) x (F, P)
      const assign = tf.tensor2d(ofFrequency.flatMap((p) => distinct.map((q) => (p === q ? 1 : 0))), [ofFrequency.length, distinct.length]);
      const perPeriod = tf.reshape(tf.matMul(tf.reshape(weights, [b * T, ofFrequency.length]), assign), [b, T, distinct.length]);
      const outputs = distinct.map((p, i) => tf.mul(this.fold(x, p), tf.slice(perPeriod, [0, 0, i], [b, T, 1])));
      return outputs.length === 1 ? outputs[0] : tf.addN(outputs);
    });
  }

  /** The inception block on x folded by period p, unfolded back to (b, T, d). */
  private fold(x: tf.Tensor, p: number): tf.Tensor {
    const [b, T, d] = x.shape;
    const rows = Math.ceil(T / p), pad = rows * p - T;
    const grid = tf.reshape(pad > 0 ? tf.pad(x, [[0, 0], [pad, 0], [0, 0]]) : x, [b, rows, p, d]);
    const hidden = gelu(this.inception(grid, 0));
    const out = tf.reshape(this.inception(hidden, 2), [b, rows * p, d]);
    return pad > 0 ? tf.slice(out, [0, pad, 0], [b, T, d]) : out;
  }

  /**
   * Mean of the causal k x k convolutions (k = 1 .. kernels) with the weights at offset `which` (0: in,
   * 2: out), run as one K x K convolution with the mean kernel (K^2 taps and one product, not
   * 1 + 4 + ... + K^2 taps and K products).
   */
  private inception(grid: tf.Tensor, which: 0 | 2): tf.Tensor {
    const K = this.kernels;
    const kernel = meanCausalKernel(Array.from({ length: K }, (_, i) => this.convs[4 * i + which].read()));
    const biases = Array.from({ length: K }, (_, i) => this.convs[4 * i + which + 1].read());
    return causalConv2d(grid, kernel, K === 1 ? biases[0] : tf.div(tf.addN(biases), K));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), topK: this.topK, kernels: this.kernels, ff: this.ff, seed: this.seed };
  }
}
