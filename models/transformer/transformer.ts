import * as tf from "@tensorflow/tfjs";
import { z } from "zod";
import type { InputShape, ModelPlugin } from "../../core/model.ts";
import { dropoutField, networkFields } from "../tfjs/config.ts";
import { encoderBlock } from "../tfjs/encoder.ts";
import { denseParams, encoderStack, headParams } from "../tfjs/footprint.ts";
import { classLogits, poolSteps } from "../tfjs/heads.ts";
import { MultiHeadAttention } from "../tfjs/layers/attention.ts";
import { LastStep } from "../tfjs/layers/last_step.ts";
import { LayerNorm } from "../tfjs/layers/layer_norm.ts";
import { PositionalEncoding } from "../tfjs/layers/positional.ts";
import { SeededDropout } from "../tfjs/layers/seeded_dropout.ts";
import { networkMethods } from "../tfjs/network_plugin.ts";
import { tfjsSeed } from "../tfjs/seed.ts";

/** Transformer encoder settings. */
export const TransformerConfig = z.strictObject({
  /** Width of every token (a time step projected from its F features). */
  d_model: z.number().int().min(4).max(1024).default(32),
  /** Attention heads; must divide d_model. */
  heads: z.number().int().min(1).max(32).default(4),
  layers: z.number().int().min(1).max(12).default(2),
  /** Width of each block's feed-forward layer. */
  ff: z.number().int().min(1).max(4096).default(64),
  dropout: dropoutField(0.2),
  /** Classify from the newest step's token or the mean of all tokens. */
  head: z.enum(["last", "mean"]).default("mean"),
  ...networkFields(),
}).refine((c) => c.d_model % c.heads === 0, { message: "d_model must be a multiple of heads", path: ["heads"] });
/** Transformer settings after defaults. */
export type TransformerConfig = z.output<typeof TransformerConfig>;

/** Steps projected to d_model, plus sinusoidal positions, through pre-norm encoder blocks, then a head. */
export function transformerNetwork(config: TransformerConfig, shape: InputShape, seed: number): tf.LayersModel {
  const input = tf.input({ shape: [shape.seqLen, shape.nFeatures] });
  const embed = tf.layers.dense({ units: config.d_model, kernelInitializer: tf.initializers.glorotUniform({ seed: tfjsSeed(seed) }) }).apply(
    input,
  ) as tf.SymbolicTensor;
  let x = new PositionalEncoding().apply(embed) as tf.SymbolicTensor;
  for (let i = 0; i < config.layers; i++) x = encoderBlock(x, { heads: config.heads, ff: config.ff, dropout: config.dropout, seed: seed + 10 * (i + 1) });
  x = new LayerNorm().apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: classLogits(poolSteps(x, config.head), config.dropout, seed + 999) });
}

/** Transformer encoder over the window's steps, with multi-head self-attention and positional encoding. */
export const transformer = {
  name: "transformer",
  family: "neural",
  description:
    "Transformer encoder over the window: each step projected to d_model, sinusoidal positions, pre-norm blocks of multi-head self-attention and feed-forward, then a last-step or mean head. Attention costs grow with L^2 and each block runs ~40 kernels, so it is slow on the cpu backend at long windows; prefer wasm or WebGPU.",
  input: "sequence",
  wantsGpu: false,
  defaultSeqLen: 8,
  configSchema: TransformerConfig,
  /** Where `mf tune` searches by default; a tune config may narrow or replace it. */
  searchSpace: {
    "params.d_model": { type: "categorical", choices: [16, 32, 64] },
    "params.heads": { type: "categorical", choices: [1, 2, 4] },
    "params.layers": { type: "int", low: 1, high: 3 },
    "params.ff": { type: "categorical", choices: [32, 64, 128] },
    "params.dropout": { type: "float", low: 0, high: 0.4 },
    "params.head": { type: "categorical", choices: ["last", "mean"] },
    "params.learning_rate": { type: "float", low: 1e-4, high: 3e-3, log: true },
  },
  /** Each step embedded to d_model, the encoder over L tokens (attention scores grow with L^2), the head. */
  footprint: (config: TransformerConfig, shape: InputShape) => {
    const encoder = encoderStack(shape.seqLen, config.d_model, config.heads, config.ff, config.layers);
    return {
      parameters: denseParams(shape.nFeatures, config.d_model) + encoder.parameters + 2 * config.d_model + headParams(config.d_model),
      largestWeight: Math.max(shape.nFeatures * config.d_model, encoder.largestWeight),
      activationsPerSample: shape.seqLen * (shape.nFeatures + 2 * config.d_model) + encoder.activations + config.d_model + 3,
      settings: {
        "params.d_model": config.d_model,
        "params.heads": config.heads,
        "params.layers": config.layers,
        "params.ff": config.ff,
        "dataset.seq_len": shape.seqLen,
      },
    };
  },
  ...networkMethods("sequence", transformerNetwork, [MultiHeadAttention, PositionalEncoding, LayerNorm, SeededDropout, LastStep]),
} satisfies ModelPlugin<typeof TransformerConfig>;
