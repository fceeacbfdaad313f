import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../../models/tfjs/backend.ts";
import { interpolationMatrix } from "../../../models/nhits/interpolate.ts";
import { Patching } from "../../../models/patchtst/patching.ts";
import { MultiHeadAttention } from "../../../models/tfjs/layers/attention.ts";
import { registerLayers } from "../../../models/tfjs/layers/layer_args.ts";
import { LayerNorm } from "../../../models/tfjs/layers/layer_norm.ts";
import { SeededDropout } from "../../../models/tfjs/layers/seeded_dropout.ts";
import { loadNetwork, saveNetwork } from "../../../models/tfjs/network_io.ts";

beforeAll(async () => {
  await selectBackend("cpu");
});

const close = (a: tf.Tensor, b: tf.Tensor, tol = 1e-5) => expect(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]).toBeLessThan(tol);

describe("MultiHeadAttention", () => {
  it("computes softmax(Q K^T / sqrt(d_head)) V per head, over any leading batch axes", () => {
    const layer = new MultiHeadAttention({ heads: 2, seed: 3 });
    const x = tf.randomNormal([2, 3, 5, 4], 0, 1, "float32", 1); // (b, channels, T, d)
    const out = layer.apply(x) as tf.Tensor;
    const [wqkv, bqkv, wo, bo] = layer.getWeights();
    // Reference for sample (1, 2), written without reshapes: one head at a time.
    const seq = tf.reshape(tf.slice(x, [1, 2, 0, 0], [1, 1, 5, 4]), [5, 4]);
    const qkv = tf.add(tf.matMul(seq, wqkv), bqkv);
    const heads = [0, 1].map((h) => {
      const part = (k: number) => tf.slice(qkv, [0, k * 4 + h * 2], [5, 2]);
      return tf.matMul(tf.softmax(tf.div(tf.matMul(part(0), part(1), false, true), Math.sqrt(2))), part(2));
    });
    const expected = tf.add(tf.matMul(tf.concat(heads, 1), wo), bo);
    close(tf.reshape(tf.slice(out, [1, 2, 0, 0], [1, 1, 5, 4]), [5, 4]), expected);
  });

  it("is saved and loaded by name in model.json, with the same outputs", async () => {
    registerLayers(MultiHeadAttention);
    const input = tf.input({ shape: [6, 8] });
    const net = tf.model({ inputs: input, outputs: new MultiHeadAttention({ heads: 4, seed: 1 }).apply(input) as tf.SymbolicTensor });
    const files = await saveNetwork(net);
    expect(new TextDecoder().decode(files["model.json"])).toContain('"class_name":"MfMultiHeadAttention"');
    const loaded = await loadNetwork(files);
    const x = tf.randomNormal([3, 6, 8], 0, 1, "float32", 2);
    expect((loaded.predict(x) as tf.Tensor).dataSync()).toEqual((net.predict(x) as tf.Tensor).dataSync());
  });

  it("rejects a width its heads do not divide", () => {
    expect(() => new MultiHeadAttention({ heads: 3, seed: 1 }).apply(tf.zeros([1, 2, 8]))).toThrow(/8 is not divisible by 3 heads/);
  });
});

describe("SeededDropout", () => {
  it("draws a new mask at every training call, the same sequence for the same seed, and passes through at inference", () => {
    const x = tf.ones([200]);
    const masks = (seed: number) => {
      const layer = new SeededDropout({ rate: 0.5, seed });
      return [0, 1].map(() => Array.from((layer.apply(x, { training: true }) as tf.Tensor).dataSync()));
    };
    const [a1, a2] = masks(7), [b1, b2] = masks(7);
    expect(a1).not.toEqual(a2);
    expect([b1, b2]).toEqual([a1, a2]);
    expect((new SeededDropout({ rate: 0.5, seed: 7 }).apply(x, { training: false }) as tf.Tensor).dataSync()).toEqual(x.dataSync());
  });
});

describe("LayerNorm", () => {
  it("matches tfjs's LayerNormalization on a 4-d input", () => {
    const x = tf.randomNormal([2, 3, 4, 6], 2, 3, "float32", 5);
    close(new LayerNorm().apply(x) as tf.Tensor, tf.layers.layerNormalization({ epsilon: 1e-5 }).apply(x) as tf.Tensor, 1e-4);
  });
});

describe("Patching", () => {
  it("cuts each channel into patches that end at the newest step", () => {
    const x = tf.reshape(tf.range(0, 2 * 10 * 3), [2, 10, 3]); // x[b, t, f] = 30b + 3t + f
    const out = (new Patching({ patchLen: 4, stride: 3 }).apply(x) as tf.Tensor).arraySync() as number[][][][];
    expect([out.length, out[0].length, out[0][0].length, out[0][0][0].length]).toEqual([2, 3, 3, 4]);
    expect(out[1][2][2]).toEqual([6, 7, 8, 9].map((t) => 30 + 3 * t + 2)); // last patch: steps 6..9
    expect(out[0][0][0]).toEqual([0, 1, 2, 3].map((t) => 3 * t));
  });
});

describe("interpolationMatrix", () => {
  it("keeps the knots at the ends and interpolates linearly between them", () => {
    const m = interpolationMatrix(2, 5); // 2 x 5
    expect(Array.from(m)).toEqual([1, 0.75, 0.5, 0.25, 0, 0, 0.25, 0.5, 0.75, 1]);
    expect(Array.from(interpolationMatrix(1, 3))).toEqual([1, 1, 1]);
  });
});
