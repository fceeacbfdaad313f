import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../../models/tfjs/backend.ts";
import { ContextLstm } from "../../../models/tft/context_lstm.ts";

beforeAll(async () => {
  await selectBackend("cpu");
});

describe("ContextLstm", () => {
  it("equals tfjs's LSTM started from the same state (gates reordered i, f, o, g -> i, f, g, o)", () => {
    const b = 3, L = 6, F = 4, H = 5;
    const x = tf.randomNormal([b, L, F], 0, 1, "float32", 1);
    const h0 = tf.randomNormal([b, H], 0, 1, "float32", 2), c0 = tf.randomNormal([b, H], 0, 1, "float32", 3);
    const ours = new ContextLstm({ units: H, seed: 4 });
    const got = ours.apply([x, h0, c0]) as tf.Tensor;
    const reorder = (w: tf.Tensor) => {
      const [i, f, o, g] = tf.split(w, 4, -1);
      return tf.concat([i, f, g, o], -1);
    };
    const reference = tf.layers.lstm({ units: H, returnSequences: true, recurrentActivation: "sigmoid" });
    reference.apply(x, { initialState: [h0, c0] });
    reference.setWeights(ours.getWeights().map(reorder));
    const expected = reference.apply(x, { initialState: [h0, c0] }) as tf.Tensor;
    expect(got.shape).toEqual([b, L, H]);
    expect(tf.max(tf.abs(tf.sub(got, expected))).dataSync()[0]).toBeLessThan(1e-5);
  });
});
