// The fused Adam's parity check, shared by adam_check.ts (Deno on lavapipe) and tests/browser/webgpu_adam.test.ts
// (Chromium on SwiftShader): one small network trained twice from the same seed, with tf.train.adam and with
// WebGpuAdam, on the webgpu backend the caller has started.
import * as tf from "@tensorflow/tfjs";
import { WebGpuAdam } from "../../../../models/tfjs/webgpu/adam.ts";
import { countDispatches } from "../../../../models/tfjs/webgpu/dispatch_counter.ts";

/** What one parity run found. */
export interface AdamParity {
  steps: number;
  parameters: number;
  /** Per weight, the worst |fused - adam| / |adam| over its elements (denominator at least 1e-6). */
  worst_relative: number[];
  /** Per weight, the share of elements training moved: parity of untrained weights would prove nothing. */
  moved: number[];
  /** Parameters the device lets one WebGpuAdam dispatch update (its storage-buffer bindings / 4). */
  per_dispatch: number;
  /** Dispatches of one optimizer update (the last step's), of each. */
  update_dispatches: { adam: number; fused: number };
  leaked_tensors: number;
}

/** 20 -> dense 17 (relu) -> dense 6 (tanh, no bias) -> dense 3, seeded: the same initial weights on every call; five parameters, an odd count, so the last Adam group is a short one. */
function network(): tf.LayersModel {
  const input = tf.input({ shape: [20] });
  const hidden = tf.layers.dense({ units: 17, activation: "relu", kernelInitializer: tf.initializers.glorotUniform({ seed: 5 }) }).apply(input);
  const narrow = tf.layers.dense({ units: 6, activation: "tanh", useBias: false, kernelInitializer: tf.initializers.glorotUniform({ seed: 7 }) }).apply(hidden);
  const output = tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: 6 }) }).apply(narrow) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output });
}

/** Trains the network `steps` times (batch 37, learning rate 0.01) with each optimizer and compares the weights. */
export async function adamParity(steps = 30): Promise<AdamParity> {
  const counter = countDispatches(tf.backend());
  const x = tf.randomNormal([37, 20], 0, 1, "float32", 3);
  const y = tf.oneHot(tf.tensor1d(Array.from({ length: 37 }, (_, i) => i % 3), "int32"), 3);
  const initial = network();
  const start = await Promise.all(initial.getWeights().map(async (w) => await w.data() as Float32Array));
  initial.dispose();
  const tensorsBefore = tf.memory().numTensors;
  const weights: Float32Array[][] = [];
  const updateDispatches: number[] = [];
  try {
    for (const make of [(): tf.Optimizer => tf.train.adam(0.01), (): tf.Optimizer => new WebGpuAdam(0.01)]) {
      const net = network(), optimizer = make();
      for (let step = 0; step < steps; step++) {
        tf.tidy(() => {
          const { grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, net.apply(x) as tf.Scalar) as tf.Scalar);
          // kernels are counted when encoded, so the gradients' are not among the update's
          if (step === steps - 1) counter.reset();
          optimizer.applyGradients(grads);
          if (step === steps - 1) updateDispatches.push(counter.counts().dispatches);
        });
      }
      weights.push(await Promise.all(net.getWeights().map(async (w) => await w.data() as Float32Array)));
      optimizer.dispose();
      net.dispose();
    }
  } finally {
    counter.stop();
  }
  const leaked = tf.memory().numTensors - tensorsBefore;
  tf.dispose([x, y]);
  const worst = weights[0].map((reference, k) => {
    let relative = 0;
    for (let i = 0; i < reference.length; i++) {
      relative = Math.max(relative, Math.abs(weights[1][k][i] - reference[i]) / Math.max(Math.abs(reference[i]), 1e-6));
    }
    return relative;
  });
  return {
    steps,
    parameters: weights[0].length,
    worst_relative: worst,
    moved: weights[1].map((w, k) => w.filter((v, i) => v !== start[k][i]).length / w.length),
    update_dispatches: { adam: updateDispatches[0], fused: updateDispatches[1] },
    per_dispatch: Math.min(
      4,
      Math.floor(
        (tf.backend() as unknown as { device: { limits: { maxStorageBuffersPerShaderStage: number } } }).device.limits.maxStorageBuffersPerShaderStage / 4,
      ),
    ),
    leaked_tensors: leaked,
  };
}
