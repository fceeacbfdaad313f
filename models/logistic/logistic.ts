import * as tf from "@tensorflow/tfjs";
import { z } from "zod";
import type { InputShape, ModelPlugin } from "../../core/model.ts";
import { headParams } from "../tfjs/footprint.ts";
import { networkMethods } from "../tfjs/network_plugin.ts";
import { tfjsSeed } from "../tfjs/seed.ts";

/** Multinomial logistic regression settings. */
export const LogisticConfig = z.strictObject({
  learning_rate: z.number().positive().max(10).default(1e-3),
  /** L2 penalty on the weights (not the bias). */
  l2: z.number().min(0).max(10).default(1e-4),
});
/** Logistic regression settings after defaults. */
export type LogisticConfig = z.output<typeof LogisticConfig>;

/** One linear layer from the flattened window to the class logits. */
export function logisticNetwork(config: LogisticConfig, shape: InputShape, seed: number): tf.LayersModel {
  return tf.sequential({
    layers: [tf.layers.dense({
      inputShape: [shape.seqLen * shape.nFeatures],
      units: shape.nClasses,
      kernelInitializer: tf.initializers.glorotUniform({ seed: tfjsSeed(seed) }),
      kernelRegularizer: config.l2 > 0 ? tf.regularizers.l2({ l2: config.l2 }) : undefined,
    })],
  });
}

/** Multinomial logistic regression on the flattened window: the linear baseline every model must beat. */
export const logistic = {
  name: "logistic",
  family: "linear",
  description: "Multinomial logistic regression (softmax over one linear layer) on the flattened window; the baseline.",
  input: "flat",
  wantsGpu: false,
  defaultSeqLen: 1,
  configSchema: LogisticConfig,
  /** Where `mf tune` searches by default; a tune config may narrow or replace it. */
  searchSpace: {
    "params.learning_rate": { type: "float", low: 1e-4, high: 1e-1, log: true },
    "params.l2": { type: "float", low: 1e-6, high: 1e-2, log: true },
  },
  /** One dense layer: its size is the window times the features, times three classes. */
  footprint: (_config: LogisticConfig, shape: InputShape) => ({
    parameters: headParams(shape.seqLen * shape.nFeatures),
    largestWeight: 3 * shape.seqLen * shape.nFeatures,
    activationsPerSample: shape.seqLen * shape.nFeatures + 3,
    settings: {},
  }),
  ...networkMethods("flat", logisticNetwork),
} satisfies ModelPlugin<typeof LogisticConfig>;
