import * as tf from "@tensorflow/tfjs";
import { z } from "zod";
import type { InputShape, ModelFootprint, ModelPlugin } from "../../core/model.ts";
import { denseParams, headParams } from "../tfjs/footprint.ts";
import { networkMethods } from "../tfjs/network_plugin.ts";
import { tfjsSeed } from "../tfjs/seed.ts";

/** Multi-layer perceptron settings. */
export const MlpConfig = z.strictObject({
  /** Units of each hidden layer, input side first. */
  hidden: z.array(z.number().int().min(1).max(65_536)).min(1).max(16).default([128, 64]),
  activation: z.enum(["relu", "elu", "gelu", "tanh"]).default("relu"),
  dropout: z.number().min(0).max(0.9).default(0.1),
  learning_rate: z.number().positive().max(10).default(1e-3),
  l2: z.number().min(0).max(10).default(0),
});
/** MLP settings after defaults. */
export type MlpConfig = z.output<typeof MlpConfig>;

/** Dense layers (with dropout between them) from the flattened window to the class logits. */
export function mlpNetwork(config: MlpConfig, shape: InputShape, seed: number): tf.LayersModel {
  const layers: tf.layers.Layer[] = [];
  const regularizer = () => (config.l2 > 0 ? tf.regularizers.l2({ l2: config.l2 }) : undefined);
  config.hidden.forEach((units, i) => {
    layers.push(tf.layers.dense({
      ...(i === 0 ? { inputShape: [shape.seqLen * shape.nFeatures] } : {}),
      units,
      activation: config.activation,
      kernelInitializer: tf.initializers.heNormal({ seed: tfjsSeed(seed + i) }),
      kernelRegularizer: regularizer(),
    }));
    if (config.dropout > 0) layers.push(tf.layers.dropout({ rate: config.dropout, seed: tfjsSeed(seed + 100 + i) }));
  });
  layers.push(tf.layers.dense({ units: shape.nClasses, kernelInitializer: tf.initializers.glorotUniform({ seed: tfjsSeed(seed + 99) }) }));
  return tf.sequential({ layers });
}

/** The MLP's size: a dense layer per hidden width (and dropout's mask beside each output), then the head. */
export function mlpFootprint(config: MlpConfig, shape: InputShape): ModelFootprint {
  let inputs = shape.seqLen * shape.nFeatures, parameters = 0, largestWeight = 0, activationsPerSample = inputs;
  for (const units of config.hidden) {
    parameters += denseParams(inputs, units);
    largestWeight = Math.max(largestWeight, inputs * units);
    activationsPerSample += units * (config.dropout > 0 ? 2 : 1);
    inputs = units;
  }
  return {
    parameters: parameters + headParams(inputs),
    largestWeight,
    activationsPerSample: activationsPerSample + 3,
    settings: { "params.hidden": config.hidden },
  };
}

/** A feed-forward network on the flattened window (L x F inputs), with dropout between layers. */
export const mlp = {
  name: "mlp",
  family: "neural",
  description: "Multi-layer perceptron on the flattened window (L x F inputs), ReLU and dropout; the simple neural baseline.",
  input: "flat",
  wantsGpu: false,
  defaultSeqLen: 1,
  configSchema: MlpConfig,
  /** Where `mf tune` searches by default; a tune config may narrow or replace it. */
  searchSpace: {
    "params.hidden": { type: "categorical", choices: [[64], [128], [128, 64], [256, 128], [256, 128, 64]] },
    "params.activation": { type: "categorical", choices: ["relu", "elu", "gelu", "tanh"] },
    "params.dropout": { type: "float", low: 0, high: 0.5 },
    "params.learning_rate": { type: "float", low: 1e-4, high: 3e-2, log: true },
    "params.l2": { type: "float", low: 1e-6, high: 1e-2, log: true },
  },
  footprint: mlpFootprint,
  ...networkMethods("flat", mlpNetwork),
} satisfies ModelPlugin<typeof MlpConfig>;
