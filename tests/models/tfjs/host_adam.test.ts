import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { selectBackend } from "../../../models/tfjs/backend.ts";
import { HostAdam } from "../../../models/tfjs/host_adam.ts";

/** 20 -> dense 17 (relu) -> dense 3, seeded: the same initial weights on every call. */
function network(): tf.LayersModel {
  const input = tf.input({ shape: [20] });
  const hidden = tf.layers.dense({ units: 17, activation: "relu", kernelInitializer: tf.initializers.glorotUniform({ seed: 5 }) }).apply(input);
  const output = tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: 6 }) }).apply(hidden) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output });
}

/** The network's weights after `steps` steps of the optimizer (batch 37). */
function train(make: () => tf.Optimizer, steps: number): Float32Array[] {
  const x = tf.randomNormal([37, 20], 0, 1, "float32", 3);
  const y = tf.oneHot(tf.tensor1d(Array.from({ length: 37 }, (_, i) => i % 3), "int32"), 3);
  const net = network(), optimizer = make();
  for (let step = 0; step < steps; step++) {
    tf.tidy(() => void optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, net.apply(x) as tf.Tensor) as tf.Scalar));
  }
  const weights = net.getWeights().map((w) => w.dataSync() as Float32Array);
  optimizer.dispose();
  net.dispose();
  tf.dispose([x, y]);
  return weights;
}

describe("HostAdam", () => {
  for (const backend of ["cpu", "wasm"] as const) {
    it(`gives tf.train.adam's weights over 25 steps on ${backend} (within 1e-6 relative)`, async () => {
      await selectBackend(backend);
      const start = train(() => tf.train.adam(0.01), 0);
      const reference = train(() => tf.train.adam(0.01), 25);
      // a training run leaves what tf.layers keeps (the same with either optimizer), and no more
      let before = tf.memory().numTensors;
      train(() => tf.train.adam(0.01), 25);
      const kept = tf.memory().numTensors - before;
      before = tf.memory().numTensors;
      const fused = train(() => new HostAdam(0.01), 25);
      expect(tf.memory().numTensors - before).toBe(kept);
      for (let k = 0; k < reference.length; k++) {
        let worst = 0, moved = 0;
        for (let i = 0; i < reference[k].length; i++) {
          worst = Math.max(worst, Math.abs(fused[k][i] - reference[k][i]) / Math.max(Math.abs(reference[k][i]), 1e-6));
          if (Math.abs(reference[k][i] - start[k][i]) > 1e-3) moved++;
        }
        expect(worst).toBeLessThanOrEqual(1e-6);
        // parity of weights training left alone would prove nothing
        expect(moved / reference[k].length).toBeGreaterThan(0.5);
      }
    });

    it(`leaves a clone of a parameter as it was on ${backend}`, async () => {
      await selectBackend(backend);
      const w = tf.variable(tf.tensor1d([1, 2, 3]), true, `host_adam_clone_${backend}`);
      const snapshot = w.clone();
      const optimizer = new HostAdam(0.1);
      optimizer.minimize(() => tf.sum(tf.square(w)) as tf.Scalar);
      expect(Array.from(snapshot.dataSync())).toEqual([1, 2, 3]);
      // the first step of Adam moves each weight by the learning rate against its gradient's sign
      expect(Array.from(w.dataSync()).map((x) => Number(x.toFixed(4)))).toEqual([0.9, 1.9, 2.9]);
      tf.dispose([w, snapshot]);
      optimizer.dispose();
    });
  }

  it("gives a large parameter the same values on wasm (SIMD) as the JavaScript step on cpu, to the bit", async () => {
    // 2 x 65536 + 7 elements: a tail beyond the SIMD lanes
    const size = 2 * 65536 + 7, steps = 3;
    const run = async (backend: "cpu" | "wasm") => {
      await selectBackend(backend);
      const w = tf.variable(tf.randomNormal([size], 0, 1, "float32", 11), true, `host_adam_large_${backend}`);
      const target = tf.randomNormal([size], 0, 1, "float32", 12);
      const optimizer = new HostAdam(0.01);
      for (let k = 0; k < steps; k++) tf.tidy(() => void optimizer.minimize(() => tf.sum(tf.square(tf.sub(w, target))) as tf.Scalar));
      const values = w.dataSync().slice() as Float32Array;
      tf.dispose([w, target]);
      optimizer.dispose();
      return values;
    };
    const cpu = await run("cpu"), wasm = await run("wasm");
    expect(wasm).toEqual(cpu);
  });
});
