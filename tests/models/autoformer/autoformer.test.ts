import { beforeAll, describe, expect, it } from "vitest";
import { AUTOFORMER_FEATURES, AutoformerConfig, autoformerNetwork } from "../../../models/autoformer/autoformer.ts";
import { selectBackend } from "../../../models/tfjs/backend.ts";
import { bodyUpTo, probeCausality } from "../causality.ts";

beforeAll(async () => {
  await selectBackend("cpu");
});

describe("Autoformer", () => {
  it("is causal: changing the input at step t changes no output before t, and changes the output at t", () => {
    const L = 12, F = 3;
    const net = autoformerNetwork(AutoformerConfig.parse({ d_model: 8, ff: 8, layers: 2, moving_average: 3 }), { seqLen: L, nFeatures: F, nClasses: 3 }, 1);
    const probe = probeCausality(bodyUpTo(net, AUTOFORMER_FEATURES), { seqLen: L, nFeatures: F });
    expect(probe.leaks).toEqual([]);
    expect(probe.reached).toEqual(Array.from({ length: L }, (_, t) => t));
    net.dispose();
  });
});
