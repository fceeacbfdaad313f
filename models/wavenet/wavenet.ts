import * as tf from "@tensorflow/tfjs";
import { z } from "zod";
import type { InputShape, ModelPlugin } from "../../core/model.ts";
import { CausalConv1D } from "../tcn/causal_conv.ts";
import { dropoutField, headField, networkFields } from "../tfjs/config.ts";
import { classLogits, poolSteps } from "../tfjs/heads.ts";
import { LastStep } from "../tfjs/layers/last_step.ts";
import { SeededDropout } from "../tfjs/layers/seeded_dropout.ts";
import { networkMethods } from "../tfjs/network_plugin.ts";
import { GatedActivation } from "./gate.ts";
import { tfjsSeed } from "../tfjs/seed.ts";

/** WaveNet settings. */
export const WavenetConfig = z.strictObject({
  /** Channels of the residual stream between layers. */
  residual_channels: z.number().int().min(1).max(512).default(32),
  /** Channels of every layer's skip output, summed into the head. */
  skip_channels: z.number().int().min(1).max(512).default(32),
  kernel_size: z.number().int().min(2).max(8).default(2),
  /** One gated layer per dilation in each stack; the receptive field is 1 + (kernel_size - 1) stacks sum(dilations). */
  dilations: z.array(z.number().int().min(1).max(512)).min(1).max(12).default([1, 2, 4, 8]),
  /** Times the dilation sequence is repeated. */
  stacks: z.number().int().min(1).max(4).default(1),
  dropout: dropoutField(0.1),
  head: headField,
  ...networkFields(3e-3),
});
/** WaveNet settings after defaults. */
export type WavenetConfig = z.output<typeof WavenetConfig>;

/** Name of the post-processed skip sum, (b, L, skip_channels): what the causality test reads. */
export const WAVENET_FEATURES = "wavenet_features";

/**
 * A 1x1 projection to the residual stream, then per dilation a causal convolution to 2R channels,
 * tanh x sigmoid gate, and two 1x1 projections: one added back to the stream (residual), one to the
 * skip sum. ReLU, 1x1, ReLU on the skip sum (as in van den Oord et al., 2016), then a head.
 */
export function wavenetNetwork(config: WavenetConfig, shape: InputShape, seed: number): tf.LayersModel {
  const input = tf.input({ shape: [shape.seqLen, shape.nFeatures] });
  const apply = (layer: tf.layers.Layer, x: tf.SymbolicTensor | tf.SymbolicTensor[]) => layer.apply(x) as tf.SymbolicTensor;
  // Dense on (b, L, C) maps each step alone: a 1x1 convolution, causal by construction.
  const pointwise = (units: number, s: number, activation?: "relu", name?: string) =>
    tf.layers.dense({ units, activation, name, kernelInitializer: tf.initializers.glorotUniform({ seed: tfjsSeed(s) }) });
  const R = config.residual_channels;
  let x = apply(pointwise(R, seed), input);
  const skips: tf.SymbolicTensor[] = [];
  const dilations = Array.from({ length: config.stacks }, () => config.dilations).flat();
  dilations.forEach((d, i) => {
    const s = seed + 10 * (i + 1);
    let g = apply(new GatedActivation(), apply(new CausalConv1D({ filters: 2 * R, kernelSize: config.kernel_size, dilation: d, seed: s }), x));
    if (config.dropout > 0) g = apply(new SeededDropout({ rate: config.dropout, seed: s + 1 }), g);
    skips.push(apply(pointwise(config.skip_channels, s + 2), g));
    if (i < dilations.length - 1) x = apply(tf.layers.add(), [x, apply(pointwise(R, s + 3), g)]);
  });
  const summed = skips.length > 1 ? apply(tf.layers.add(), skips) : skips[0];
  const post = apply(pointwise(config.skip_channels, seed + 5, "relu", WAVENET_FEATURES), apply(tf.layers.activation({ activation: "relu" }), summed));
  return tf.model({ inputs: input, outputs: classLogits(poolSteps(post, config.head), config.dropout, seed + 999) });
}

/** WaveNet-style classifier: gated dilated causal convolutions with residual and skip connections. */
export const wavenet = {
  name: "wavenet",
  family: "timeseries",
  description:
    "WaveNet-style (van den Oord et al., 2016): stacks of dilated causal convolutions (left zero-padding: step t never sees a later step), each gated tanh x sigmoid, with a residual connection to the next layer and a 1x1 skip output; the skips are summed, passed through ReLU-1x1-ReLU, and a last-step or mean head classifies. Default receptive field 16 steps (kernel 2, dilations 1, 2, 4, 8).",
  input: "sequence",
  wantsGpu: false,
  defaultSeqLen: 16,
  configSchema: WavenetConfig,
  /** Where `mf tune` searches by default; a tune config may narrow or replace it. */
  searchSpace: {
    "params.residual_channels": { type: "int", low: 16, high: 64, step: 16 },
    "params.skip_channels": { type: "int", low: 16, high: 64, step: 16 },
    "params.kernel_size": { type: "int", low: 2, high: 3 },
    "params.dilations": { type: "categorical", choices: [[1, 2, 4], [1, 2, 4, 8], [1, 2, 4, 8, 16]] },
    "params.stacks": { type: "int", low: 1, high: 2 },
    "params.dropout": { type: "float", low: 0, high: 0.4 },
    "params.head": { type: "categorical", choices: ["last", "mean"] },
    "params.learning_rate": { type: "float", low: 3e-4, high: 1e-2, log: true },
  },
  ...networkMethods("sequence", wavenetNetwork, [CausalConv1D, GatedActivation, SeededDropout, LastStep]),
} satisfies ModelPlugin<typeof WavenetConfig>;
