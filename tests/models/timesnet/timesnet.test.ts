import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../../models/tfjs/backend.ts";
import { TIMESNET_FEATURES, TimesnetConfig, timesnetNetwork } from "../../../models/timesnet/timesnet.ts";
import { bodyUpTo, probeCausality } from "../causality.ts";

beforeAll(async () => {
  await selectBackend("cpu");
});

describe("TimesNet", () => {
  it("is causal: changing the input at step t changes no output before t, and changes the output at t", () => {
    const L = 12, F = 3;
    const net = timesnetNetwork(TimesnetConfig.parse({ d_model: 4, ff: 4, layers: 2, kernels: 3 }), { seqLen: L, nFeatures: F, nClasses: 3 }, 1);
    const probe = probeCausality(bodyUpTo(net, TIMESNET_FEATURES), { seqLen: L, nFeatures: F });
    expect(probe.leaks).toEqual([]);
    expect(probe.reached).toEqual(Array.from({ length: L }, (_, t) => t));
    net.dispose();
  });
});
