import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { selectBackend } from "../../../models/tfjs/backend.ts";
import { classifierLoss } from "../../../models/tfjs/network_model.ts";
import { softmaxCeStats } from "../../../models/tfjs/classifier_step.ts";

const worst = (got: ArrayLike<number>, want: ArrayLike<number>) => {
  let err = 0, scale = 1e-30;
  for (let i = 0; i < want.length; i++) err = Math.max(err, Math.abs(got[i] - want[i])), scale = Math.max(scale, Math.abs(want[i]));
  return err / scale;
};

describe("softmaxCeStats on the host backends (host_softmax_ce.ts)", () => {
  for (const backend of ["cpu", "wasm"] as const) {
    it(`gives tfjs's loss sum, argMax hits and gradient of the mean loss on ${backend} (batch 1 and 37, class weights or none)`, async () => {
      await selectBackend(backend);
      for (const batch of [1, 37]) {
        for (const w of [undefined, new Float32Array([0.5, 1.5, 2.25])]) {
          tf.tidy(() => {
            const logits = tf.randomNormal([batch, 3], 0, 3, "float32", 7 + batch) as tf.Tensor2D;
            const y = tf.tensor1d(Array.from({ length: batch }, (_, i) => (i * 7 + 1) % 3), "int32");
            const loss = classifierLoss(logits, y, w).dataSync()[0] * batch;
            const hits = tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), y), "float32")).dataSync()[0];
            const want = tf.grad((l: tf.Tensor) => classifierLoss(l as tf.Tensor2D, y, w))(logits).dataSync();
            const weights = w ? tf.tensor1d(w) : undefined;
            const { value, grads } = tf.engine().gradients(() => softmaxCeStats(logits, y, weights), [logits], tf.tensor1d([1 / batch, 0]));
            const [lossSum, hitCount] = value.dataSync();
            expect(Math.abs(lossSum - loss) / Math.abs(loss)).toBeLessThan(1e-5);
            expect(hitCount).toBe(hits);
            expect(worst(grads[0].dataSync(), want)).toBeLessThan(1e-5);
          });
        }
      }
    });

    it(`counts a row whose largest logit is tied as a hit only at the first of the tied classes on ${backend}`, async () => {
      await selectBackend(backend);
      const logits = tf.tensor2d([[1, 1, 0], [1, 1, 0], [0, 2, 2], [3, 0, 1]]);
      const y = tf.tensor1d([0, 1, 2, 0], "int32");
      expect(Array.from(softmaxCeStats(logits, y).dataSync())[1]).toBe(2);
      tf.dispose([logits, y]);
    });
  }
});
