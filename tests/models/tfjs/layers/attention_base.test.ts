import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../../../models/tfjs/backend.ts";
import { AttentionLayer, type AttentionWeight } from "../../../../models/tfjs/layers/attention_base.ts";
import { AutoCorrelation } from "../../../../models/autoformer/auto_correlation.ts";

beforeAll(async () => {
  await selectBackend("cpu");
});

/** A layer of the base's parts only: a biased and an unbiased projection, heads split and merged back. */
class Probe extends AttentionLayer {
  static readonly className = "MfTestProbe";
  constructor(heads: number) {
    super({}, { heads, width: 99, seed: 40 });
  }
  protected override weightList(d: number, dh: number): AttentionWeight[] {
    return [["a_kernel", [d, d], 2], ["a_bias", [d]], ["b_kernel", [d, dh], 0]];
  }
  protected attend(x: tf.Tensor): tf.Tensor {
    const { rows, n, T } = this.rowsOf(x);
    return tf.reshape(this.mergeHeads(this.splitHeads(this.project(rows, "a"), n, T)), x.shape);
  }
  unbiased = (rows: tf.Tensor) => this.project(rows, "b");
  scored = (q: tf.Tensor, k: tf.Tensor) => this.scores(q, k);
}

describe("AttentionLayer", () => {
  it("builds the listed weights in order, glorot-uniform from seed + offset or zeros, and saves its settings in order", () => {
    const layer = new Probe(2);
    const x = tf.randomNormal([3, 5, 4], 0, 1, "float32", 1);
    layer.apply(x);
    expect(layer.weights.map((w) => [w.originalName.split("/").at(-1), w.shape])).toEqual([["a_kernel", [4, 4]], ["a_bias", [4]], ["b_kernel", [4, 2]]]);
    const [a, bias, b] = layer.getWeights();
    expect(a.dataSync()).toEqual(tf.initializers.glorotUniform({ seed: 42 }).apply([4, 4]).dataSync());
    expect(b.dataSync()).toEqual(tf.initializers.glorotUniform({ seed: 40 }).apply([4, 2]).dataSync());
    expect(Array.from(bias.dataSync())).toEqual([0, 0, 0, 0]);
    const { name: _, trainable: __, ...own } = layer.getConfig();
    expect(Object.entries(own)).toEqual([["heads", 2], ["width", 99], ["seed", 40]]);
  });

  it("splits rows into heads and merges them back unchanged, over any leading axes, adding a bias only where the layer has one", () => {
    const layer = new Probe(2);
    const x = tf.randomNormal([2, 3, 5, 4], 0, 1, "float32", 2);
    layer.build([2, 3, 5, 4]);
    const [a, , b] = layer.getWeights(), bias = tf.tensor1d([1, 2, 3, 4]);
    layer.setWeights([a, bias, b]);
    const out = layer.apply(x) as tf.Tensor;
    const expected = tf.reshape(tf.add(tf.matMul(tf.reshape(x, [30, 4]), a), bias), [2, 3, 5, 4]);
    expect(tf.max(tf.abs(tf.sub(out, expected))).dataSync()[0]).toBeLessThan(1e-6);
    const rows = tf.randomNormal([6, 4], 0, 1, "float32", 3);
    expect(layer.unbiased(rows).dataSync()).toEqual(tf.matMul(rows, b).dataSync());
    expect(layer.computeOutputShape([null, 5, 4])).toEqual([null, 5, 4]);
  });

  it("scores queries against keys as q k^T / sqrt(head width)", () => {
    const q = tf.randomNormal([2, 5, 3], 0, 1, "float32", 4), k = tf.randomNormal([2, 5, 3], 0, 1, "float32", 5);
    const expected = tf.div(tf.matMul(q, tf.transpose(k, [0, 2, 1])), Math.sqrt(3));
    expect(tf.max(tf.abs(tf.sub(new Probe(1).scored(q, k), expected))).dataSync()[0]).toBeLessThan(1e-6);
  });

  it("rejects a width its heads do not divide; a layer without heads saves none and takes any width", () => {
    expect(() => new Probe(3).apply(tf.zeros([1, 2, 8]))).toThrow(/Attention width 8 is not divisible by 3 heads/);
    const correlation = new AutoCorrelation({ factor: 1, seed: 1 });
    expect((correlation.apply(tf.zeros([1, 4, 7])) as tf.Tensor).shape).toEqual([1, 4, 7]);
    expect(correlation.getConfig()).not.toHaveProperty("heads");
  });
});
