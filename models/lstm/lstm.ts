import type { ModelPlugin } from "../../core/model.ts";
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
  ...networkMethods("sequence", (config, shape, seed) => recurrentNetwork(FusedLstm, config, shape, seed), [FusedLstm, SeededDropout]),
} satisfies ModelPlugin<typeof LstmConfig>;
