import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { selectBackend } from "../../../models/tfjs/backend.ts";
import { irfft, rfft } from "../../../models/tfjs/spectral.ts";

const close = (a: tf.Tensor | number[], b: tf.Tensor | number[], tol = 1e-4) => {
  const x = Array.from(a instanceof tf.Tensor ? a.dataSync() : a), y = Array.from(b instanceof tf.Tensor ? b.dataSync() : b);
  expect(x.length).toBe(y.length);
  expect(Math.max(...x.map((v, i) => Math.abs(v - y[i])))).toBeLessThan(tol);
};

// tfjs's FFT kernels (cpu has them; WebGPU uses them by default, see tests/browser/parity.test.ts) and the
// cos/sin tables (the default on cpu and wasm) must both be the DFT.
const cases = [["cpu", "fft"], ["cpu", "table"], ["wasm", "auto"]] as const;
for (const [backend, method] of cases) {
  describe(`rfft / irfft on ${backend} (${method})`, () => {
    it("rfft is the zero-padded DFT: real parts then imaginary parts of frequencies 0 .. n/2", async () => {
      await selectBackend(backend);
      const x = [0.5, -1, 2, 0.25, 3], n = 8;
      const expected: number[] = [];
      for (const part of ["re", "im"]) {
        for (let f = 0; f <= n / 2; f++) {
          const terms = x.map((v, t) => v * (part === "re" ? Math.cos(2 * Math.PI * f * t / n) : -Math.sin(2 * Math.PI * f * t / n)));
          expected.push(terms.reduce((a, b) => a + b, 0));
        }
      }
      const { re, im } = rfft(tf.tensor2d([x, x]), n, method);
      expect(re.shape).toEqual([2, n / 2 + 1]);
      close(tf.concat([tf.slice(re, [1, 0], [1, 5]), tf.slice(im, [1, 0], [1, 5])], 1), expected);
    });

    it("irfft inverts rfft on the first samples, and the round trip passes gradients through unchanged", async () => {
      await selectBackend(backend);
      const x = tf.randomNormal([3, 2, 6], 0, 1, "float32", 1), u = tf.randomNormal([3, 2, 6], 0, 1, "float32", 2);
      close(irfft(rfft(x, 12, method), 12, 6, method), x);
      close(tf.grad((v: tf.Tensor) => tf.sum(tf.mul(u, irfft(rfft(v, 12, method), 12, 6, method))))(x), u);
    });

    it("rfft's gradient is the transposed DFT: d/dx_t of sum_f w_f re_f + v_f im_f = sum_f w_f cos - v_f sin", async () => {
      await selectBackend(backend);
      const n = 6, L = 4, F = n / 2 + 1;
      const weights = tf.randomNormal([2 * F], 0, 1, "float32", 3);
      const w = Array.from(weights.dataSync());
      const spectrum = (v: tf.Tensor) => {
        const { re, im } = rfft(v, n, method);
        return tf.concat([re, im], -1);
      };
      const grad = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(weights, spectrum(v))))(tf.zeros([L]));
      const expected = Array.from({ length: L }, (_, t) => {
        let g = 0;
        for (let f = 0; f < F; f++) g += w[f] * Math.cos(2 * Math.PI * f * t / n) - w[F + f] * Math.sin(2 * Math.PI * f * t / n);
        return g;
      });
      close(grad, expected);
    });
  });
}
