import * as tf from "@tensorflow/tfjs";
import { z } from "zod";
import type { ModelPlugin } from "../../core/model.ts";
import { NetworkModel } from "../tfjs/network_model.ts";
import { loadNetwork } from "../tfjs/network_io.ts";

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

/** A feed-forward network on the flattened window (L x F inputs), with dropout between layers. */
export const mlp = {
  name: "mlp",
  family: "neural",
  description: "Multi-layer perceptron on the flattened window (L x F inputs), ReLU and dropout; the simple neural baseline.",
  input: "flat",
  wantsGpu: false,
  defaultSeqLen: 1,
  configSchema: MlpConfig,
  create(config, shape, context) {
    const layers: tf.layers.Layer[] = [];
    const regularizer = () => (config.l2 > 0 ? tf.regularizers.l2({ l2: config.l2 }) : undefined);
    config.hidden.forEach((units, i) => {
      layers.push(tf.layers.dense({
        ...(i === 0 ? { inputShape: [shape.seqLen * shape.nFeatures] } : {}),
        units,
        activation: config.activation,
        kernelInitializer: tf.initializers.heNormal({ seed: context.seed + i }),
        kernelRegularizer: regularizer(),
      }));
      if (config.dropout > 0) layers.push(tf.layers.dropout({ rate: config.dropout, seed: context.seed + 100 + i }));
    });
    layers.push(tf.layers.dense({ units: shape.nClasses, kernelInitializer: tf.initializers.glorotUniform({ seed: context.seed + 99 }) }));
    return new NetworkModel(tf.sequential({ layers }), "flat", config);
  },
  async load(files, config) {
    return new NetworkModel(await loadNetwork(files), "flat", config);
  },
} satisfies ModelPlugin<typeof MlpConfig>;
