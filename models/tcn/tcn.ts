import * as tf from "@tensorflow/tfjs";
import { z } from "zod";
import type { InputShape, ModelPlugin } from "../../core/model.ts";
import { dropoutField, headField, networkFields } from "../tfjs/config.ts";
import { classLogits, poolSteps } from "../tfjs/heads.ts";
import { LastStep } from "../tfjs/layers/last_step.ts";
import { SeededDropout } from "../tfjs/layers/seeded_dropout.ts";
import { networkMethods } from "../tfjs/network_plugin.ts";
import { CausalConv1D } from "./causal_conv.ts";

/** Temporal convolutional network settings. */
export const TcnConfig = z.strictObject({
  /** Channels of every residual block. */
  filters: z.number().int().min(1).max(1024).default(32),
  kernel_size: z.number().int().min(1).max(16).default(3),
  /** One residual block per dilation; the receptive field is 1 + 2 (kernel_size - 1) sum(dilations). */
  dilations: z.array(z.number().int().min(1).max(512)).min(1).max(12).default([1, 2, 4]),
  dropout: dropoutField(0.2),
  head: headField,
  ...networkFields(3e-3),
});
/** TCN settings after defaults. */
export type TcnConfig = z.output<typeof TcnConfig>;

/** Name of the last residual block's output, (b, L, filters): what the causality test reads. */
export const TCN_FEATURES = "tcn_features";

/** Residual blocks of two dilated causal convolutions (ReLU, dropout); a 1x1 convolution matches channels. */
export function tcnNetwork(config: TcnConfig, shape: InputShape, seed: number): tf.LayersModel {
  const input = tf.input({ shape: [shape.seqLen, shape.nFeatures] });
  const relu = (x: tf.SymbolicTensor, name?: string) => tf.layers.activation({ activation: "relu", name }).apply(x) as tf.SymbolicTensor;
  const drop = (
    x: tf.SymbolicTensor,
    s: number,
  ) => (config.dropout > 0 ? new SeededDropout({ rate: config.dropout, seed: s }).apply(x) as tf.SymbolicTensor : x);
  const conv = (x: tf.SymbolicTensor, kernelSize: number, dilation: number, s: number) =>
    new CausalConv1D({ filters: config.filters, kernelSize, dilation, seed: s }).apply(x) as tf.SymbolicTensor;
  let x = input;
  config.dilations.forEach((d, i) => {
    const s = seed + 10 * i;
    const h = drop(relu(conv(drop(relu(conv(x, config.kernel_size, d, s)), s + 1), config.kernel_size, d, s + 2)), s + 3);
    const residual = x.shape[2] === config.filters ? x : conv(x, 1, 1, s + 4);
    x = relu(tf.layers.add().apply([h, residual]) as tf.SymbolicTensor, i === config.dilations.length - 1 ? TCN_FEATURES : undefined);
  });
  return tf.model({ inputs: input, outputs: classLogits(poolSteps(x, config.head), config.dropout, seed + 999) });
}

/** Temporal convolutional network: dilated causal convolutions in residual blocks over the window. */
export const tcn = {
  name: "tcn",
  family: "timeseries",
  description:
    "Temporal convolutional network: residual blocks of dilated causal 1-D convolutions (left zero-padding, so step t never sees a later step), ReLU and dropout, then a last-step or mean head. Parallel over time (a GPU helps), but each convolution stacks kernel_size shifted copies of its input, so on cpu/wasm it trains slower than the fused LSTM.",
  input: "sequence",
  wantsGpu: false,
  defaultSeqLen: 16,
  configSchema: TcnConfig,
  /** Where `mf tune` searches by default; a tune config may narrow or replace it. */
  searchSpace: {
    "params.filters": { type: "int", low: 16, high: 64, step: 16 },
    "params.kernel_size": { type: "int", low: 2, high: 5 },
    "params.dilations": { type: "categorical", choices: [[1, 2], [1, 2, 4], [1, 2, 4, 8]] },
    "params.dropout": { type: "float", low: 0, high: 0.5 },
    "params.head": { type: "categorical", choices: ["last", "mean"] },
    "params.learning_rate": { type: "float", low: 3e-4, high: 1e-2, log: true },
  },
  ...networkMethods("sequence", tcnNetwork, [CausalConv1D, SeededDropout, LastStep]),
} satisfies ModelPlugin<typeof TcnConfig>;
