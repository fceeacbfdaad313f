import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../../models/tfjs/backend.ts";
import { candidatePeriods, prefixAmplitudes, topKMask } from "../../../models/timesnet/periods.ts";
import { TimesBlock } from "../../../models/timesnet/times_block.ts";

beforeAll(async () => {
  await selectBackend("cpu");
});

describe("periods", () => {
  it("gives each frequency f of a T-step window the period floor(T / f), and the distinct periods", () => {
    expect(candidatePeriods(16)).toEqual({ ofFrequency: [16, 8, 5, 4, 3, 2, 2, 2], distinct: [16, 8, 5, 4, 3, 2] });
  });

  it("prefixAmplitudes: row t is the channel-mean |DFT| of the steps up to t, frequencies 1 .. T/2", () => {
    const series = [[1, 0], [2, 1], [-1, 3], [0.5, -2], [2, 2], [0, 1]]; // (T = 6, C = 2)
    const got = prefixAmplitudes(tf.tensor3d([series])).arraySync() as number[][][];
    const T = 6;
    for (let t = 0; t < T; t++) {
      for (let f = 1; f <= 3; f++) {
        const amp = [0, 1].map((c) => {
          let re = 0, im = 0;
          for (let s = 0; s <= t; s++) re += series[s][c] * Math.cos(2 * Math.PI * f * s / T), im -= series[s][c] * Math.sin(2 * Math.PI * f * s / T);
          return Math.hypot(re, im);
        });
        expect(got[0][t][f - 1]).toBeCloseTo((amp[0] + amp[1]) / 2, 4);
      }
    }
  });

  it("topKMask marks the k largest scores of each step", () => {
    expect(topKMask(tf.tensor3d([[[0.1, 3, 2, -1], [5, 4, 3, 2]]]), 2).arraySync()).toEqual([[[0, 1, 1, 0], [1, 1, 0, 0]]]);
  });
});

describe("TimesBlock", () => {
  it("with 1 x 1 kernels every period gives the same per-step network, so the amplitude weights (summing to 1) leave it unchanged", () => {
    const block = new TimesBlock({ topK: 2, kernels: 1, ff: 5, seed: 3 });
    const x = tf.randomNormal([2, 10, 4], 0, 1, "float32", 1);
    const out = block.apply(x) as tf.Tensor;
    const [win, bin, wout, bout] = block.getWeights();
    const hidden = tf.add(tf.matMul(tf.reshape(x, [20, 4]), tf.reshape(win, [4, 5])), bin);
    const gelu = tf.mul(hidden, tf.sigmoid(tf.mul(hidden, 1.702)));
    const expected = tf.reshape(tf.add(tf.matMul(gelu, tf.reshape(wout, [5, 4])), bout), [2, 10, 4]);
    expect(tf.max(tf.abs(tf.sub(out, expected))).dataSync()[0]).toBeLessThan(1e-4);
  });
});
