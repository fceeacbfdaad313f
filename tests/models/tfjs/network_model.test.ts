import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../../core/backend.ts";
import { balancedClassWeights, classifierLoss } from "../../../models/tfjs/network_model.ts";

beforeAll(async () => {
  await selectBackend("cpu");
});

describe("class weights", () => {
  it("balanced weights are n / (3 x count), 0 for an absent class", () => {
    expect(Array.from(balancedClassWeights(Int8Array.from([0, 0, 1, 2, 2, 2])))).toEqual([1, 2, 2 / 3].map(Math.fround));
    expect(Array.from(balancedClassWeights(Int8Array.from([0, 2, 2, 0])))).toEqual([2 / 3, 0, 2 / 3].map(Math.fround));
  });

  it("weight each sample's cross-entropy by its class, averaged over the batch", () => {
    const logits = tf.tensor2d([[2, 0, -1], [0, 1, 0], [0.5, 0.5, 3]]);
    const y = tf.tensor1d([0, 1, 2], "int32");
    const weights = Float32Array.from([1, 2, 0.5]);
    const ce = Array.from(tf.losses.softmaxCrossEntropy(tf.oneHot(y, 3), logits, undefined, undefined, tf.Reduction.NONE).dataSync());
    expect(classifierLoss(logits, y, weights).dataSync()[0]).toBeCloseTo((ce[0] * 1 + ce[1] * 2 + ce[2] * 0.5) / 3, 6);
    expect(classifierLoss(logits, y).dataSync()[0]).toBeCloseTo((ce[0] + ce[1] + ce[2]) / 3, 6);
  });
});
