import * as tf from "@tensorflow/tfjs";
import { z } from "zod";
import type { InputShape, ModelPlugin } from "../../core/model.ts";
import { CausalConv1D } from "../tcn/causal_conv.ts";
import { dropoutField, headField, networkFields } from "../tfjs/config.ts";
import { classLogits, poolSteps } from "../tfjs/heads.ts";
import { LastStep } from "../tfjs/layers/last_step.ts";
import { LayerNorm } from "../tfjs/layers/layer_norm.ts";
import { PositionalEncoding } from "../tfjs/layers/positional.ts";
import { SeededDropout } from "../tfjs/layers/seeded_dropout.ts";
import { networkMethods } from "../tfjs/network_plugin.ts";
import { CausalMaxPool } from "./distil.ts";
import { ProbSparseAttention } from "./prob_sparse.ts";
import { tfjsSeed } from "../tfjs/seed.ts";

/** Informer encoder settings. */
export const InformerConfig = z.strictObject({
  d_model: z.number().int().min(4).max(1024).default(32),
  /** Attention heads; must divide d_model. */
  heads: z.number().int().min(1).max(32).default(4),
  /** Encoder layers; a distilling convolution halves the steps between each two. */
  layers: z.number().int().min(1).max(4).default(2),
  /** Width of each layer's feed-forward part. */
  ff: z.number().int().min(1).max(4096).default(64),
  /** ProbSparse factor c: c ceil(ln T) queries of a T-step layer attend fully. */
  factor: z.number().int().min(1).max(16).default(2),
  dropout: dropoutField(0.1),
  head: headField,
  ...networkFields(),
}).refine((c) => c.d_model % c.heads === 0, { message: "d_model must be a multiple of heads", path: ["heads"] });
/** Informer settings after defaults. */
export type InformerConfig = z.output<typeof InformerConfig>;

/** Name of the last encoder layer's output, (b, T', d_model): what the causality test reads. */
export const INFORMER_FEATURES = "informer_features";

/**
 * Steps projected to d_model plus sinusoidal positions; encoder layers (Informer's post-norm: x =
 * norm(x + ProbSparse(x)), x = norm(x + FF(x))) with a distilling block between each two: causal
 * convolution (kernel 3), norm, ELU, causal max-pool halving the steps. Then a last-step or mean head.
 */
export function informerNetwork(config: InformerConfig, shape: InputShape, seed: number): tf.LayersModel {
  const input = tf.input({ shape: [shape.seqLen, shape.nFeatures] });
  const d = config.d_model;
  const apply = (layer: tf.layers.Layer, x: tf.SymbolicTensor | tf.SymbolicTensor[]) => layer.apply(x) as tf.SymbolicTensor;
  const drop = (x: tf.SymbolicTensor, s: number) => (config.dropout > 0 ? apply(new SeededDropout({ rate: config.dropout, seed: s }), x) : x);
  const dense = (units: number, s: number, activation?: "relu") =>
    tf.layers.dense({ units, activation, kernelInitializer: tf.initializers.glorotUniform({ seed: tfjsSeed(s) }) });
  let x = drop(apply(new PositionalEncoding(), apply(dense(d, seed), input)), seed + 1);
  for (let i = 0; i < config.layers; i++) {
    const s = seed + 10 * (i + 1);
    if (i > 0) {
      const conv = apply(new CausalConv1D({ filters: d, kernelSize: 3, dilation: 1, seed: s }), x);
      x = apply(new CausalMaxPool(), apply(tf.layers.elu(), apply(new LayerNorm(), conv)));
    }
    const attended = drop(apply(new ProbSparseAttention({ heads: config.heads, factor: config.factor, seed: s + 1 }), x), s + 2);
    x = apply(new LayerNorm(), apply(tf.layers.add(), [x, attended]));
    const fed = drop(apply(dense(d, s + 4), drop(apply(dense(config.ff, s + 3, "relu"), x), s + 5)), s + 6);
    const last = i === config.layers - 1;
    x = apply(new LayerNorm(last ? { name: INFORMER_FEATURES } : {}), apply(tf.layers.add(), [x, fed]));
  }
  return tf.model({ inputs: input, outputs: classLogits(poolSteps(x, config.head), config.dropout, seed + 999) });
}

/** Informer-style encoder classifier: ProbSparse self-attention and distilling between layers. */
export const informer = {
  name: "informer",
  family: "timeseries",
  description:
    "Informer-style encoder (Zhou et al., 2021): ProbSparse self-attention (per head, only queries whose max-minus-mean score measure ranks in the top c ln T of their prefix attend; the others take the running mean of the values) in its causal form, and distilling blocks (causal convolution, norm, ELU, max-pool of stride 2) that halve the steps between encoder layers; then a last-step or mean head. Scores are computed densely, so the cost is that of full attention at these window lengths.",
  input: "sequence",
  wantsGpu: false,
  defaultSeqLen: 16,
  configSchema: InformerConfig,
  /** Where `mf tune` searches by default; a tune config may narrow or replace it. */
  searchSpace: {
    "params.d_model": { type: "categorical", choices: [16, 32, 64] },
    "params.heads": { type: "categorical", choices: [1, 2, 4] },
    "params.layers": { type: "int", low: 1, high: 3 },
    "params.ff": { type: "categorical", choices: [32, 64, 128] },
    "params.factor": { type: "int", low: 1, high: 4 },
    "params.dropout": { type: "float", low: 0, high: 0.4 },
    "params.head": { type: "categorical", choices: ["last", "mean"] },
    "params.learning_rate": { type: "float", low: 1e-4, high: 3e-3, log: true },
  },
  ...networkMethods("sequence", informerNetwork, [ProbSparseAttention, CausalMaxPool, CausalConv1D, PositionalEncoding, LayerNorm, SeededDropout, LastStep]),
} satisfies ModelPlugin<typeof InformerConfig>;
