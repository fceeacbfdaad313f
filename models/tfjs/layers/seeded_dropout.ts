import * as tf from "@tensorflow/tfjs";
import { type LayerArgs, oneTensor } from "./layer_args.ts";
import { dropoutFused } from "../webgpu/dropout.ts";
import { fusedKernels } from "../webgpu/fused_flag.ts";

/** Options of {@linkcode SeededDropout}. */
export interface SeededDropoutArgs extends LayerArgs {
  rate: number;
  seed: number;
}

/**
 * Dropout that is reproducible for a seed and still draws a fresh mask at every training call.
 * tfjs's own Dropout with a seed builds a new generator from that seed on each call, so every
 * batch gets the same mask (a fixed sub-network, not dropout); without a seed it is not
 * reproducible. Here call k of a layer seeded s uses the seed "s:k".
 */
export class SeededDropout extends tf.layers.Layer {
  /** Name in saved model.json files. */
  static readonly className = "MfSeededDropout";
  readonly rate: number;
  readonly seed: number;
  private calls = 0;

  constructor(args: SeededDropoutArgs) {
    super(args);
    this.rate = args.rate;
    this.seed = args.seed;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const x = oneTensor(inputs);
    if (!kwargs.training || this.rate === 0) return x;
    const seed = `${this.seed}:${this.calls++}`;
    // on webgpu one kernel each way (webgpu/dropout.ts) instead of five, from the same draws
    if (tf.getBackend() === "webgpu" && fusedKernels()) return dropoutFused(x, this.rate, seed);
    return tf.dropout(x, this.rate, undefined, seed);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed };
  }
}
