import * as tf from "@tensorflow/tfjs";
import { z } from "zod";
import type { ModelPlugin } from "../../core/model.ts";
import { NetworkModel } from "../tfjs/network_model.ts";
import { loadNetwork } from "../tfjs/network_io.ts";

/** Multinomial logistic regression settings. */
export const LogisticConfig = z.strictObject({
  learning_rate: z.number().positive().max(10).default(1e-3),
  /** L2 penalty on the weights (not the bias). */
  l2: z.number().min(0).max(10).default(1e-4),
});
/** Logistic regression settings after defaults. */
export type LogisticConfig = z.output<typeof LogisticConfig>;

/** Multinomial logistic regression on the flattened window: the linear baseline every model must beat. */
export const logistic = {
  name: "logistic",
  family: "linear",
  description: "Multinomial logistic regression (softmax over one linear layer) on the flattened window; the baseline.",
  input: "flat",
  wantsGpu: false,
  defaultSeqLen: 1,
  configSchema: LogisticConfig,
  create(config, shape, context) {
    const net = tf.sequential({
      layers: [tf.layers.dense({
        inputShape: [shape.seqLen * shape.nFeatures],
        units: shape.nClasses,
        kernelInitializer: tf.initializers.glorotUniform({ seed: context.seed }),
        kernelRegularizer: config.l2 > 0 ? tf.regularizers.l2({ l2: config.l2 }) : undefined,
      })],
    });
    return new NetworkModel(net, "flat", config);
  },
  async load(files, config) {
    return new NetworkModel(await loadNetwork(files), "flat", config);
  },
} satisfies ModelPlugin<typeof LogisticConfig>;
