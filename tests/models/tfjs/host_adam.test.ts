import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { selectBackend } from "../../../core/backend.ts";
import { createAdam, HostAdam } from "../../../models/tfjs/host_adam.ts";

/** Weights after `steps` Adam steps on a small least-squares problem, from fixed starting weights. */
function train(optimizer: tf.Optimizer, steps: number): number[][] {
  const w = tf.variable(tf.randomNormal([5, 3], 0, 1, "float32", 1));
  const b = tf.variable(tf.randomNormal([3], 0, 1, "float32", 2));
  const x = tf.randomNormal([16, 5], 0, 1, "float32", 3), y = tf.randomNormal([16, 3], 0, 1, "float32", 4);
  const snapshot = w.clone();
  for (let s = 0; s < steps; s++) tf.tidy(() => void optimizer.minimize(() => tf.mean(tf.square(tf.sub(tf.add(tf.matMul(x, w), b), y))) as tf.Scalar));
  // The snapshot shares w's first values: the update must not have written into them.
  expect(Array.from(snapshot.dataSync())).toEqual(Array.from(tf.randomNormal([5, 3], 0, 1, "float32", 1).dataSync()));
  const out = [Array.from(w.dataSync()), Array.from(b.dataSync())];
  tf.dispose([w, b, x, y, snapshot]);
  return out;
}

describe("HostAdam", () => {
  for (const backend of ["cpu", "wasm"] as const) {
    it(`follows tfjs's Adam step for step on ${backend}`, async () => {
      await selectBackend(backend);
      const expected = train(tf.train.adam(0.05), 12);
      const optimizer = createAdam(0.05);
      expect(optimizer).toBeInstanceOf(HostAdam);
      const got = train(optimizer, 12);
      for (let k = 0; k < 2; k++) for (let i = 0; i < got[k].length; i++) expect(got[k][i]).toBeCloseTo(expected[k][i], 4); // tfjs rounds every intermediate (and beta^t) to float32
      // and it moved the weights: 12 steps of 0.05 change them by far more than the tolerance
      expect(Math.abs(got[0][0] - tf.randomNormal([5, 3], 0, 1, "float32", 1).dataSync()[0])).toBeGreaterThan(0.1);
    });
  }
});
