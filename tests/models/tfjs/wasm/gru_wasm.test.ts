import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { selectBackend } from "../../../../models/tfjs/backend.ts";
import { gruSequence } from "../../../../models/gru/gru_op.ts";
import { gruSequenceWasm } from "../../../../models/tfjs/wasm/gru_wasm.ts";

/** Worst |a - b| over the tensor's largest |b| (as lstm_wasm.test.ts: float32 rounding in another order, exp as a polynomial). */
const worst = (a: number[], b: number[]) => a.reduce((w, x, i) => Math.max(w, Math.abs(x - b[i])), 0) / b.reduce((m, x) => Math.max(m, Math.abs(x)), 1e-30);

/**
 * The GRU layer's recurrence (the wasm kernel, or the tfjs recurrence of gru_op.ts after adding the projection's bias
 * and slicing the last step) and the gradients of a weighted sum of it by the projection, U, and both biases.
 */
function layer(fused: boolean, b: number, H: number, steps: number, last: boolean) {
  return tf.tidy(() => {
    const xw = tf.randomNormal([steps * b, 3 * H], 0, 1, "float32", 4) as tf.Tensor2D;
    const u = tf.randomNormal([H, 3 * H], 0, 0.3, "float32", 5) as tf.Tensor2D;
    const bias = tf.randomNormal([3 * H], 0, 1, "float32", 6) as tf.Tensor1D;
    const bh = tf.randomNormal([3 * H], 0, 0.5, "float32", 8) as tf.Tensor1D;
    const weights = tf.randomNormal(last ? [b, H] : [steps * b, H], 0, 1, "float32", 7);
    const op = (x: tf.Tensor2D, w: tf.Tensor2D, c: tf.Tensor1D, d: tf.Tensor1D) => {
      if (fused) return gruSequenceWasm(x, w, steps, { bias: c, bh: d, last })!;
      const hs = gruSequence(tf.add(x, c) as tf.Tensor2D, w, d, steps);
      return last ? tf.slice(hs, [(steps - 1) * b, 0], [b, H]) : hs;
    };
    const loss = (x: tf.Tensor, w: tf.Tensor, c: tf.Tensor, d: tf.Tensor) =>
      tf.sum(tf.mul(op(x as tf.Tensor2D, w as tf.Tensor2D, c as tf.Tensor1D, d as tf.Tensor1D), weights));
    const grads = tf.grads(loss)([xw, u, bias, bh]);
    return [op(xw, u, bias, bh), ...grads].map((t) => Array.from(t.dataSync()));
  });
}

describe("gruSequenceWasm", () => {
  for (const [b, H, steps] of [[1, 16, 1], [37, 20, 7], [8, 64, 60], [5, 48, 3], [256, 64, 9]]) {
    for (const last of [false, true]) {
      it(`matches the tfjs recurrence on cpu after an add${last ? " and a slice" : ""}, values and the gradients of the projection, U and both biases (batch ${b}, ${H} units, ${steps} steps)`, async () => {
        await selectBackend("cpu");
        const expected = layer(false, b, H, steps, last);
        await selectBackend("wasm");
        const before = tf.memory().numTensors;
        const got = layer(true, b, H, steps, last);
        expect(tf.memory().numTensors).toBe(before);
        expect(got.map((g) => g.length)).toEqual(expected.map((e) => e.length));
        got.forEach((g, k) => expect(worst(g, expected[k]), `output ${k}`).toBeLessThan(1e-5));
        await selectBackend("cpu");
      });
    }
  }

  it("leaves other backends and widths that are not a multiple of 4 to the tfjs path", async () => {
    await selectBackend("wasm");
    const at = (H: number) => ({ xw: tf.zeros([6, 3 * H]) as tf.Tensor2D, u: tf.zeros([H, 3 * H]) as tf.Tensor2D, bias: tf.zeros([3 * H]) as tf.Tensor1D });
    const odd = at(18);
    expect(gruSequenceWasm(odd.xw, odd.u, 2, { bias: odd.bias, bh: odd.bias, last: false })).toBeUndefined();
    tf.dispose(Object.values(odd));
    await selectBackend("cpu");
    const even = at(16);
    expect(gruSequenceWasm(even.xw, even.u, 2, { bias: even.bias, bh: even.bias, last: false })).toBeUndefined();
    tf.dispose(Object.values(even));
  });
});
