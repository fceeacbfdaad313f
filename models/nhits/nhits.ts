import * as tf from "@tensorflow/tfjs";
import { z } from "zod";
import type { InputShape, ModelPlugin } from "../../core/model.ts";
import { dropoutField, networkFields } from "../tfjs/config.ts";
import { SeededDropout } from "../tfjs/layers/seeded_dropout.ts";
import { networkMethods } from "../tfjs/network_plugin.ts";
import { Interpolate } from "./interpolate.ts";
import { tfjsSeed } from "../tfjs/seed.ts";

/** N-HiTS-style settings. */
export const NhitsConfig = z.strictObject({
  /** One block per entry: its max-pooling size over time, coarse to fine. */
  pools: z.array(z.number().int().min(1).max(64)).min(1).max(8).default([4, 2, 1]),
  /** Units of each block's hidden layers. */
  hidden: z.number().int().min(1).max(4096).default(64),
  /** Hidden layers per block. */
  mlp_layers: z.number().int().min(1).max(4).default(2),
  dropout: dropoutField(0.3),
  ...networkFields(),
});
/** N-HiTS settings after defaults. */
export type NhitsConfig = z.output<typeof NhitsConfig>;

/**
 * Blocks that each max-pool the remaining signal at their own rate, run an MLP on it, add their
 * class logits to the total and hand the next block the input plus a learned backcast (interpolated
 * back to full length; its sign is learned, so adding it removes what the block explained).
 */
export function nhitsNetwork(config: NhitsConfig, shape: InputShape, seed: number): tf.LayersModel {
  const { seqLen: L, nFeatures: F } = shape;
  const input = tf.input({ shape: [L, F] });
  const apply = (layer: tf.layers.Layer, x: tf.SymbolicTensor | tf.SymbolicTensor[]) => layer.apply(x) as tf.SymbolicTensor;
  const dense = (units: number, s: number, activation?: "relu") =>
    tf.layers.dense({ units, activation, kernelInitializer: tf.initializers.heNormal({ seed: tfjsSeed(s) }) });
  let residual = input;
  const logits: tf.SymbolicTensor[] = [];
  config.pools.forEach((k, i) => {
    const s = seed + 100 * i;
    const pooled = k > 1 ? apply(tf.layers.maxPooling1d({ poolSize: k, strides: k, padding: "same" }), residual) : residual;
    let h = apply(tf.layers.flatten(), pooled);
    for (let j = 0; j < config.mlp_layers; j++) {
      h = apply(dense(config.hidden, s + j, "relu"), h);
      if (config.dropout > 0) h = apply(new SeededDropout({ rate: config.dropout, seed: s + 50 + j }), h);
    }
    logits.push(apply(tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: tfjsSeed(s + 10) }) }), h));
    if (i === config.pools.length - 1) return;
    const knots = pooled.shape[1]!;
    const coefficients = apply(tf.layers.reshape({ targetShape: [knots, F] }), apply(dense(knots * F, s + 11), h));
    residual = apply(tf.layers.add(), [residual, knots === L ? coefficients : apply(new Interpolate({ length: L }), coefficients)]);
  });
  return tf.model({ inputs: input, outputs: logits.length > 1 ? apply(tf.layers.add(), logits) : logits[0] });
}

/** N-HiTS-style classifier: stacked MLP blocks on multi-rate pooled views of the window. */
export const nhits = {
  name: "nhits",
  family: "timeseries",
  description:
    "N-HiTS-style (Challu et al., 2023): stacked MLP blocks, each reading the window max-pooled at its own rate (coarse to fine) and passing on the input plus an interpolated backcast; the blocks' class logits are summed.",
  input: "sequence",
  wantsGpu: false,
  defaultSeqLen: 8,
  configSchema: NhitsConfig,
  /** Where `mf tune` searches by default; a tune config may narrow or replace it. */
  searchSpace: {
    "params.pools": { type: "categorical", choices: [[2, 1], [4, 2, 1], [8, 4, 1]] },
    "params.hidden": { type: "int", low: 32, high: 256, step: 32 },
    "params.mlp_layers": { type: "int", low: 1, high: 3 },
    "params.dropout": { type: "float", low: 0, high: 0.5 },
    "params.learning_rate": { type: "float", low: 1e-4, high: 1e-2, log: true },
  },
  ...networkMethods("sequence", nhitsNetwork, [Interpolate, SeededDropout]),
} satisfies ModelPlugin<typeof NhitsConfig>;
