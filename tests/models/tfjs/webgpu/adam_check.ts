// Run by adam.test.ts under Deno (`deno run -A`), whose WebGPU runs on Mesa's lavapipe: Node (vitest) has none.
// Trains one small network twice from the same seed, with tf.train.adam and with WebGpuAdam, and prints one JSON
// line: the worst relative difference of every weight, the dispatches of one update of each, and tensors left over.
import * as tf from "@tensorflow/tfjs";
import { selectBackend } from "../../../../models/tfjs/backend.ts";
import { WebGpuAdam } from "../../../../models/tfjs/webgpu/adam.ts";
import { countDispatches } from "../../../../models/tfjs/webgpu/dispatch_counter.ts";
import type { GpuLike } from "../../../../core/platform.ts";

// the test gives Mesa an XDG_RUNTIME_DIR; the CLI's platformBackend would, but it needs Deno's types, which tsconfig.json lacks
await selectBackend("webgpu", { gpu: (navigator as unknown as { gpu: GpuLike }).gpu });
const counter = countDispatches(tf.backend());
const STEPS = 30;

/** 20 -> dense 17 (relu) -> dense 3, seeded: the same initial weights on every call. */
function network(): tf.LayersModel {
  const input = tf.input({ shape: [20] });
  const hidden = tf.layers.dense({ units: 17, activation: "relu", kernelInitializer: tf.initializers.glorotUniform({ seed: 5 }) }).apply(input);
  const output = tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: 6 }) }).apply(hidden) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output });
}

const x = tf.randomNormal([37, 20], 0, 1, "float32", 3);
const y = tf.oneHot(tf.tensor1d(Array.from({ length: 37 }, (_, i) => i % 3), "int32"), 3);
const initial = network();
const start = await Promise.all(initial.getWeights().map(async (w) => await w.data() as Float32Array));
initial.dispose();
const tensorsBefore = tf.memory().numTensors;
const weights: Float32Array[][] = [];
const updateDispatches: number[] = [];
for (const make of [(): tf.Optimizer => tf.train.adam(0.01), (): tf.Optimizer => new WebGpuAdam(0.01)]) {
  const net = network(), optimizer = make();
  for (let step = 0; step < STEPS; step++) {
    tf.tidy(() => {
      const { grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, net.apply(x) as tf.Scalar) as tf.Scalar);
      // the optimizer's own dispatches on the last step (kernels are counted when encoded, so the gradients' are not among them)
      if (step === STEPS - 1) counter.reset();
      optimizer.applyGradients(grads);
      if (step === STEPS - 1) updateDispatches.push(counter.counts().dispatches);
    });
  }
  weights.push(await Promise.all(net.getWeights().map(async (w) => await w.data() as Float32Array)));
  optimizer.dispose();
  net.dispose();
}
counter.stop();
const worst = weights[0].map((reference, k) => {
  let relative = 0;
  for (let i = 0; i < reference.length; i++) relative = Math.max(relative, Math.abs(weights[1][k][i] - reference[i]) / Math.max(Math.abs(reference[i]), 1e-6));
  return relative;
});
console.log(JSON.stringify({
  steps: STEPS,
  parameters: weights[0].length,
  worst_relative: worst,
  // the share of each weight's elements that training moved: parity of untrained weights would prove nothing
  moved: weights[1].map((w, k) => w.filter((v, i) => v !== start[k][i]).length / w.length),
  update_dispatches: { adam: updateDispatches[0], fused: updateDispatches[1] },
  leaked_tensors: tf.memory().numTensors - tensorsBefore,
}));
