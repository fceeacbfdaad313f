import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../../models/tfjs/backend.ts";
import { TCN_FEATURES, TcnConfig, tcnNetwork } from "../../../models/tcn/tcn.ts";

beforeAll(async () => {
  await selectBackend("cpu");
});

describe("TCN", () => {
  it("is causal: changing the input at step t never changes an output before t, and does change later ones", () => {
    const L = 24, F = 3;
    const net = tcnNetwork(TcnConfig.parse({ filters: 4, kernel_size: 3, dilations: [1, 2, 4] }), { seqLen: L, nFeatures: F, nClasses: 3 }, 1);
    const body = tf.model({ inputs: net.inputs, outputs: net.getLayer(TCN_FEATURES).output });
    const x = tf.randomNormal([2, L, F], 0, 1, "float32", 2);
    const base = (body.predict(x) as tf.Tensor).arraySync() as number[][][];
    for (const t of [0, 5, 12, L - 1]) {
      const bumped = x.arraySync() as number[][][];
      bumped.forEach((sample) => sample[t].forEach((_, f) => (sample[t][f] += 10)));
      const out = (body.predict(tf.tensor3d(bumped)) as tf.Tensor).arraySync() as number[][][];
      for (let s = 0; s < L; s++) {
        const same = out.every((sample, i) => sample[s].every((v, c) => v === base[i][s][c]));
        if (s < t) expect(same, `output at step ${s} moved when step ${t} changed`).toBe(true);
      }
      // receptive field 1 + 2 * 2 * (1 + 2 + 4) = 29 > L: step t reaches every later step
      expect(out.every((sample, i) => sample[t].every((v, c) => v === base[i][t][c]))).toBe(false);
    }
    net.dispose();
  });
});
