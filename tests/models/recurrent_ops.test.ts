import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../models/tfjs/backend.ts";
import { gruSequence } from "../../models/gru/gru_op.ts";
import { lstmSequence } from "../../models/lstm/lstm_op.ts";
import { useFastKernels } from "../../models/tfjs/fast_kernels.ts";

// The fused ops' hand-written backward passes against tfjs autograd through the same recurrence
// written step by step with ordinary ops.
const L = 5, b = 3, H = 4;

function lstmReference(xz: tf.Tensor, u: tf.Tensor): tf.Tensor {
  let h: tf.Tensor = tf.zeros([b, H]), c: tf.Tensor = tf.zeros([b, H]);
  const hs: tf.Tensor[] = [];
  for (let t = 0; t < L; t++) {
    const [i, f, o, g] = tf.split(tf.add(tf.slice(xz, [t * b, 0], [b, 4 * H]), tf.matMul(h, u)), 4, 1);
    c = tf.add(tf.mul(tf.sigmoid(f), c), tf.mul(tf.sigmoid(i), tf.tanh(g)));
    h = tf.mul(tf.sigmoid(o), tf.tanh(c));
    hs.push(h);
  }
  return tf.concat(hs, 0);
}

function gruReference(xz: tf.Tensor, u: tf.Tensor, bh: tf.Tensor): tf.Tensor {
  let h: tf.Tensor = tf.zeros([b, H]);
  const hs: tf.Tensor[] = [];
  for (let t = 0; t < L; t++) {
    const [xr, xu, xn] = tf.split(tf.slice(xz, [t * b, 0], [b, 3 * H]), 3, 1);
    const [hr, hu, hn] = tf.split(tf.add(tf.matMul(h, u), bh), 3, 1);
    const r = tf.sigmoid(tf.add(xr, hr)), z = tf.sigmoid(tf.add(xu, hu));
    const n = tf.tanh(tf.add(xn, tf.mul(r, hn)));
    h = tf.add(tf.mul(tf.sub(1, z), n), tf.mul(z, h));
    hs.push(h);
  }
  return tf.concat(hs, 0);
}

/** max |a - b| / max |b| */
const relError = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] / tf.max(tf.abs(b)).dataSync()[0]);

afterAll(async () => {
  await selectBackend("cpu");
});

// On wasm too: there the forward pass takes tanh through sigmoid and the kernels are patched.
for (const backend of ["cpu", "wasm"] as const) {
  describe(`fused recurrent ops on ${backend}`, () => {
    beforeAll(async () => {
      await selectBackend(backend);
      useFastKernels(backend);
    });
    const w = tf.randomNormal([L * b, H], 0, 1, "float32", 3);
    const loss = (f: (...args: tf.Tensor[]) => tf.Tensor) => (...args: tf.Tensor[]) => tf.sum(tf.mul(f(...args), w));

    it("lstmSequence gives the step-by-step LSTM's outputs and gradients", () => {
      const xz = tf.randomNormal([L * b, 4 * H], 0, 1, "float32", 1), u = tf.randomNormal([H, 4 * H], 0, 0.5, "float32", 2);
      expect(relError(lstmSequence(xz as tf.Tensor2D, u as tf.Tensor2D, L), lstmReference(xz, u))).toBeLessThan(1e-6);
      const fused = tf.grads(loss((a, c) => lstmSequence(a as tf.Tensor2D, c as tf.Tensor2D, L)))([xz, u]);
      const reference = tf.grads(loss(lstmReference))([xz, u]);
      fused.forEach((g, i) => expect(relError(g, reference[i])).toBeLessThan(1e-5));
    });

    it("gruSequence gives the step-by-step reset-after GRU's outputs and gradients", () => {
      const xz = tf.randomNormal([L * b, 3 * H], 0, 1, "float32", 4), u = tf.randomNormal([H, 3 * H], 0, 0.5, "float32", 5);
      const bh = tf.randomNormal([3 * H], 0, 0.5, "float32", 6);
      expect(relError(gruSequence(xz as tf.Tensor2D, u as tf.Tensor2D, bh as tf.Tensor1D, L), gruReference(xz, u, bh))).toBeLessThan(1e-6);
      const fused = tf.grads(loss((a, c, d) => gruSequence(a as tf.Tensor2D, c as tf.Tensor2D, d as tf.Tensor1D, L)))([xz, u, bh]);
      const reference = tf.grads(loss(gruReference))([xz, u, bh]);
      fused.forEach((g, i) => expect(relError(g, reference[i])).toBeLessThan(1e-5));
    });

    it("free what they saved for the backward pass once the gradients are taken", () => {
      const xz = tf.randomNormal([L * b, 4 * H]), u = tf.randomNormal([H, 4 * H]), bh = tf.zeros([3 * H]);
      const before = tf.memory().numTensors;
      tf.dispose(tf.grads(loss((a, c) => lstmSequence(a as tf.Tensor2D, c as tf.Tensor2D, L)))([xz, u]));
      tf.dispose(
        tf.grads(loss((a, c, d) => gruSequence(a as tf.Tensor2D, c as tf.Tensor2D, d as tf.Tensor1D, L)))([
          tf.slice(xz, [0, 0], [L * b, 3 * H]),
          tf.slice(u, [0, 0], [H, 3 * H]),
          bh,
        ]),
      );
      expect(tf.memory().numTensors).toBe(before + 2);
    });
  });
}
