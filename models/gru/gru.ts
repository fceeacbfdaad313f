import type { InputShape, ModelPlugin } from "../../core/model.ts";
import { recurrentFootprint } from "../tfjs/footprint.ts";
import { SeededDropout } from "../tfjs/layers/seeded_dropout.ts";
import { networkMethods } from "../tfjs/network_plugin.ts";
import { RecurrentConfig, recurrentNetwork } from "../tfjs/recurrent_net.ts";
import { FusedGru } from "./gru_layer.ts";

/** GRU settings: units, stacked layers, dropout, head, learning rate, class weights. */
export const GruConfig = RecurrentConfig;

/** Stacked GRU ("reset after" cell) over the window; its recurrence is one fused op (forward and backward by hand). */
export const gru = {
  name: "gru",
  family: "neural",
  description:
    "Stacked GRU (reset-after cell, as in cuDNN and PyTorch) over the (L, F) window with dropout and a last-step or mean head. The whole recurrence is one hand-differentiated op, so a step costs ~14 kernels forward and ~20 backward; still sequential in L: each step waits for the previous one, so long windows are slow on every backend and a GPU gains little.",
  input: "sequence",
  wantsGpu: false,
  defaultSeqLen: 8,
  configSchema: GruConfig,
  /** Where `mf tune` searches by default; a tune config may narrow or replace it. */
  searchSpace: {
    "params.units": { type: "int", low: 16, high: 128, step: 16 },
    "params.layers": { type: "int", low: 1, high: 3 },
    "params.dropout": { type: "float", low: 0, high: 0.5 },
    "params.head": { type: "categorical", choices: ["last", "mean"] },
    "params.learning_rate": { type: "float", low: 1e-4, high: 1e-2, log: true },
  },
  /** Three gates per step, and a recurrent bias beside the input one. */
  footprint: (config: RecurrentConfig, shape: InputShape) => recurrentFootprint(config, shape, 3, 2),
  ...networkMethods("sequence", (config, shape, seed) => recurrentNetwork(FusedGru, config, shape, seed), [FusedGru, SeededDropout]),
} satisfies ModelPlugin<typeof GruConfig>;
