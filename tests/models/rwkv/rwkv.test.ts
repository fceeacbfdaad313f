import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../../models/tfjs/backend.ts";
import { RWKV_FEATURES, RwkvConfig, rwkvNetwork } from "../../../models/rwkv/rwkv.ts";
import { bodyUpTo, probeCausality } from "../causality.ts";

beforeAll(async () => {
  await selectBackend("cpu");
});

describe("RWKV", () => {
  it("is causal: changing the input at step t changes no output before t, and changes the output at t", () => {
    const L = 12, F = 3;
    const net = rwkvNetwork(RwkvConfig.parse({ d_model: 8, layers: 2 }), { seqLen: L, nFeatures: F, nClasses: 3 }, 1);
    const probe = probeCausality(bodyUpTo(net, RWKV_FEATURES), { seqLen: L, nFeatures: F });
    expect(probe.leaks).toEqual([]);
    expect(probe.reached).toEqual(Array.from({ length: L }, (_, t) => t));
    net.dispose();
  });
});
