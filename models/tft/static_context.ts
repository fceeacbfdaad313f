import * as tf from "@tensorflow/tfjs";
import { type LayerArgs, oneTensor } from "../tfjs/layers/layer_args.ts";
import { tfjsSeed } from "../tfjs/seed.ts";

/** Options of {@linkcode LearnedContext}. */
export interface LearnedContextArgs extends LayerArgs {
  units: number;
  seed: number;
}

/**
 * The TFT's static covariate input when there is none: one learned vector (units) given to every
 * sample, (b, ...) -> (b, units). Models see only the window's features, not the symbol id, so a
 * per-symbol embedding cannot be looked up; this is the embedding of a single shared "symbol", and
 * the static encoders turn it into learned contexts (initial LSTM state, selection and enrichment biases).
 */
export class LearnedContext extends tf.layers.Layer {
  /** Name in saved model.json files. */
  static readonly className = "MfLearnedContext";
  readonly units: number;
  readonly seed: number;
  private embedding!: tf.LayerVariable;

  constructor(args: LearnedContextArgs) {
    super(args);
    this.units = args.units;
    this.seed = args.seed;
  }

  override build(): void {
    this.embedding = this.addWeight("embedding", [this.units], "float32", tf.initializers.randomNormal({ stddev: 1, seed: tfjsSeed(this.seed) }));
    this.built = true;
  }

  override computeOutputShape(shape: tf.Shape | tf.Shape[]): tf.Shape {
    return [(shape as tf.Shape)[0], this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    // A broadcast product, not tf.tile: tile's gradient is one slice per copy.
    return tf.tidy(() => tf.mul(tf.ones([oneTensor(inputs).shape[0], 1]), this.embedding.read()));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), units: this.units, seed: this.seed };
  }
}
