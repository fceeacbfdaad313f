import { DatasetConfig } from "../../core/config/dataset.ts";
import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { selectBackend } from "../../models/tfjs/backend.ts";
import type { GpuLike } from "../../core/platform.ts";
import { writeParquet } from "../../core/data/parquet_write.ts";
import { loadSplits } from "../../core/data/splits.ts";
import { synthSplits } from "../../core/data/synth.ts";
import { createRng } from "../../core/random.ts";
import { registry } from "../../models/index.ts";
import { classifierLoss, type NetworkModel } from "../../models/tfjs/network_model.ts";
import { memorySource } from "../helpers.ts";

// Runs in headless Chromium on its software WebGPU adapter (SwiftShader). For every tfjs model:
// build it on the cpu backend, copy its weights into the same network on WebGPU, and compare the
// first training step's loss and gradients (dropout on, same masks) within 1e-3 relative.
const models: Record<string, object> = {
  logistic: {},
  mlp: { hidden: [16, 8] },
  lstm: { units: 8, layers: 2 },
  gru: { units: 8, layers: 2, head: "mean", class_weight: "balanced" },
  tcn: { filters: 8, dilations: [1, 2] },
  transformer: { d_model: 8, heads: 2, ff: 16, layers: 1 },
  nhits: { hidden: 16, pools: [4, 1] },
  patchtst: { d_model: 8, heads: 2, ff: 16, layers: 1, patch_len: 4, stride: 2 },
  wavenet: { residual_channels: 8, skip_channels: 8, dilations: [1, 2] },
  rwkv: { d_model: 8, layers: 2 },
  tft: { d_model: 8, heads: 2 },
  informer: { d_model: 8, heads: 2, ff: 16, layers: 2 },
  // on WebGPU its correlations go through tfjs's FFT kernels, on cpu through DFT tables
  autoformer: { d_model: 8, ff: 16, layers: 1, moving_average: 3 },
  timesnet: { d_model: 8, ff: 8, layers: 1, kernels: 2 },
};
const L = 8, F = 4, B = 4;
const rng = createRng(3);
const x = Float32Array.from({ length: B * L * F }, () => rng.normal());
const y = Int32Array.from({ length: B }, (_, i) => i % 3);
const classWeights = Float32Array.from([0.5, 1, 2]);

/** Loss and gradients (by weight order) of the first training step, as plain numbers. */
async function firstStep(net: tf.LayersModel, input: "flat" | "sequence" | "row", weighted: boolean) {
  const variables = net.trainableWeights.map((w) => w.read() as tf.Variable);
  const { value, grads } = tf.tidy(() => {
    const xs = tf.tensor(x, input === "sequence" ? [B, L, F] : [B, L * F]);
    return tf.variableGrads(
      () => classifierLoss(net.apply(xs, { training: true }) as tf.Tensor, tf.tensor1d(y, "int32"), weighted ? classWeights : undefined),
      variables,
    );
  });
  // WebGPU tensors are read asynchronously (dataSync is not available for GPU-resident data).
  const result = { loss: (await value.data())[0], grads: await Promise.all(variables.map(async (v) => Array.from(await grads[v.name].data()))) };
  tf.dispose([value, ...Object.values(grads)]);
  return result;
}

/** max |a - b| / max |b|: the error relative to the gradient's scale. */
function relError(a: number[], b: number[]): number {
  const scale = Math.max(...b.map(Math.abs), 1e-12);
  return Math.max(...a.map((v, i) => Math.abs(v - b[i]))) / scale;
}

describe("WebGPU matches the cpu backend", () => {
  for (const [name, params] of Object.entries(models)) {
    it(`${name}: the first step's loss and gradients agree within 1e-3 relative`, async () => {
      const plugin = registry.get(name);
      const config = plugin.configSchema.parse(params) as { class_weight?: string };
      const shape = { seqLen: L, nFeatures: F, nClasses: 3 as const }; // flat models read the window flattened
      const cpuBackend = await selectBackend("cpu");
      const onCpu = plugin.create(config, shape, { seed: 9, backend: cpuBackend }) as NetworkModel;
      const weights = onCpu.net.getWeights().map((w) => ({ shape: w.shape, data: w.dataSync().slice() }));
      const cpu = await firstStep(onCpu.net, plugin.input, config.class_weight === "balanced");
      onCpu.dispose();

      const gpu = (navigator as Navigator & { gpu?: GpuLike }).gpu;
      const gpuBackend = await selectBackend("webgpu", { gpu });
      const onGpu = plugin.create(config, shape, { seed: 9, backend: gpuBackend }) as NetworkModel;
      onGpu.net.setWeights(weights.map((w) => tf.tensor(w.data, w.shape)));
      const webgpu = await firstStep(onGpu.net, plugin.input, config.class_weight === "balanced");
      onGpu.dispose();

      expect(webgpu.grads.length).toBe(cpu.grads.length);
      const error = Math.max(Math.abs(webgpu.loss - cpu.loss) / Math.abs(cpu.loss), ...webgpu.grads.map((g, i) => relError(g, cpu.grads[i])));
      console.log(
        `parity ${name}: loss ${cpu.loss.toFixed(6)} (cpu) ${webgpu.loss.toFixed(6)} (webgpu), max relative error ${
          error.toExponential(2)
        } over ${cpu.grads.length} gradients`,
      );
      expect(error).toBeLessThan(1e-3);
    });
  }
});

describe("training on WebGPU", () => {
  // Two sequence models (the parity tests above cover every model's arithmetic): each new kernel
  // shape compiles a pipeline, which is slow on a software adapter.
  it("fits the LSTM and the TCN for an epoch with batches gathered on the device, and they predict probabilities", async () => {
    const backend = await selectBackend("webgpu", { gpu: (navigator as Navigator & { gpu?: GpuLike }).gpu });
    const tiny = synthSplits({ symbols: 2, rows: 300, features: F, seed: 4 });
    const source = (split: "train" | "val" | "test") => memorySource(`${split}.parquet`, writeParquet(tiny[split].columns));
    const splits = await loadSplits({ train: source("train"), val: source("val"), test: source("test") }, {
      ...DatasetConfig.parse({ horizon: 5 }),
      seq_len: L,
    });
    for (const name of ["lstm", "tcn"]) {
      const params = models[name];
      const plugin = registry.get(name);
      const model = plugin.create(plugin.configSchema.parse(params), { seqLen: L, nFeatures: F, nClasses: 3 }, { seed: 1, backend });
      const reports: number[] = [];
      await model.fit(splits.train, splits.val, {
        epochs: 1,
        batchSize: 32,
        seed: 1,
        restoreBest: false,
        onEpoch: (r) => (reports.push(r.train_loss), Promise.resolve({ stop: false, best: false })),
      });
      const probs = await model.predict(splits.test);
      model.dispose();
      expect(tf.getBackend()).toBe("webgpu");
      expect(reports[0], name).toBeGreaterThan(0);
      expect(probs[0] + probs[1] + probs[2], name).toBeCloseTo(1, 4);
    }
  });
});
