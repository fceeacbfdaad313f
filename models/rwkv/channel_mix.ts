import * as tf from "@tensorflow/tfjs";
import { oneTensor } from "../tfjs/layers/layer_args.ts";
import { shiftSteps } from "./scan.ts";
import { channelRamp, type MixArgs, tokenShift } from "./time_mix.ts";
import { tfjsSeed } from "../tfjs/seed.ts";

/** Options of {@linkcode ChannelMix}. */
export interface ChannelMixArgs extends MixArgs {
  /** Width of the hidden layer. */
  hidden: number;
}

/**
 * RWKV channel mixing over (b, L, C): token-shifted inputs, sigmoid(x_r W_r) * (relu(x_k W_k)^2 W_v),
 * a feed-forward layer whose input also sees the previous step. Causal: step t reads steps t and t - 1.
 */
export class ChannelMix extends tf.layers.Layer {
  /** Name in saved model.json files. */
  static readonly className = "MfRwkvChannelMix";
  readonly block: number;
  readonly blocks: number;
  readonly hidden: number;
  readonly seed: number;
  private mix!: tf.LayerVariable;
  private keyKernel!: tf.LayerVariable;
  private valueKernel!: tf.LayerVariable;
  private receptanceKernel!: tf.LayerVariable;

  constructor(args: ChannelMixArgs) {
    super(args);
    this.block = args.block;
    this.blocks = args.blocks;
    this.hidden = args.hidden;
    this.seed = args.seed;
  }

  override build(shape: tf.Shape | tf.Shape[]): void {
    const C = (shape as tf.Shape).at(-1)!;
    const p = 1 - (this.blocks > 1 ? this.block / (this.blocks - 1) : 0);
    this.mix = this.addWeight("mix", [2, C], "float32", tf.initializers.zeros());
    this.keyKernel = this.addWeight("key", [C, this.hidden], "float32", tf.initializers.heNormal({ seed: tfjsSeed(this.seed) }));
    this.valueKernel = this.addWeight("value", [this.hidden, C], "float32", tf.initializers.glorotUniform({ seed: tfjsSeed(this.seed + 1) }));
    this.receptanceKernel = this.addWeight("receptance", [C, C], "float32", tf.initializers.glorotUniform({ seed: tfjsSeed(this.seed + 2) }));
    tf.tidy(() => void this.mix.write(tf.stack([channelRamp(C, p), channelRamp(C, p)])));
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = oneTensor(inputs);
      const [b, L, C] = x.shape;
      const prev = shiftSteps(x, 1);
      const [muK, muR] = tf.unstack(this.mix.read());
      const rows = (t: tf.Tensor) => tf.reshape(t, [b * L, C]);
      const k = tf.square(tf.relu(tf.matMul(rows(tokenShift(x, prev, muK)), this.keyKernel.read())));
      const r = tf.sigmoid(tf.matMul(rows(tokenShift(x, prev, muR)), this.receptanceKernel.read()));
      return tf.reshape(tf.mul(r, tf.matMul(k, this.valueKernel.read())), [b, L, C]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), block: this.block, blocks: this.blocks, hidden: this.hidden, seed: this.seed };
  }
}
