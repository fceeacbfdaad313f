import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { CausalMaxPool, distilledTimes } from "../../../models/informer/distil.ts";
import { INFORMER_FEATURES, InformerConfig, informerNetwork } from "../../../models/informer/informer.ts";
import { selectBackend } from "../../../models/tfjs/backend.ts";
import { bodyUpTo, probeCausality } from "../causality.ts";

beforeAll(async () => {
  await selectBackend("cpu");
});

describe("Informer", () => {
  for (const L of [12, 13]) {
    it(`is causal through its distilling layers (L = ${L}): an output ending at step s moves for no input after s`, () => {
      const F = 3, layers = 3;
      const net = informerNetwork(InformerConfig.parse({ d_model: 8, heads: 2, ff: 8, layers }), { seqLen: L, nFeatures: F, nClasses: 3 }, 1);
      const times = distilledTimes(L, layers - 1);
      const probe = probeCausality(bodyUpTo(net, INFORMER_FEATURES), { seqLen: L, nFeatures: F, timeOf: (s) => times[s] });
      expect(probe.leaks).toEqual([]);
      expect(probe.reached).toEqual(times);
      net.dispose();
    });
  }
});

describe("CausalMaxPool", () => {
  it("takes the max of each 3-step window ending at every second step, the newest step ending the last window", () => {
    const even = tf.tensor3d([[[5], [1], [2], [9], [3], [4]]]);
    expect((new CausalMaxPool().apply(even) as tf.Tensor).arraySync()).toEqual([[[5], [9], [9]]]);
    const odd = tf.tensor3d([[[5], [1], [2], [9], [3]]]);
    expect((new CausalMaxPool().apply(odd) as tf.Tensor).arraySync()).toEqual([[[5], [5], [9]]]);
    expect(distilledTimes(6, 1)).toEqual([1, 3, 5]);
    expect(distilledTimes(5, 1)).toEqual([0, 2, 4]);
    expect(distilledTimes(12, 2)).toEqual([3, 7, 11]);
  });
});
