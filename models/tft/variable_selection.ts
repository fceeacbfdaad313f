import * as tf from "@tensorflow/tfjs";
import { type LayerArgs, oneTensor } from "../tfjs/layers/layer_args.ts";
import { grn } from "./grn.ts";
import { tfjsSeed } from "../tfjs/seed.ts";

/** Options of {@linkcode FeatureEmbedding}. */
export interface FeatureEmbeddingArgs extends LayerArgs {
  units: number;
  seed: number;
}

/** (b, L, F) -> (b, L, F, units): each feature's value times its own learned vector plus its own bias (the TFT's linear input transform). */
export class FeatureEmbedding extends tf.layers.Layer {
  /** Name in saved model.json files. */
  static readonly className = "MfFeatureEmbedding";
  readonly units: number;
  readonly seed: number;
  private kernel!: tf.LayerVariable;
  private bias!: tf.LayerVariable;

  constructor(args: FeatureEmbeddingArgs) {
    super(args);
    this.units = args.units;
    this.seed = args.seed;
  }

  override build(shape: tf.Shape | tf.Shape[]): void {
    const F = (shape as tf.Shape)[2]!;
    this.kernel = this.addWeight("kernel", [F, this.units], "float32", tf.initializers.randomNormal({ stddev: 1, seed: tfjsSeed(this.seed) }));
    this.bias = this.addWeight("bias", [F, this.units], "float32", tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(shape: tf.Shape | tf.Shape[]): tf.Shape {
    return [...(shape as tf.Shape), this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => tf.add(tf.mul(tf.expandDims(oneTensor(inputs), -1), this.kernel.read()), this.bias.read()));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), units: this.units, seed: this.seed };
  }
}

/** [(b, L, F, d) processed features, (b, L, F) weights] -> (b, L, d): the weighted sum over features at every step. */
export class WeightedSum extends tf.layers.Layer {
  /** Name in saved model.json files. */
  static readonly className = "MfWeightedSum";

  constructor(args: LayerArgs = {}) {
    super(args);
  }

  override computeOutputShape(shape: tf.Shape | tf.Shape[]): tf.Shape {
    const [features] = shape as tf.Shape[];
    return [features[0], features[1], features[3]];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    // A product and a sum, not b*L tiny products: wasm runs batched products ~5x slower than this.
    const [features, weights] = inputs as tf.Tensor[];
    return tf.tidy(() => tf.sum(tf.mul(features, tf.expandDims(weights, -1)), 2));
  }
}

/** Name of the variable selection weights, (b, L, F): what featureImportance averages. */
export const TFT_SELECTION = "tft_selection";

/**
 * Variable selection (Lim et al., 2021, sec. 4.2) at every step: features embedded to d (each its
 * own linear map), selection weights softmax(GRN(all embeddings, c_s)) over the F features, each
 * embedding through a GRN, and their weighted sum (b, L, d). The paper gives every feature its own
 * GRN; here one GRN is shared by all (each still reads its own embedding): F separate ones are one
 * batched product per layer, which tfjs's wasm backend runs ~50x slower than one product over all
 * rows (2.9 s against ~60 ms per step for 107 features, forward and backward).
 */
export function variableSelection(
  input: tf.SymbolicTensor,
  options: { units: number; dropout: number; seed: number; context: tf.SymbolicTensor },
): tf.SymbolicTensor {
  const { units, seed } = options;
  const [, L, F] = input.shape as number[];
  const embedded = new FeatureEmbedding({ units, seed }).apply(input) as tf.SymbolicTensor;
  const flat = tf.layers.reshape({ targetShape: [L, F * units] }).apply(embedded) as tf.SymbolicTensor;
  const scores = grn(flat, { units: F, hidden: units, dropout: options.dropout, seed: seed + 10, context: options.context });
  const weights = tf.layers.activation({ activation: "softmax", name: TFT_SELECTION }).apply(scores) as tf.SymbolicTensor;
  const processed = grn(embedded, { units, hidden: units, dropout: options.dropout, seed: seed + 20 });
  return new WeightedSum().apply([processed, weights]) as tf.SymbolicTensor;
}
