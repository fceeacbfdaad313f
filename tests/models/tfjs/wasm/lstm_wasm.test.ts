import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { selectBackend } from "../../../../models/tfjs/backend.ts";
import { lstmSequence } from "../../../../models/lstm/lstm_op.ts";
import { lstmSequenceWasm } from "../../../../models/tfjs/wasm/lstm_wasm.ts";

/** The recurrence's output and the gradients of a weighted sum of it, as plain arrays. */
function run(op: (xz: tf.Tensor2D, u: tf.Tensor2D) => tf.Tensor2D, b: number, H: number, steps: number) {
  return tf.tidy(() => {
    const xz = tf.randomNormal([steps * b, 4 * H], 0, 1, "float32", 1) as tf.Tensor2D;
    const u = tf.randomNormal([H, 4 * H], 0, 0.3, "float32", 2) as tf.Tensor2D;
    const weights = tf.randomNormal([steps * b, H], 0, 1, "float32", 3);
    const value = op(xz, u);
    const grads = tf.grads((a, w) => tf.sum(tf.mul(op(a as tf.Tensor2D, w as tf.Tensor2D), weights)))([xz, u]);
    return [value, ...grads].map((t) => Array.from(t.dataSync()));
  });
}

/**
 * Worst |a - b| over the tensor's largest |b|: float32 rounding in another order (and exp as a polynomial) leaves
 * ~1e-7 of the scale on every element, which an element-wise relative error blows up where an element is near zero.
 */
const worst = (a: number[], b: number[]) => a.reduce((w, x, i) => Math.max(w, Math.abs(x - b[i])), 0) / b.reduce((m, x) => Math.max(m, Math.abs(x)), 1e-30);

describe("lstmSequenceWasm", () => {
  for (const [b, H, steps] of [[1, 16, 1], [37, 16, 7], [8, 64, 60], [5, 48, 3], [3, 20, 4], [256, 64, 9]]) {
    it(`matches the tfjs recurrence on cpu (batch ${b}, ${H} units, ${steps} steps) within 1e-5 of the scale`, async () => {
      await selectBackend("cpu");
      const expected = run((xz, u) => lstmSequence(xz, u, steps), b, H, steps);
      await selectBackend("wasm");
      const before = tf.memory().numTensors;
      const got = run((xz, u) => lstmSequenceWasm(xz, u, steps, { bias: tf.zeros([4 * H]), last: false })!, b, H, steps); // a zero bias: xz has it
      expect(tf.memory().numTensors).toBe(before);
      expect(got.length).toBe(expected.length);
      got.forEach((g, k) => expect(worst(g, expected[k]), `output ${k}`).toBeLessThan(1e-5));
      await selectBackend("cpu");
    });
  }

  for (const [b, H, steps] of [[37, 20, 7], [1, 16, 1], [256, 64, 9]]) {
    for (const last of [true, false]) {
      it(`with the bias in the kernel${last ? " and the last step's state alone" : ""} matches the cpu recurrence after an add${last ? " and a slice" : ""} (batch ${b}, ${H} units, ${steps} steps)`, async () => {
        const layer = (fused: boolean) =>
          tf.tidy(() => {
            const xw = tf.randomNormal([steps * b, 4 * H], 0, 1, "float32", 4) as tf.Tensor2D;
            const u = tf.randomNormal([H, 4 * H], 0, 0.3, "float32", 5) as tf.Tensor2D;
            const bias = tf.randomNormal([4 * H], 0, 1, "float32", 6) as tf.Tensor1D;
            const weights = tf.randomNormal(last ? [b, H] : [steps * b, H], 0, 1, "float32", 7);
            const op = (x: tf.Tensor2D, w: tf.Tensor2D, c: tf.Tensor1D) => {
              if (fused) return lstmSequenceWasm(x, w, steps, { bias: c, last })!;
              const hs = lstmSequence(tf.add(x, c) as tf.Tensor2D, w, steps);
              return last ? tf.slice(hs, [(steps - 1) * b, 0], [b, H]) : hs;
            };
            const grads = tf.grads((x, w, c) => tf.sum(tf.mul(op(x as tf.Tensor2D, w as tf.Tensor2D, c as tf.Tensor1D), weights)))([xw, u, bias]);
            return [op(xw, u, bias), ...grads].map((t) => Array.from(t.dataSync()));
          });
        await selectBackend("cpu");
        const expected = layer(false);
        await selectBackend("wasm");
        const before = tf.memory().numTensors;
        const got = layer(true);
        expect(tf.memory().numTensors).toBe(before);
        expect(got.map((g) => g.length)).toEqual(expected.map((e) => e.length));
        got.forEach((g, k) => expect(worst(g, expected[k]), `output ${k}`).toBeLessThan(1e-5));
        await selectBackend("cpu");
      });
    }
  }

  it("leaves other backends and widths that are not a multiple of 4 to the tfjs path", async () => {
    await selectBackend("wasm");
    const xz = tf.zeros([6, 4 * 18]) as tf.Tensor2D, u = tf.zeros([18, 4 * 18]) as tf.Tensor2D, bias = tf.zeros([4 * 18]) as tf.Tensor1D;
    expect(lstmSequenceWasm(xz, u, 2, { bias, last: false })).toBeUndefined();
    tf.dispose([xz, u, bias]);
    await selectBackend("cpu");
    const xz4 = tf.zeros([6, 64]) as tf.Tensor2D, u4 = tf.zeros([16, 64]) as tf.Tensor2D, bias4 = tf.zeros([64]) as tf.Tensor1D;
    expect(lstmSequenceWasm(xz4, u4, 2, { bias: bias4, last: false })).toBeUndefined();
    tf.dispose([xz4, u4, bias4]);
  });
});
