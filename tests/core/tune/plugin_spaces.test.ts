import { describe, expect, it } from "vitest";
import { DatasetConfig } from "../../../core/config/dataset.ts";
import { parseConfig } from "../../../core/config/parse.ts";
import { TrainerConfig } from "../../../core/config/trainer.ts";
import { fullName } from "../../../core/model.ts";
import type { FrozenTrial } from "../../../core/tune/sampler.ts";
import { randomSampler } from "../../../core/tune/samplers/random.ts";
import { tpeSampler } from "../../../core/tune/samplers/tpe.ts";
import { applyParams, validateSpace } from "../../../core/tune/space.ts";
import { plugins } from "../../../models/index.ts";

describe("every plugin's searchSpace", () => {
  for (const plugin of plugins) {
    it(`${fullName(plugin)}: the space is valid and 500 random samples parse with its configSchema`, () => {
      expect(plugin.searchSpace, `${plugin.name} declares a searchSpace`).toBeDefined();
      const space = validateSpace(plugin.searchSpace, `${plugin.name}'s searchSpace`, plugin.configSchema);
      expect(Object.keys(space).length).toBeGreaterThanOrEqual(2);
      const sampler = randomSampler();
      const seen = new Map<string, Set<string>>();
      for (let i = 0; i < 500; i++) {
        const sampled = sampler.sample(space, [], { direction: "maximize", number: i, seed: 11 });
        const settings = applyParams({ params: {}, dataset: {}, trainer: {} }, sampled);
        const params = parseConfig(plugin.configSchema, settings.params, `${plugin.name} params`) as Record<string, unknown>;
        parseConfig(DatasetConfig, settings.dataset, "dataset");
        parseConfig(TrainerConfig, settings.trainer, "trainer");
        for (const [key, value] of Object.entries(sampled)) {
          // The parsed config keeps the sampled value (no default or transform silently replaced it).
          expect(params[key.slice("params.".length)]).toEqual(value);
          if (!seen.has(key)) seen.set(key, new Set());
          seen.get(key)!.add(JSON.stringify(value));
        }
      }
      // Every parameter actually varies across the samples.
      for (const key of Object.keys(space)) expect(seen.get(key)?.size ?? 0, key).toBeGreaterThan(1);
    });
  }

  it("TPE samples of a plugin space (after its startup trials) parse too", () => {
    const gbdt = plugins.find((p) => p.name === "gbdt")!;
    const space = validateSpace(gbdt.searchSpace, "gbdt", gbdt.configSchema);
    const sampler = tpeSampler();
    const trials: FrozenTrial[] = [];
    for (let i = 0; i < 25; i++) {
      const sampled = sampler.sample(space, trials, { direction: "maximize", number: i, seed: 4 });
      parseConfig(gbdt.configSchema, applyParams({ params: {}, dataset: {}, trainer: {} }, sampled).params, "gbdt params");
      trials.push({ number: i, state: "complete", params: sampled, value: -Math.abs((sampled["params.max_depth"] as number) - 6), intermediate: {} });
    }
  });
});
