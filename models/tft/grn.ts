import * as tf from "@tensorflow/tfjs";
import { type LayerArgs, oneTensor } from "../tfjs/layers/layer_args.ts";
import { LayerNorm } from "../tfjs/layers/layer_norm.ts";
import { SeededDropout } from "../tfjs/layers/seeded_dropout.ts";
import { tfjsSeed } from "../tfjs/seed.ts";

/** The gated linear unit over (..., 2C): the first C channels times the sigmoid of the last C. */
export class GatedLinearUnit extends tf.layers.Layer {
  /** Name in saved model.json files. */
  static readonly className = "MfGatedLinearUnit";

  constructor(args: LayerArgs = {}) {
    super(args);
  }

  override computeOutputShape(shape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = shape as tf.Shape;
    return [...s.slice(0, -1), s.at(-1)! / 2];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const [value, gate] = tf.split(oneTensor(inputs), 2, -1);
      return tf.mul(value, tf.sigmoid(gate));
    });
  }
}

/** Settings of one gated block of the TFT. */
export interface GateOptions {
  /** Output width. */
  units: number;
  dropout: number;
  seed: number;
  name?: string;
}

const apply = (layer: tf.layers.Layer, x: tf.SymbolicTensor | tf.SymbolicTensor[]) => layer.apply(x) as tf.SymbolicTensor;
const dense = (units: number, seed: number, useBias = true) =>
  tf.layers.dense({ units, useBias, kernelInitializer: tf.initializers.glorotUniform({ seed: tfjsSeed(seed) }) });

/**
 * The TFT's "gate, add and norm" (Lim et al., 2021, eq. 2 and 5): LayerNorm(skip + GLU(dropout(x))),
 * where the GLU also maps x to the skip's width. Used after every sub-layer so the network can
 * switch a sub-layer off.
 */
export function gateAddNorm(x: tf.SymbolicTensor, skip: tf.SymbolicTensor, options: GateOptions): tf.SymbolicTensor {
  const dropped = options.dropout > 0 ? apply(new SeededDropout({ rate: options.dropout, seed: options.seed + 1 }), x) : x;
  const gated = apply(new GatedLinearUnit(), apply(dense(2 * options.units, options.seed), dropped));
  return apply(new LayerNorm({ name: options.name }), apply(tf.layers.add(), [skip, gated]));
}

/**
 * Gated residual network (Lim et al., 2021, eq. 2-4): eta2 = ELU(W2 a + W3 c + b2), eta1 = W1 eta2 + b1,
 * then LayerNorm(skip(a) + GLU(eta1)); skip is a linear map when a's width differs from `units`.
 * Acts on the last axis of (b, d) or (b, L, d); a context c (b, d_c) is added to every step.
 */
export function grn(a: tf.SymbolicTensor, options: GateOptions & { hidden: number; context?: tf.SymbolicTensor }): tf.SymbolicTensor {
  const { units, hidden, context, seed } = options;
  let pre = apply(dense(hidden, seed), a);
  if (context) {
    const projected = apply(dense(hidden, seed + 2, false), context);
    const perStep = a.shape.length === 3 ? apply(tf.layers.repeatVector({ n: a.shape[1]! }), projected) : projected;
    pre = apply(tf.layers.add(), [pre, perStep]);
  }
  const eta1 = apply(dense(hidden, seed + 3), apply(tf.layers.elu(), pre));
  const skip = a.shape.at(-1) === units ? a : apply(dense(units, seed + 4), a);
  return gateAddNorm(eta1, skip, { ...options, seed: seed + 5 });
}
