import * as tf from "@tensorflow/tfjs";
import { type LayerArgs, oneTensor } from "../tfjs/layers/layer_args.ts";
import { shiftSteps, wkv } from "./scan.ts";
import { tfjsSeed } from "../tfjs/seed.ts";

/** Options of the RWKV mixing layers. */
export interface MixArgs extends LayerArgs {
  /** Position of the block (0-based) and the number of blocks: the initial mixes and decays depend on depth, as in RWKV. */
  block: number;
  blocks: number;
  seed: number;
}

/** RWKV's token shift: each channel of x mixed with the previous step's, x mu + shift(x) (1 - mu), mu (C) learned. */
export function tokenShift(x: tf.Tensor, xPrev: tf.Tensor, mu: tf.Tensor): tf.Tensor {
  return tf.add(tf.mul(x, mu), tf.mul(xPrev, tf.sub(1, mu)));
}

/** Values in [0, 1) rising over the C channels to the power `p`: RWKV's channel-dependent starting mixes. */
export function channelRamp(C: number, p: number): tf.Tensor1D {
  return tf.tensor1d(Array.from({ length: C }, (_, c) => Math.pow(c / C, p)));
}

/**
 * RWKV time mixing over (b, L, C): token-shifted receptance r, key k and value v (each C x C),
 * the WKV recurrence with a learned per-channel decay w = exp(decay) and current-step bonus u
 * (see {@linkcode wkv}), gated by sigmoid(r) and projected back. Causal: step t reads steps <= t.
 */
export class TimeMix extends tf.layers.Layer {
  /** Name in saved model.json files. */
  static readonly className = "MfRwkvTimeMix";
  readonly block: number;
  readonly blocks: number;
  readonly seed: number;
  private mix!: tf.LayerVariable;
  private decay!: tf.LayerVariable;
  private bonus!: tf.LayerVariable;
  private kernel!: tf.LayerVariable;
  private outKernel!: tf.LayerVariable;

  constructor(args: MixArgs) {
    super(args);
    this.block = args.block;
    this.blocks = args.blocks;
    this.seed = args.seed;
  }

  override build(shape: tf.Shape | tf.Shape[]): void {
    const C = (shape as tf.Shape).at(-1)!;
    const ratio = this.blocks > 1 ? this.block / (this.blocks - 1) : 0;
    // mixes of k, v, r (3, C); the receptance, key and value kernels side by side (C, 3C)
    this.mix = this.addWeight("mix", [3, C], "float32", tf.initializers.zeros());
    this.decay = this.addWeight("decay", [C], "float32", tf.initializers.zeros());
    this.bonus = this.addWeight("bonus", [C], "float32", tf.initializers.constant({ value: Math.log(0.3) }));
    this.kernel = this.addWeight("kernel", [C, 3 * C], "float32", tf.initializers.glorotUniform({ seed: tfjsSeed(this.seed) }));
    this.outKernel = this.addWeight("output", [C, C], "float32", tf.initializers.glorotUniform({ seed: tfjsSeed(this.seed + 1) }));
    tf.tidy(() => {
      const p = 1 - ratio;
      this.mix.write(tf.stack([channelRamp(C, p), tf.add(channelRamp(C, p), 0.3 * ratio), channelRamp(C, 0.5 * p)]));
      // decays from slow (exp(-5) per step) to fast (exp(3)) across channels: memories of many lengths
      this.decay.write(tf.tensor1d(Array.from({ length: C }, (_, c) => -5 + 8 * Math.pow(c / Math.max(C - 1, 1), 0.7 + 1.3 * ratio))));
    });
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = oneTensor(inputs);
      const [b, L, C] = x.shape;
      const prev = shiftSteps(x, 1);
      const [muK, muV, muR] = tf.unstack(this.mix.read());
      const rows = (t: tf.Tensor) => tf.reshape(t, [b * L, C]);
      const [wk, wv, wr] = tf.split(this.kernel.read(), 3, 1);
      const back = (t: tf.Tensor) => tf.reshape(t, [b, L, C]);
      const k = back(tf.matMul(rows(tokenShift(x, prev, muK)), wk));
      const v = back(tf.matMul(rows(tokenShift(x, prev, muV)), wv));
      const r = tf.sigmoid(tf.matMul(rows(tokenShift(x, prev, muR)), wr));
      const mixed = tf.mul(r, rows(wkv(k, v, tf.exp(this.decay.read()), this.bonus.read())));
      return back(tf.matMul(mixed, this.outKernel.read()));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), block: this.block, blocks: this.blocks, seed: this.seed };
  }
}
