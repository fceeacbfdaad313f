import { describe, expect, it } from "vitest";
import { classWeights, sampleWeights } from "../../../core/train/class_weights.ts";
import { lossAndAccuracy } from "../../../core/train/metrics/classification.ts";

describe("class weights, one rule for every family", () => {
  it("balanced weights are n / (3 x count), 0 for an absent class", () => {
    expect(Array.from(classWeights("balanced", Int8Array.from([0, 0, 1, 2, 2, 2])))).toEqual([1, 2, 2 / 3].map(Math.fround));
    expect(Array.from(classWeights("balanced", Int8Array.from([0, 2, 2, 0])))).toEqual([2 / 3, 0, 2 / 3].map(Math.fround));
  });

  it("per-sample weights follow the class; none and unset weigh every sample 1; explicit weights are used as given", () => {
    expect([...sampleWeights("balanced", Int8Array.of(0, 0, 0, 1, 2, 2))]).toEqual([2 / 3, 2 / 3, 2 / 3, 2, 1, 1].map(Math.fround));
    expect([...sampleWeights([1, 2, 3], Int8Array.of(2, 1))]).toEqual([3, 2]);
    expect([...sampleWeights(undefined, Int8Array.of(2, 1))]).toEqual([1, 1]);
    expect([...sampleWeights("none", Int8Array.of(2, 1))]).toEqual([1, 1]);
  });
});

describe("lossAndAccuracy: the epoch figures of every model", () => {
  it("is sklearn's log loss (clipped, renormalised) and argmax accuracy with first-maximum ties", () => {
    const probs = Float32Array.of(0.7, 0.2, 0.1, 0.2, 0.5, 0.3, 0.4, 0.4, 0.2);
    const { loss, accuracy } = lossAndAccuracy(probs, Int8Array.of(0, 2, 1));
    expect(loss).toBeCloseTo(-(Math.log(0.7) + Math.log(0.3) + Math.log(0.4)) / 3, 6);
    expect(accuracy).toBeCloseTo(1 / 3, 12); // the tie [0.4, 0.4, 0.2] counts as class 0
  });

  it("a zero probability of the true class is clipped to float32 epsilon, not infinite", () => {
    const { loss } = lossAndAccuracy(Float32Array.of(1, 0, 0), Int8Array.of(2));
    expect(loss).toBeCloseTo(-Math.log(2 ** -23), 3);
  });
});
