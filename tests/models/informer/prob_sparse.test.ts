import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { activeQueries, ProbSparseAttention } from "../../../models/informer/prob_sparse.ts";
import { selectBackend } from "../../../models/tfjs/backend.ts";

beforeAll(async () => {
  await selectBackend("cpu");
});

/** One head, written from the definition: measure over the u most recent keys, prefix rank, causal softmax or running mean. */
function reference(x: number[][], wqkv: number[][], bqkv: number[], u: number): { heads: number[][]; active: boolean[] } {
  const d = x[0].length;
  const proj = x.map((row) => bqkv.map((bias, c) => bias + row.reduce((s, v, i) => s + v * wqkv[i][c], 0)));
  const q = proj.map((r) => r.slice(0, d)), k = proj.map((r) => r.slice(d, 2 * d)), v = proj.map((r) => r.slice(2 * d));
  const score = (i: number, j: number) => q[i].reduce((s, qi, c) => s + qi * k[j][c], 0) / Math.sqrt(d);
  const measure = q.map((_, i) => {
    const s = Array.from({ length: Math.min(i + 1, u) }, (_, n) => score(i, i - n));
    return Math.max(...s) - s.reduce((a, b) => a + b, 0) / s.length;
  });
  const active = measure.map((m, i) => measure.slice(0, i + 1).filter((other) => other > m).length < u);
  const heads = q.map((_, i) => {
    if (active[i]) {
      const s = Array.from({ length: i + 1 }, (_, j) => score(i, j)), top = Math.max(...s);
      const e = s.map((z) => Math.exp(z - top)), sum = e.reduce((a, b) => a + b, 0);
      return v[0].map((_, c) => e.reduce((acc, w, j) => acc + (w / sum) * v[j][c], 0));
    }
    return v[0].map((_, c) => v.slice(0, i + 1).reduce((acc, r) => acc + r[c], 0) / (i + 1));
  });
  return { heads, active };
}

describe("ProbSparseAttention", () => {
  it("u = factor ceil(ln T), capped at T", () => {
    expect(activeQueries(16, 2)).toBe(6);
    expect(activeQueries(8, 5)).toBe(8);
    expect(activeQueries(1, 2)).toBe(1);
  });

  it("lets the top-u queries of each prefix (by max - mean score) attend causally and gives the others the running mean of the values", () => {
    const T = 12, d = 4;
    const layer = new ProbSparseAttention({ heads: 1, factor: 1, seed: 5 }); // u = ceil(ln 12) = 3 of 12 queries
    const x = tf.randomNormal([2, T, d], 0, 1, "float32", 6);
    const out = layer.apply(x) as tf.Tensor;
    const [wqkv, bqkv, wo, bo] = layer.getWeights().map((w) => w.arraySync());
    const sample = (x.arraySync() as number[][][])[1];
    const { heads, active } = reference(sample, wqkv as number[][], bqkv as number[], activeQueries(T, 1));
    // both kinds of query occur in this sample
    expect(active.slice(0, 3)).toEqual([true, true, true]);
    expect(active).toContain(false);
    const expected = tf.add(tf.matMul(tf.tensor2d(heads), tf.tensor2d(wo as number[][])), tf.tensor1d(bo as number[]));
    const got = tf.reshape(tf.slice(out, [1, 0, 0], [1, T, d]), [T, d]);
    expect(tf.max(tf.abs(tf.sub(got, expected))).dataSync()[0]).toBeLessThan(1e-4);
  });

  it("with u >= T every query attends: the output is full causal attention, and differs from the sparse one", () => {
    const T = 12, d = 4;
    const full = new ProbSparseAttention({ heads: 1, factor: 16, seed: 1 });
    const x = tf.randomNormal([1, T, d], 0, 1, "float32", 2);
    const out = full.apply(x) as tf.Tensor;
    const [wqkv, bqkv, wo, bo] = full.getWeights().map((w) => w.arraySync());
    const { heads } = reference((x.arraySync() as number[][][])[0], wqkv as number[][], bqkv as number[], T);
    const expected = tf.add(tf.matMul(tf.tensor2d(heads), tf.tensor2d(wo as number[][])), tf.tensor1d(bo as number[]));
    expect(tf.max(tf.abs(tf.sub(tf.reshape(out, [T, d]), expected))).dataSync()[0]).toBeLessThan(1e-4);
    const sparse = new ProbSparseAttention({ heads: 1, factor: 1, seed: 1 }); // u = ceil(ln 12) = 3
    sparse.apply(x);
    sparse.setWeights(full.getWeights());
    expect(tf.max(tf.abs(tf.sub(sparse.apply(x) as tf.Tensor, out))).dataSync()[0]).toBeGreaterThan(1e-3);
  });
});
