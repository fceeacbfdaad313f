// Issue 15's end-to-end parity: a whole epoch of the LSTM (and of the GRU) trained on webgpu with the fused kernels
// ends within 1e-3 of the cpu backend's losses from the same seed (same initial weights, batch order and dropout
// masks: tfjs draws them on the host on both backends). Run by fused_parity_check.ts ("epoch") under Deno on lavapipe.
import * as tf from "@tensorflow/tfjs";
import type { NetworkModel } from "../../../../models/tfjs/network_model.ts";
import { setFusedKernels } from "../../../../models/tfjs/webgpu/fused_flag.ts";
import { lstm } from "../../../../models/lstm/lstm.ts";
import { gru } from "../../../../models/gru/gru.ts";
import { syntheticWindows } from "../../../../bench/training_inputs.ts";
import type { ParityCase } from "./fused_parity.ts";
import { rel } from "./parity_helpers.ts";

/** One epoch of 8 batches of 37 (window 12 x 9 features, 64 units, dropout on) on cpu and on webgpu: the train and validation losses. */
export async function parity(): Promise<ParityCase[]> {
  const train = syntheticWindows(37 * 8, 5, { seqLen: 12, features: 9 });
  const val = syntheticWindows(80, 6, { seqLen: 12, features: 9 });
  const runs = [
    { name: "lstm(64)", plugin: lstm, params: { units: 64, learning_rate: 0.003 } },
    { name: "gru(64), 2 layers, mean head", plugin: gru, params: { units: 64, layers: 2, head: "mean", learning_rate: 0.003 } },
  ];
  const cases: ParityCase[] = [];
  setFusedKernels(true);
  for (const run of runs) {
    const losses: Record<string, { train: number; val: number }> = {};
    for (const name of ["cpu", "webgpu"] as const) {
      await tf.setBackend(name);
      const model = run.plugin.create(run.plugin.configSchema.parse(run.params), { seqLen: 12, nFeatures: 9, nClasses: 3 }, {
        seed: 3,
        backend: { name, requested: name, reason: "epoch parity" },
      }) as NetworkModel;
      await model.fit(train, val, {
        epochs: 1,
        batchSize: 37,
        seed: 1,
        restoreBest: false,
        onEpoch: (e) => (losses[name] = { train: e.train_loss, val: e.val_loss }, Promise.resolve({ stop: false, best: false })),
      });
      // the fused kernels must have run, or this compares tfjs with itself
      if (name === "webgpu" && !model.kernels.includes("fused")) throw new Error(`${run.name}: the fused kernels did not run on webgpu (${model.kernels})`);
      model.dispose();
    }
    cases.push({
      name: `${run.name}, one epoch, webgpu fused vs cpu`,
      errors: { train_loss: rel(losses.webgpu.train, losses.cpu.train), val_loss: rel(losses.webgpu.val, losses.cpu.val) },
    });
  }
  return cases;
}
