import * as tf from "@tensorflow/tfjs";
import { z } from "zod";
import type { InputShape, ModelPlugin } from "../../core/model.ts";
import { dropoutField, headField, networkFields } from "../tfjs/config.ts";
import { classLogits, poolSteps } from "../tfjs/heads.ts";
import { LastStep } from "../tfjs/layers/last_step.ts";
import { registerLayers } from "../tfjs/layers/layer_args.ts";
import { LayerNorm } from "../tfjs/layers/layer_norm.ts";
import { SeededDropout } from "../tfjs/layers/seeded_dropout.ts";
import { loadNetwork } from "../tfjs/network_io.ts";
import { InterpretableAttention } from "./attention.ts";
import { ContextLstm } from "./context_lstm.ts";
import { gateAddNorm, GatedLinearUnit, grn } from "./grn.ts";
import { LearnedContext } from "./static_context.ts";
import { readSelection, TftModel } from "./tft_model.ts";
import { FeatureEmbedding, variableSelection, WeightedSum } from "./variable_selection.ts";

/** Temporal Fusion Transformer settings. */
export const TftConfig = z.strictObject({
  /** Width of every hidden state (feature embeddings, LSTM, attention). */
  d_model: z.number().int().min(2).max(256).default(16),
  /** Attention heads; must divide d_model. */
  heads: z.number().int().min(1).max(16).default(2),
  dropout: dropoutField(0.1),
  head: headField,
  ...networkFields(2e-3),
}).refine((c) => c.d_model % c.heads === 0, { message: "d_model must be a multiple of heads", path: ["heads"] });
/** TFT settings after defaults. */
export type TftConfig = z.output<typeof TftConfig>;

/** Name of the decoder's output, (b, L, d_model): what the causality test reads. */
export const TFT_FEATURES = "tft_features";

/**
 * Lim et al. (2021) for classification over the window (all past inputs, no known-future inputs):
 * static contexts c_s, c_e, c_h, c_c from a learned embedding through GRNs; variable selection at
 * every step (context c_s); an LSTM encoder starting from (c_h, c_c), gated skip to its input;
 * static enrichment (GRN with c_e); interpretable multi-head attention with a causal mask, gated
 * skip; a position-wise GRN and a gated skip to the LSTM stage; then a last-step or mean head.
 */
export function tftNetwork(config: TftConfig, shape: InputShape, seed: number): tf.LayersModel {
  const input = tf.input({ shape: [shape.seqLen, shape.nFeatures] });
  const d = config.d_model, dropout = config.dropout;
  const apply = (layer: tf.layers.Layer, x: tf.SymbolicTensor | tf.SymbolicTensor[]) => layer.apply(x) as tf.SymbolicTensor;
  const staticEmbedding = apply(new LearnedContext({ units: d, seed }), input);
  const [cs, ce, ch, cc] = [0, 1, 2, 3].map((k) => grn(staticEmbedding, { units: d, hidden: d, dropout, seed: seed + 100 + 10 * k }));
  const selected = variableSelection(input, { units: d, dropout, seed: seed + 200, context: cs });
  const lstm = new ContextLstm({ units: d, seed: seed + 300 });
  const temporal = gateAddNorm(apply(lstm, [selected, ch, cc]), selected, { units: d, dropout, seed: seed + 310 });
  const enriched = grn(temporal, { units: d, hidden: d, dropout, seed: seed + 400, context: ce });
  const attention = apply(new InterpretableAttention({ heads: config.heads, seed: seed + 500 }), enriched);
  const attended = gateAddNorm(attention, enriched, { units: d, dropout, seed: seed + 510 });
  const ff = grn(attended, { units: d, hidden: d, dropout, seed: seed + 600 });
  const decoded = gateAddNorm(ff, temporal, { units: d, dropout: 0, seed: seed + 610, name: TFT_FEATURES });
  return tf.model({ inputs: input, outputs: classLogits(poolSteps(decoded, config.head), dropout, seed + 999) });
}

const LAYERS = [LearnedContext, ContextLstm, FeatureEmbedding, WeightedSum, GatedLinearUnit, InterpretableAttention, LayerNorm, SeededDropout, LastStep];

/** Temporal Fusion Transformer classifier, whose variable selection weights are its feature importance. */
export const tft = {
  name: "tft",
  family: "timeseries",
  description:
    "Temporal Fusion Transformer (Lim et al., 2021): gated residual networks throughout; variable selection at every step (its mean weight per feature over the validation windows is the run's feature importance; one GRN shared by the features' own embeddings, where the paper has one per feature, for speed on wasm); static contexts from a learned embedding (models see no symbol id, so one learned embedding stands in for the symbol's); an LSTM encoder started from the static context; interpretable multi-head attention (one value projection shared by the heads, their attention averaged) with a causal mask; gated skip connections; a last-step or mean head. Per-feature networks make it heavier than the transformer at ~100 features.",
  input: "sequence",
  wantsGpu: false,
  defaultSeqLen: 8,
  configSchema: TftConfig,
  /** Where `mf tune` searches by default; a tune config may narrow or replace it. */
  searchSpace: {
    "params.d_model": { type: "categorical", choices: [8, 16, 32] },
    "params.heads": { type: "categorical", choices: [1, 2, 4] },
    "params.dropout": { type: "float", low: 0, high: 0.4 },
    "params.head": { type: "categorical", choices: ["last", "mean"] },
    "params.learning_rate": { type: "float", low: 3e-4, high: 1e-2, log: true },
  },
  create(config, shape, context) {
    registerLayers(...LAYERS);
    return new TftModel(tftNetwork(config, shape, context.seed), config, context.backend);
  },
  async load(files, config, shape, context) {
    registerLayers(...LAYERS);
    return new TftModel(await loadNetwork(files), config, context.backend, readSelection(files, shape.nFeatures));
  },
} satisfies ModelPlugin<typeof TftConfig>;
