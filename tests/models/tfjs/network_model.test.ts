import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../../models/tfjs/backend.ts";
import { classifierLoss } from "../../../models/tfjs/network_model.ts";

beforeAll(async () => {
  await selectBackend("cpu");
});

describe("class weights", () => {
  it("weight each sample's cross-entropy by its class, averaged over the batch", () => {
    const logits = tf.tensor2d([[2, 0, -1], [0, 1, 0], [0.5, 0.5, 3]]);
    const y = tf.tensor1d([0, 1, 2], "int32");
    const weights = Float32Array.from([1, 2, 0.5]);
    const ce = Array.from(tf.losses.softmaxCrossEntropy(tf.oneHot(y, 3), logits, undefined, undefined, tf.Reduction.NONE).dataSync());
    expect(classifierLoss(logits, y, weights).dataSync()[0]).toBeCloseTo((ce[0] * 1 + ce[1] * 2 + ce[2] * 0.5) / 3, 6);
    expect(classifierLoss(logits, y).dataSync()[0]).toBeCloseTo((ce[0] + ce[1] + ce[2]) / 3, 6);
  });
});
