import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { selectBackend } from "../../../models/tfjs/backend.ts";
import { tanh, useFastKernels } from "../../../models/tfjs/fast_kernels.ts";

// Each case runs on the cpu backend's own kernels first (the reference), then on the patched cpu
// and wasm kernels; slices, splits and pads must match exactly, products to float rounding.
const cases: [string, () => tf.Tensor | tf.Tensor[]][] = [
  ["a contiguous slice of rows", () => tf.slice(tf.range(0, 60).reshape([6, 10]), [2, 0], [3, 10])],
  ["a column slice", () => tf.slice(tf.range(0, 60).reshape([6, 10]), [1, 3], [4, 5])],
  ["a time slice of a 3-d tensor", () => tf.slice(tf.range(0, 120).reshape([2, 6, 10]), [0, 2, 0], [2, 3, 10])],
  ["a box in a 4-d int tensor", () => tf.slice(tf.range(0, 360, 1, "int32").reshape([3, 4, 5, 6]), [1, 1, 2, 3], [2, 2, 3, 2])],
  ["an empty slice", () => tf.slice(tf.range(0, 12).reshape([3, 4]), [1, 1], [0, 2])],
  ["a split of columns", () => tf.split(tf.range(0, 72).reshape([4, 18]), [6, 3, 9], 1)],
  ["a split along time", () => tf.split(tf.range(0, 120).reshape([2, 6, 10]), 3, 1)],
  ["a left pad along time", () => tf.pad(tf.range(0, 24).reshape([2, 3, 4]), [[0, 0], [2, 0], [0, 0]], 0)],
  ["a pad on every side with a constant", () => tf.pad(tf.range(0, 6).reshape([2, 3]), [[1, 2], [0, 1]], -1)],
  ["a transpose of a matrix (blocked on wasm)", () => tf.transpose(tf.range(0, 7 * 9).reshape([7, 9]))],
  ["a transpose of a matrix with whole 4 x 4 blocks and edges", () => tf.transpose(tf.range(0, 70 * 133).reshape([70, 133]))],
  ["a transpose of the last two axes of int32 matrices", () => tf.transpose(tf.range(0, 3 * 5 * 8, 1, "int32").reshape([3, 5, 8]), [0, 2, 1])],
  ["another permutation (tfjs's own)", () => tf.transpose(tf.range(0, 3 * 5 * 8).reshape([3, 5, 8]), [1, 0, 2])],
  ["a square (x * x on wasm)", () => tf.square(tf.randomNormal([37, 5], 0, 1, "float32", 18))],
];
// Products, sums and tanh compared to float rounding: the fast paths add in another order.
const products: [string, () => tf.Tensor][] = [
  ["A^T B with a wide A (the first layer's dW)", () => tf.matMul(rand([40, 300], 1), rand([40, 8], 2), true, false)],
  ["A^T B with a narrow A (as (B^T A)^T on wasm)", () => tf.matMul(rand([300, 4], 3), rand([300, 20], 4), true, false)],
  ["A B^T", () => tf.matMul(rand([16, 30], 5), rand([12, 30], 6), false, true)],
  ["A^T B^T", () => tf.matMul(rand([30, 16], 7), rand([12, 30], 8), true, true)],
  ["batched Q K^T", () => tf.matMul(rand([6, 5, 4], 9), rand([6, 5, 4], 10), false, true)],
  [
    "fused A B^T + bias, relu",
    () => tf.fused.matMul({ a: rand([16, 30], 11), b: rand([12, 30], 12), transposeB: true, bias: rand([12], 13), activation: "relu" }),
  ],
  ["a sum over the batch rows (a bias gradient)", () => tf.sum(rand([300, 7], 14), 0)],
  ["a sum over two leading axes, keeping dims", () => tf.sum(rand([4, 5, 6], 15), [1, 0], true)],
  ["a sum over a trailing axis", () => tf.sum(rand([4, 5, 6], 16), 2)],
  ["tanh through sigmoid on wasm", () => tanh(rand([50], 17))],
];
const rand = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, "float32", seed);
const values = (f: () => tf.Tensor | tf.Tensor[]) => tf.tidy(() => [f()].flat().map((t) => ({ shape: t.shape, data: Array.from(t.dataSync()) })));

describe("useFastKernels", () => {
  it("gives the cpu backend's own results on cpu and wasm", async () => {
    await selectBackend("cpu");
    const expected = cases.map(([, f]) => values(f));
    const expectedProducts = products.map(([, f]) => values(f)[0]);
    for (const backend of ["cpu", "wasm"] as const) {
      await selectBackend(backend);
      const plain = tf.getKernel("Slice", backend)!.kernelFunc;
      useFastKernels(backend);
      useFastKernels(backend);
      expect(tf.getKernel("Slice", backend)!.kernelFunc).not.toBe(plain);
      const before = tf.memory().numTensors;
      cases.forEach(([name, f], i) => expect(values(f), `${name} on ${backend}`).toEqual(expected[i]));
      products.forEach(([name, f], i) => {
        const got = values(f)[0];
        expect(got.shape, name).toEqual(expectedProducts[i].shape);
        got.data.forEach((v, k) => expect(v, `${name} on ${backend}`).toBeCloseTo(expectedProducts[i].data[k], 4));
      });
      expect(tf.memory().numTensors, `tensors left on ${backend}`).toBe(before);
    }
    await selectBackend("cpu");
  });

  it("shares a tensor's data for a clone on wasm, and frees it with the last tensor that holds it", async () => {
    await selectBackend("wasm");
    useFastKernels("wasm");
    const bytes = tf.memory().numBytes;
    const x = tf.tensor2d([[1, 2], [3, 4]]);
    const y = tf.clone(x);
    // the same heap bytes, not a copy
    const offset = (t: tf.Tensor) => (tf.backend() as unknown as { dataIdMap: Map<object, { memoryOffset: number }> }).dataIdMap.get(t.dataId)!.memoryOffset;
    expect(offset(y)).toBe(offset(x));
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3, 4]);
    y.dispose();
    expect(tf.memory().numBytes).toBe(bytes);
    await selectBackend("cpu");
  });

  it("does nothing for a backend without slow paths", () => {
    expect(() => useFastKernels("webgpu")).not.toThrow();
  });
});
