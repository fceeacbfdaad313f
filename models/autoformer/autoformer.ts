import * as tf from "@tensorflow/tfjs";
import { z } from "zod";
import type { InputShape, ModelPlugin } from "../../core/model.ts";
import { dropoutField, headField, networkFields } from "../tfjs/config.ts";
import { classLogits, poolSteps } from "../tfjs/heads.ts";
import { LastStep } from "../tfjs/layers/last_step.ts";
import { LayerNorm } from "../tfjs/layers/layer_norm.ts";
import { SeededDropout } from "../tfjs/layers/seeded_dropout.ts";
import { networkMethods } from "../tfjs/network_plugin.ts";
import { AutoCorrelation } from "./auto_correlation.ts";
import { SeriesDecomposition } from "./decomposition.ts";
import { tfjsSeed } from "../tfjs/seed.ts";

/** Autoformer encoder settings. */
export const AutoformerConfig = z.strictObject({
  d_model: z.number().int().min(2).max(1024).default(16),
  /** Encoder layers. */
  layers: z.number().int().min(1).max(4).default(2),
  /** Width of each layer's feed-forward part. */
  ff: z.number().int().min(1).max(4096).default(32),
  /** Steps of the moving average that splits trend from seasonal parts. */
  moving_average: z.number().int().min(2).max(64).default(5),
  /** c in k = c ceil(ln T): lags aggregated per step. */
  factor: z.number().int().min(1).max(16).default(1),
  dropout: dropoutField(0.1),
  head: headField,
  ...networkFields(),
});
/** Autoformer settings after defaults. */
export type AutoformerConfig = z.output<typeof AutoformerConfig>;

/** Name of the final per-step states, (b, L, d_model): what the causality test reads. */
export const AUTOFORMER_FEATURES = "autoformer_features";

/**
 * Steps projected to d_model and split into seasonal and trend parts; encoder layers refine the
 * seasonal part (x = seasonal(x + AutoCorrelation(x)), x = seasonal(x + FF(x))) while the trend parts
 * each decomposition removes are summed, as Autoformer's decoder accumulates trend; the head reads
 * norm(seasonal + linear(trend)).
 */
export function autoformerNetwork(config: AutoformerConfig, shape: InputShape, seed: number): tf.LayersModel {
  const input = tf.input({ shape: [shape.seqLen, shape.nFeatures] });
  const d = config.d_model, kernel = config.moving_average;
  const apply = (layer: tf.layers.Layer, x: tf.SymbolicTensor | tf.SymbolicTensor[]) => layer.apply(x) as tf.SymbolicTensor;
  const drop = (x: tf.SymbolicTensor, s: number) => (config.dropout > 0 ? apply(new SeededDropout({ rate: config.dropout, seed: s }), x) : x);
  const dense = (units: number, s: number, activation?: "relu") =>
    tf.layers.dense({ units, activation, kernelInitializer: tf.initializers.glorotUniform({ seed: tfjsSeed(s) }) });
  const part = (x: tf.SymbolicTensor, which: "trend" | "seasonal") => apply(new SeriesDecomposition({ kernel, part: which }), x);
  const embedded = apply(dense(d, seed), input);
  let seasonal = part(embedded, "seasonal");
  const trends = [part(embedded, "trend")];
  for (let i = 0; i < config.layers; i++) {
    const s = seed + 10 * (i + 1);
    const correlated = apply(tf.layers.add(), [seasonal, drop(apply(new AutoCorrelation({ factor: config.factor, seed: s }), seasonal), s + 2)]);
    seasonal = part(correlated, "seasonal");
    trends.push(part(correlated, "trend"));
    const fed = apply(tf.layers.add(), [seasonal, drop(apply(dense(d, s + 4), drop(apply(dense(config.ff, s + 3, "relu"), seasonal), s + 5)), s + 6)]);
    seasonal = part(fed, "seasonal");
    trends.push(part(fed, "trend"));
  }
  const trend = apply(dense(d, seed + 7), apply(tf.layers.add(), trends));
  const features = apply(new LayerNorm({ name: AUTOFORMER_FEATURES }), apply(tf.layers.add(), [seasonal, trend]));
  return tf.model({ inputs: input, outputs: classLogits(poolSteps(features, config.head), config.dropout, seed + 999) });
}

/** Autoformer-style encoder classifier: series decomposition and FFT auto-correlation with time-delay aggregation. */
export const autoformer = {
  name: "autoformer",
  family: "timeseries",
  description:
    "Autoformer-style encoder (Wu et al., 2021): series decomposition blocks (trailing moving-average trend, seasonal residual) after every sub-layer, and auto-correlation in place of attention: the correlation of queries and keys at every lag computed with the real FFT, and for each step the top c ln L lags' values aggregated with softmax weights (time-delay aggregation). Made causal: step t correlates and aggregates only steps <= t. Trend parts are summed beside the seasonal stream; last-step or mean head.",
  input: "sequence",
  wantsGpu: false,
  defaultSeqLen: 16,
  configSchema: AutoformerConfig,
  /** Where `mf tune` searches by default; a tune config may narrow or replace it. */
  searchSpace: {
    "params.d_model": { type: "categorical", choices: [16, 32, 64] },
    "params.layers": { type: "int", low: 1, high: 3 },
    "params.ff": { type: "categorical", choices: [32, 64, 128] },
    "params.moving_average": { type: "int", low: 3, high: 9, step: 2 },
    "params.factor": { type: "int", low: 1, high: 3 },
    "params.dropout": { type: "float", low: 0, high: 0.4 },
    "params.head": { type: "categorical", choices: ["last", "mean"] },
    "params.learning_rate": { type: "float", low: 1e-4, high: 3e-3, log: true },
  },
  ...networkMethods("sequence", autoformerNetwork, [AutoCorrelation, SeriesDecomposition, LayerNorm, SeededDropout, LastStep]),
} satisfies ModelPlugin<typeof AutoformerConfig>;
