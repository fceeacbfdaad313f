import * as tf from "@tensorflow/tfjs";
import { z } from "zod";
import type { InputShape, ModelPlugin } from "../../core/model.ts";
import { dropoutField, headField, networkFields } from "../tfjs/config.ts";
import { classLogits, poolSteps } from "../tfjs/heads.ts";
import { LastStep } from "../tfjs/layers/last_step.ts";
import { LayerNorm } from "../tfjs/layers/layer_norm.ts";
import { SeededDropout } from "../tfjs/layers/seeded_dropout.ts";
import { networkMethods } from "../tfjs/network_plugin.ts";
import { ChannelMix } from "./channel_mix.ts";
import { TimeMix } from "./time_mix.ts";
import { tfjsSeed } from "../tfjs/seed.ts";

/** RWKV settings. */
export const RwkvConfig = z.strictObject({
  /** Channels of every block (each step's features are projected to this width). */
  d_model: z.number().int().min(2).max(1024).default(32),
  /** Blocks of time mixing + channel mixing. */
  layers: z.number().int().min(1).max(12).default(2),
  /** Hidden width of channel mixing, as a multiple of d_model. */
  ff_mult: z.number().int().min(1).max(8).default(2),
  dropout: dropoutField(0.1),
  head: headField,
  ...networkFields(2e-3),
});
/** RWKV settings after defaults. */
export type RwkvConfig = z.output<typeof RwkvConfig>;

/** Name of the final normalised per-step states, (b, L, d_model): what the causality test reads. */
export const RWKV_FEATURES = "rwkv_features";

/** Steps projected to d_model and normalised, then pre-norm residual blocks x + TimeMix(norm x), x + ChannelMix(norm x), a final norm and a head. */
export function rwkvNetwork(config: RwkvConfig, shape: InputShape, seed: number): tf.LayersModel {
  const input = tf.input({ shape: [shape.seqLen, shape.nFeatures] });
  const apply = (layer: tf.layers.Layer, x: tf.SymbolicTensor | tf.SymbolicTensor[]) => layer.apply(x) as tf.SymbolicTensor;
  const drop = (x: tf.SymbolicTensor, s: number) => (config.dropout > 0 ? apply(new SeededDropout({ rate: config.dropout, seed: s }), x) : x);
  const embed = tf.layers.dense({ units: config.d_model, kernelInitializer: tf.initializers.glorotUniform({ seed: tfjsSeed(seed) }) });
  let x = apply(new LayerNorm(), apply(embed, input));
  for (let i = 0; i < config.layers; i++) {
    const args = { block: i, blocks: config.layers, seed: seed + 10 * (i + 1) };
    x = apply(tf.layers.add(), [x, drop(apply(new TimeMix(args), apply(new LayerNorm(), x)), args.seed + 5)]);
    const channel = new ChannelMix({ ...args, seed: args.seed + 2, hidden: config.ff_mult * config.d_model });
    x = apply(tf.layers.add(), [x, drop(apply(channel, apply(new LayerNorm(), x)), args.seed + 6)]);
  }
  x = apply(new LayerNorm({ name: RWKV_FEATURES }), x);
  return tf.model({ inputs: input, outputs: classLogits(poolSteps(x, config.head), config.dropout, seed + 999) });
}

/** RWKV-style recurrent classifier: linear-recurrence time mixing with learned per-channel decays, and channel mixing. */
export const rwkv = {
  name: "rwkv",
  family: "neural",
  description:
    "RWKV-style (Peng et al., 2023, RWKV-4 blocks): each step projected to d_model; per block, time mixing (token shift, then a weighted average of past values whose weights decay at a learned per-channel rate, with a learned bonus for the current step: a linear recurrence computed as a log-depth scan, so step t sees only steps <= t) and channel mixing (a token-shifted squared-ReLU feed-forward gated by a sigmoid receptance), both pre-norm residual; then a last-step or mean head. Trains like a transformer (all steps at once) and costs ~log2(L) kernels per recurrence.",
  input: "sequence",
  wantsGpu: false,
  defaultSeqLen: 16,
  configSchema: RwkvConfig,
  /** Where `mf tune` searches by default; a tune config may narrow or replace it. */
  searchSpace: {
    "params.d_model": { type: "categorical", choices: [16, 32, 64] },
    "params.layers": { type: "int", low: 1, high: 3 },
    "params.ff_mult": { type: "int", low: 1, high: 4 },
    "params.dropout": { type: "float", low: 0, high: 0.4 },
    "params.head": { type: "categorical", choices: ["last", "mean"] },
    "params.learning_rate": { type: "float", low: 3e-4, high: 1e-2, log: true },
  },
  ...networkMethods("sequence", rwkvNetwork, [TimeMix, ChannelMix, LayerNorm, SeededDropout, LastStep]),
} satisfies ModelPlugin<typeof RwkvConfig>;
