import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../../models/tfjs/backend.ts";
import { causalConv2d, meanCausalKernel } from "../../../models/timesnet/causal_conv2d.ts";

beforeAll(async () => {
  await selectBackend("cpu");
});

describe("causalConv2d", () => {
  for (const k of [1, 2, 3]) {
    it(`equals tf.conv2d on the grid padded above and to the left (k = ${k}), and reads no cell below or right of its output`, () => {
      const grid = tf.randomNormal([2, 3, 4, 2], 0, 1, "float32", 5);
      const kernel = tf.randomNormal([k, k, 2, 3], 0, 1, "float32", 6), bias = tf.randomNormal([3], 0, 1, "float32", 7);
      const padded = tf.pad(grid, [[0, 0], [k - 1, 0], [k - 1, 0], [0, 0]]) as tf.Tensor4D;
      const got = causalConv2d(grid, kernel, bias);
      const expected = tf.add(tf.conv2d(padded, kernel as tf.Tensor4D, 1, "valid"), bias);
      expect(tf.max(tf.abs(tf.sub(got, expected))).dataSync()[0]).toBeLessThan(1e-4);
      // bump cell (1, 2): outputs above row 1 or left of column 2 stay the same
      const bumped = tf.add(grid, tf.mul(tf.oneHot(tf.tensor1d([6], "int32"), 12).reshape([1, 3, 4, 1]), 5));
      const moved = tf.notEqual(causalConv2d(bumped, kernel, bias), got).any(-1).arraySync() as number[][][];
      moved[0].forEach((row, r) => row.forEach((m, c) => (r < 1 || c < 2) && expect(m).toBe(0)));
      expect(moved[0][1][2]).toBe(1);
    });
  }

  it("meanCausalKernel: one convolution with it equals the mean of the causal 1x1, 2x2 and 3x3 convolutions (an inception block)", () => {
    const grid = tf.randomNormal([2, 3, 4, 2], 0, 1, "float32", 8), bias = tf.zeros([3]);
    const kernels = [1, 2, 3].map((k) => tf.randomNormal([k, k, 2, 3], 0, 1, "float32", 10 + k));
    const separate = tf.div(tf.addN(kernels.map((w) => causalConv2d(grid, w, bias))), 3);
    expect(tf.max(tf.abs(tf.sub(causalConv2d(grid, meanCausalKernel(kernels), bias), separate))).dataSync()[0]).toBeLessThan(1e-4);
  });
});
