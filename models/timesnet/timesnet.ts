import * as tf from "@tensorflow/tfjs";
import { z } from "zod";
import type { InputShape, ModelPlugin } from "../../core/model.ts";
import { dropoutField, headField, networkFields } from "../tfjs/config.ts";
import { classLogits, poolSteps } from "../tfjs/heads.ts";
import { LastStep } from "../tfjs/layers/last_step.ts";
import { LayerNorm } from "../tfjs/layers/layer_norm.ts";
import { PositionalEncoding } from "../tfjs/layers/positional.ts";
import { SeededDropout } from "../tfjs/layers/seeded_dropout.ts";
import { networkMethods } from "../tfjs/network_plugin.ts";
import { TimesBlock } from "./times_block.ts";
import { tfjsSeed } from "../tfjs/seed.ts";

/** TimesNet settings. */
export const TimesnetConfig = z.strictObject({
  d_model: z.number().int().min(1).max(512).default(16),
  /** Channels inside each block's inception convolutions. */
  ff: z.number().int().min(1).max(1024).default(16),
  /** TimesBlocks, each with a residual connection and a norm. */
  layers: z.number().int().min(1).max(4).default(2),
  /** Periods (frequencies by amplitude) weighted per step. */
  top_k: z.number().int().min(1).max(8).default(3),
  /** Inception kernels: causal k x k convolutions for k = 1 .. kernels. */
  kernels: z.number().int().min(1).max(6).default(2),
  dropout: dropoutField(0.1),
  head: headField,
  ...networkFields(),
});
/** TimesNet settings after defaults. */
export type TimesnetConfig = z.output<typeof TimesnetConfig>;

/** Name of the last block's output, (b, L, d_model): what the causality test reads. */
export const TIMESNET_FEATURES = "timesnet_features";

/** Steps projected to d_model plus sinusoidal positions, then blocks x = norm(x + dropout(TimesBlock(x))), then a head. */
export function timesnetNetwork(config: TimesnetConfig, shape: InputShape, seed: number): tf.LayersModel {
  const input = tf.input({ shape: [shape.seqLen, shape.nFeatures] });
  const apply = (layer: tf.layers.Layer, x: tf.SymbolicTensor | tf.SymbolicTensor[]) => layer.apply(x) as tf.SymbolicTensor;
  const embed = tf.layers.dense({ units: config.d_model, kernelInitializer: tf.initializers.glorotUniform({ seed: tfjsSeed(seed) }) });
  let x = apply(new PositionalEncoding(), apply(embed, input));
  for (let i = 0; i < config.layers; i++) {
    const s = seed + 100 * (i + 1);
    let block = apply(new TimesBlock({ topK: config.top_k, kernels: config.kernels, ff: config.ff, seed: s }), x);
    if (config.dropout > 0) block = apply(new SeededDropout({ rate: config.dropout, seed: s + 50 }), block);
    x = apply(new LayerNorm(i === config.layers - 1 ? { name: TIMESNET_FEATURES } : {}), apply(tf.layers.add(), [x, block]));
  }
  return tf.model({ inputs: input, outputs: classLogits(poolSteps(x, config.head), config.dropout, seed + 999) });
}

/** TimesNet-style classifier: each step's top FFT periods fold the series to 2-D for inception convolutions. */
export const timesnet = {
  name: "timesnet",
  family: "timeseries",
  description:
    "TimesNet-style (Wu et al., 2023): per block, the FFT amplitudes give each step its top-k frequencies; the series folded to 2-D by each candidate period (rows cycles, columns phases) goes through an inception block of k x k convolutions shared by the periods, and the unfolded results are summed with softmax(amplitude) weights, plus a residual and a norm; then a last-step or mean head. Made causal: a step's periods come from the spectrum of the window up to it and the convolutions only look up and left on the grid (earlier cycles and phases).",
  input: "sequence",
  wantsGpu: false,
  defaultSeqLen: 16,
  configSchema: TimesnetConfig,
  /** Where `mf tune` searches by default; a tune config may narrow or replace it. */
  searchSpace: {
    "params.d_model": { type: "categorical", choices: [8, 16, 32] },
    "params.ff": { type: "categorical", choices: [16, 32, 64] },
    "params.layers": { type: "int", low: 1, high: 3 },
    "params.top_k": { type: "int", low: 1, high: 4 },
    "params.kernels": { type: "int", low: 1, high: 3 },
    "params.dropout": { type: "float", low: 0, high: 0.4 },
    "params.head": { type: "categorical", choices: ["last", "mean"] },
    "params.learning_rate": { type: "float", low: 1e-4, high: 3e-3, log: true },
  },
  ...networkMethods("sequence", timesnetNetwork, [TimesBlock, PositionalEncoding, LayerNorm, SeededDropout, LastStep]),
} satisfies ModelPlugin<typeof TimesnetConfig>;
