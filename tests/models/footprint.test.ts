import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import type { InputShape, ModelPlugin } from "../../core/model.ts";
import { gru } from "../../models/gru/gru.ts";
import { logistic } from "../../models/logistic/logistic.ts";
import { lstm } from "../../models/lstm/lstm.ts";
import { mlp } from "../../models/mlp/mlp.ts";
import { patchtst } from "../../models/patchtst/patchtst.ts";
import { transformer } from "../../models/transformer/transformer.ts";
import type { NetworkModel } from "../../models/tfjs/network_model.ts";

// A plugin's footprint counts parameters without building the network: it must count what tfjs then allocates.
const backend = { name: "cpu" as const, requested: "cpu" as const, reason: "test" };

const cases: [ModelPlugin, Record<string, unknown>, InputShape][] = [
  [logistic, {}, { seqLen: 3, nFeatures: 7, nClasses: 3 }],
  [mlp, { hidden: [32, 16, 8] }, { seqLen: 2, nFeatures: 5, nClasses: 3 }],
  [mlp, { hidden: [12], dropout: 0 }, { seqLen: 1, nFeatures: 9, nClasses: 3 }],
  [lstm, { units: 8, layers: 2 }, { seqLen: 6, nFeatures: 5, nClasses: 3 }],
  [gru, { units: 6, layers: 3, head: "mean" }, { seqLen: 4, nFeatures: 3, nClasses: 3 }],
  [transformer, { d_model: 8, heads: 2, layers: 2, ff: 16 }, { seqLen: 5, nFeatures: 4, nClasses: 3 }],
  [patchtst, { patch_len: 4, stride: 2, d_model: 8, heads: 2, layers: 1, ff: 12 }, { seqLen: 12, nFeatures: 3, nClasses: 3 }],
];

describe("model footprints", () => {
  it.each(cases.map(([plugin, params, shape]) => ({ name: plugin.name, plugin, params, shape })))(
    "$name: the parameters counted from the settings are the parameters tfjs allocates",
    async ({ plugin, params, shape }) => {
      await tf.setBackend("cpu");
      const config = plugin.configSchema.parse(params);
      const footprint = plugin.footprint!(config, shape);
      const model = plugin.create(config, shape, { seed: 1, backend }) as NetworkModel;
      try {
        expect(footprint.parameters).toBe(model.net.countParams());
        const largest = Math.max(...model.net.getWeights().map((w) => w.size));
        expect(footprint.largestWeight).toBeGreaterThanOrEqual(largest);
        expect(footprint.activationsPerSample).toBeGreaterThanOrEqual(shape.seqLen * shape.nFeatures);
      } finally {
        model.dispose();
      }
    },
  );

  it("names the settings that decide the MLP's size", () => {
    const config = mlp.configSchema.parse({ hidden: [65536, 65536] });
    const footprint = mlp.footprint(config, { seqLen: 1, nFeatures: 8960, nClasses: 3 });
    expect(footprint.settings).toEqual({ "params.hidden": [65536, 65536] });
    expect(footprint.parameters).toBe(8960 * 65536 + 65536 + 65536 * 65536 + 65536 + 65536 * 3 + 3);
  });
});
