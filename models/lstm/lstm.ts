import type { ModelPlugin } from "../../core/model.ts";
import { registerLayers } from "../tfjs/layers/layer_args.ts";
import { SeededDropout } from "../tfjs/layers/seeded_dropout.ts";
import { NetworkModel } from "../tfjs/network_model.ts";
import { loadNetwork } from "../tfjs/network_io.ts";
import { RecurrentConfig, recurrentNetwork } from "../tfjs/recurrent_net.ts";
import { FusedLstm } from "./lstm_layer.ts";

/** LSTM settings: units, stacked layers, dropout, head, learning rate, class weights. */
export const LstmConfig = RecurrentConfig;

const register = () => registerLayers(FusedLstm, SeededDropout);

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
  create(config, shape, context) {
    register();
    return new NetworkModel(recurrentNetwork(FusedLstm, config, shape, context.seed), "sequence", config);
  },
  async load(files, config) {
    register();
    return new NetworkModel(await loadNetwork(files), "sequence", config);
  },
} satisfies ModelPlugin<typeof LstmConfig>;
