import type { InputShape, ModelPlugin } from "../../core/model.ts";
import { recurrentFootprint } from "../tfjs/footprint.ts";
import { SeededDropout } from "../tfjs/layers/seeded_dropout.ts";
import { networkMethods } from "../tfjs/network_plugin.ts";
import { RecurrentConfig, recurrentNetwork } from "../tfjs/recurrent_net.ts";
import { FusedLstm } from "./lstm_layer.ts";

/** LSTM settings: units, stacked layers, dropout, head, learning rate, class weights. */
export const LstmConfig = RecurrentConfig;

/** Stacked LSTM over the window; its recurrence is one fused op (forward and backward by hand). */
export const lstm = {
  name: "lstm",
  family: "neural",
  description:
    "Stacked LSTM over the (L, F) window with dropout and a last-step or mean head. The whole recurrence is one hand-differentiated op, so a step costs ~13 kernels forward and ~20 backward; on the wasm backend it trains about as fast as PyTorch on the CPU (experiments/benchmarks/train_speed.md). Still sequential in L: each step waits for the previous one, so long windows are slow on every backend and a GPU gains little.",
  input: "sequence",
  wantsGpu: false,
  defaultSeqLen: 8,
  configSchema: LstmConfig,
  /** Where `mf tune` searches by default; a tune config may narrow or replace it. */
  searchSpace: {
    "params.units": { type: "int", low: 16, high: 128, step: 16 },
    "params.layers": { type: "int", low: 1, high: 3 },
    "params.dropout": { type: "float", low: 0, high: 0.5 },
    "params.head": { type: "categorical", choices: ["last", "mean"] },
    "params.learning_rate": { type: "float", low: 1e-4, high: 1e-2, log: true },
  },
  /** Four gates per step. */
  footprint: (config: RecurrentConfig, shape: InputShape) => recurrentFootprint(config, shape, 4),
  ...networkMethods("sequence", (config, shape, seed) => recurrentNetwork(FusedLstm, config, shape, seed), [FusedLstm, SeededDropout]),
} satisfies ModelPlugin<typeof LstmConfig>;
