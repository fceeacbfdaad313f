import * as tf from "@tensorflow/tfjs";
import { z } from "zod";
import type { InputShape, ModelPlugin } from "../../core/model.ts";
import { dropoutField, networkFields } from "../tfjs/config.ts";
import { encoderBlock } from "../tfjs/encoder.ts";
import { denseParams, encoderStack, headParams } from "../tfjs/footprint.ts";
import { classLogits } from "../tfjs/heads.ts";
import { MultiHeadAttention } from "../tfjs/layers/attention.ts";
import { LayerNorm } from "../tfjs/layers/layer_norm.ts";
import { PositionalEncoding } from "../tfjs/layers/positional.ts";
import { SeededDropout } from "../tfjs/layers/seeded_dropout.ts";
import { networkMethods } from "../tfjs/network_plugin.ts";
import { patchCount, Patching } from "./patching.ts";
import { tfjsSeed } from "../tfjs/seed.ts";

/** PatchTST settings. */
export const PatchTstConfig = z.strictObject({
  /** Steps per patch. */
  patch_len: z.number().int().min(1).max(512).default(8),
  /** Steps between patch starts; equal to patch_len for non-overlapping patches. */
  stride: z.number().int().min(1).max(512).default(4),
  d_model: z.number().int().min(4).max(1024).default(16),
  /** Attention heads; must divide d_model. */
  heads: z.number().int().min(1).max(32).default(2),
  layers: z.number().int().min(1).max(12).default(1),
  ff: z.number().int().min(1).max(4096).default(32),
  dropout: dropoutField(0.3),
  ...networkFields(),
}).refine((c) => c.d_model % c.heads === 0, { message: "d_model must be a multiple of heads", path: ["heads"] });
/** PatchTST settings after defaults. */
export type PatchTstConfig = z.output<typeof PatchTstConfig>;

/** Per-channel patches embedded to d_model, plus positions, through shared encoder blocks, flattened to logits. */
export function patchTstNetwork(config: PatchTstConfig, shape: InputShape, seed: number): tf.LayersModel {
  patchCount(shape.seqLen, config.patch_len, config.stride);
  const input = tf.input({ shape: [shape.seqLen, shape.nFeatures] });
  const patches = new Patching({ patchLen: config.patch_len, stride: config.stride }).apply(input) as tf.SymbolicTensor;
  const embedding = tf.layers.dense({ units: config.d_model, kernelInitializer: tf.initializers.glorotUniform({ seed: tfjsSeed(seed) }) });
  const embed = embedding.apply(patches) as tf.SymbolicTensor;
  let x = new PositionalEncoding().apply(embed) as tf.SymbolicTensor;
  for (let i = 0; i < config.layers; i++) x = encoderBlock(x, { heads: config.heads, ff: config.ff, dropout: config.dropout, seed: seed + 10 * (i + 1) });
  x = new LayerNorm().apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: classLogits(tf.layers.flatten().apply(x) as tf.SymbolicTensor, config.dropout, seed + 999) });
}

/** PatchTST-style classifier: channel-independent patches over time, a transformer encoder over them. */
export const patchtst = {
  name: "patchtst",
  family: "timeseries",
  description:
    "PatchTST-style (Nie et al., 2023): each feature's series is cut into patches over time, embedded, and a transformer encoder shared by all channels attends over that channel's patches; the encoded patches of every channel are flattened into the classifier. Attention runs once per (sample, feature), so time and memory grow with batch x features x patches: the slowest model here on cpu and wasm (about 1/10 of the LSTM's samples/s at 60 x 107), practical there only with short windows and few patches; otherwise train it on WebGPU.",
  input: "sequence",
  wantsGpu: false,
  defaultSeqLen: 16,
  configSchema: PatchTstConfig,
  /** Where `mf tune` searches by default; a tune config may narrow or replace it. */
  searchSpace: {
    "params.patch_len": { type: "categorical", choices: [4, 8] },
    "params.stride": { type: "categorical", choices: [2, 4] },
    "params.d_model": { type: "categorical", choices: [8, 16, 32] },
    "params.heads": { type: "categorical", choices: [1, 2] },
    "params.layers": { type: "int", low: 1, high: 2 },
    "params.ff": { type: "categorical", choices: [16, 32, 64] },
    "params.dropout": { type: "float", low: 0, high: 0.5 },
    "params.learning_rate": { type: "float", low: 1e-4, high: 3e-3, log: true },
  },
  /** Per feature: P patches embedded to d_model and an encoder over them (so batch x features sequences), then all flattened into the head. */
  footprint: (config: PatchTstConfig, shape: InputShape) => {
    const patches = shape.seqLen >= config.patch_len ? patchCount(shape.seqLen, config.patch_len, config.stride) : 1;
    const encoder = encoderStack(patches, config.d_model, config.heads, config.ff, config.layers);
    const flat = shape.nFeatures * patches * config.d_model;
    return {
      parameters: denseParams(config.patch_len, config.d_model) + encoder.parameters + 2 * config.d_model + headParams(flat),
      largestWeight: Math.max(encoder.largestWeight, 3 * flat),
      activationsPerSample: shape.seqLen * shape.nFeatures + shape.nFeatures * (patches * (config.patch_len + 2 * config.d_model) + encoder.activations) +
        flat + 3,
      settings: {
        "params.patch_len": config.patch_len,
        "params.stride": config.stride,
        "params.d_model": config.d_model,
        "params.heads": config.heads,
        "params.layers": config.layers,
        "params.ff": config.ff,
        "dataset.seq_len": shape.seqLen,
      },
    };
  },
  ...networkMethods("sequence", patchTstNetwork, [Patching, MultiHeadAttention, PositionalEncoding, LayerNorm, SeededDropout]),
} satisfies ModelPlugin<typeof PatchTstConfig>;
