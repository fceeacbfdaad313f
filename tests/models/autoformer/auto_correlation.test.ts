import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { AutoCorrelation, topLags } from "../../../models/autoformer/auto_correlation.ts";
import { SeriesDecomposition } from "../../../models/autoformer/decomposition.ts";
import { selectBackend } from "../../../models/tfjs/backend.ts";

/** One sample from the definition: R_t(tau) as a mean of products, top-k lags of each step, softmax, delayed values. */
function reference(x: number[][], wqkv: number[][], bqkv: number[], k: number): number[][] {
  const d = x[0].length;
  const proj = x.map((row) => bqkv.map((bias, c) => bias + row.reduce((s, v, i) => s + v * wqkv[i][c], 0)));
  const q = proj.map((r) => r.slice(0, d)), key = proj.map((r) => r.slice(d, 2 * d)), v = proj.map((r) => r.slice(2 * d));
  return q.map((_, t) => {
    const r = Array.from({ length: t + 1 }, (_, tau) => {
      let sum = 0;
      for (let s = tau; s <= t; s++) for (let c = 0; c < d; c++) sum += q[s][c] * key[s - tau][c];
      return sum / d / (t + 1 - tau);
    });
    const chosen = r.map((_, tau) => tau).sort((a, b) => r[b] - r[a]).slice(0, k);
    const top = Math.max(...chosen.map((tau) => r[tau]));
    const e = chosen.map((tau) => Math.exp(r[tau] - top)), total = e.reduce((a, b) => a + b, 0);
    return v[0].map((_, c) => chosen.reduce((acc, tau, i) => acc + (e[i] / total) * v[t - tau][c], 0));
  });
}

// On cpu and wasm the transforms are DFT tables (tests/browser/parity.test.ts runs the FFT kernels on WebGPU).
for (const backend of ["cpu", "wasm"] as const) {
  describe(`AutoCorrelation on ${backend}`, () => {
    it("aggregates, for each step, the values at the top-k lags of the causal correlation of queries and keys", async () => {
      await selectBackend(backend);
      const T = 9, d = 3;
      const layer = new AutoCorrelation({ factor: 1, seed: 2 }); // k = ceil(ln 9) = 3
      const x = tf.randomNormal([2, T, d], 0, 1, "float32", 3);
      const out = layer.apply(x) as tf.Tensor;
      const [wqkv, bqkv, wo, bo] = layer.getWeights().map((w) => w.arraySync());
      const heads = reference((x.arraySync() as number[][][])[1], wqkv as number[][], bqkv as number[], topLags(T, 1));
      const expected = tf.add(tf.matMul(tf.tensor2d(heads), tf.tensor2d(wo as number[][])), tf.tensor1d(bo as number[]));
      expect(tf.max(tf.abs(tf.sub(tf.reshape(tf.slice(out, [1, 0, 0], [1, T, d]), [T, d]), expected))).dataSync()[0]).toBeLessThan(1e-4);
    });
  });
}

describe("SeriesDecomposition", () => {
  it("the trend is a trailing moving average (the first step repeated before the start), the seasonal part the rest", async () => {
    await selectBackend("cpu");
    const x = tf.tensor3d([[[1, 10], [4, 10], [7, 40], [1, 10]]]);
    const trend = (new SeriesDecomposition({ kernel: 3, part: "trend" }).apply(x) as tf.Tensor).arraySync() as number[][][];
    const expected = [[1, 10], [2, 10], [4, 20], [4, 20]];
    trend[0].forEach((row, t) => row.forEach((v, c) => expect(v).toBeCloseTo(expected[t][c], 5)));
    const seasonal = new SeriesDecomposition({ kernel: 3, part: "seasonal" }).apply(x) as tf.Tensor;
    expect(tf.max(tf.abs(tf.sub(tf.add(seasonal, tf.tensor3d(trend)), x))).dataSync()[0]).toBeLessThan(1e-5);
  });
});
