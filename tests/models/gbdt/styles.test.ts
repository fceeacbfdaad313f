/// <reference types="node" />
// The CatBoost- and LightGBM-style configs of trees:gbdt (config/models/catboost_style.json, lightgbm_style.json).
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import type { ComputeBackend } from "../../../core/compute.ts";
import type { Splits } from "../../../core/data/splits.ts";
import { MemoryRunStore } from "../../../core/memory_store.ts";
import { train } from "../../../core/train/trainer.ts";
import { gbdt } from "../../../models/gbdt/gbdt.ts";
import { tfjsBackend } from "../../../models/tfjs/backend.ts";
import type { TreeJson } from "../../../models/trees/tree.ts";
import { sources, tinySplits } from "../trees/data.ts";

const CPU: ComputeBackend = { name: "cpu", requested: "cpu", reason: "test" };
const style = (name: string) => JSON.parse(readFileSync(new URL(`../../../config/models/${name}.json`, import.meta.url), "utf8")).params;
const catboost = style("catboost_style"), lightgbm = style("lightgbm_style");

let splits: Splits;
beforeAll(async () => {
  splits = await tinySplits();
});
const shape = () => ({ seqLen: 1, nFeatures: splits.featureNames.length, nClasses: 3 as const });

async function fit(params: object, seed = 1, epochs = 14) {
  const config = gbdt.configSchema.parse(params);
  const model = gbdt.create(config, shape(), { seed, backend: CPU });
  await model.fit(splits.train, splits.val, { epochs, batchSize: 1, seed, restoreBest: true, onEpoch: async () => ({ stop: false, best: true }) });
  const files = await model.save();
  return { model, config, files, text: new TextDecoder().decode(files["trees.json"]) };
}

describe("CatBoost style: oblivious trees, ordered boosting", () => {
  it("every saved tree splits each level's nodes on one feature, threshold and missing side, and is complete to its depth", async () => {
    const { text } = await fit(catboost);
    const trees: TreeJson[] = JSON.parse(text).trees;
    let deep = 0;
    for (const [k, t] of trees.entries()) {
      let level = [0], depth = 0;
      for (; level.some((n) => t.feature[n] >= 0); depth++) {
        // A level is all splits or all leaves, and its splits are one.
        expect(level.every((n) => t.feature[n] >= 0), `tree ${k} depth ${depth}`).toBe(true);
        const split = (n: number) => [t.feature[n], t.threshold[n], t.default_left[n]];
        for (const n of level) expect(split(n), `tree ${k} node ${n}`).toEqual(split(level[0]));
        level = level.flatMap((n) => [t.left[n], t.right[n]]);
      }
      expect(level).toHaveLength(2 ** depth);
      expect(depth).toBeLessThanOrEqual(6);
      if (depth >= 3) deep++;
    }
    expect(deep).toBeGreaterThan(trees.length / 2);
  });

  it("ordered boosting changes the model, and is deterministic for a seed", async () => {
    const a = (await fit(catboost, 7)).text;
    expect((await fit(catboost, 7)).text).toBe(a);
    expect((await fit(catboost, 8)).text).not.toBe(a);
    expect((await fit({ ...catboost, ordered_boosting: false }, 7)).text).not.toBe(a);
  });

  it("predicts the same after save and load", async () => {
    const { model, config, files } = await fit(catboost);
    const loaded = await gbdt.load(files, config, shape());
    expect(await loaded.predict(splits.test)).toEqual(await model.predict(splits.test));
  });
});

describe("LightGBM style: leaf-wise trees, GOSS", () => {
  it("GOSS changes the model once the first 1 / learning_rate rounds are past, and is deterministic for a seed", async () => {
    const fast = { ...lightgbm, learning_rate: 0.25 }; // GOSS from round 4
    const a = (await fit(fast, 7)).text;
    expect((await fit(fast, 7)).text).toBe(a);
    expect((await fit(fast, 8)).text).not.toBe(a);
    const uniform = (await fit({ ...fast, sampling: "uniform", subsample: 1 }, 7)).text;
    expect(uniform).not.toBe(a);
    // The first four rounds (12 trees) see every row either way.
    const trees = (text: string) => JSON.parse(text).trees as TreeJson[];
    expect(trees(uniform).slice(0, 12)).toEqual(trees(a).slice(0, 12));
    expect(trees(uniform).slice(12)).not.toEqual(trees(a).slice(12));
  });

  it("predicts the same after save and load, with at most num_leaves leaves per tree", async () => {
    const { model, config, files, text } = await fit(lightgbm);
    for (const t of JSON.parse(text).trees as TreeJson[]) expect(t.feature.filter((f) => f < 0).length).toBeLessThanOrEqual(31);
    const loaded = await gbdt.load(files, config, shape());
    expect(await loaded.predict(splits.test)).toEqual(await model.predict(splits.test));
  });
});

describe("boosting style settings", () => {
  const error = (params: object) => gbdt.configSchema.safeParse(params).error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");

  it("subsample defaults to 0.8, or 1 with GOSS, which refuses any other", () => {
    expect(gbdt.configSchema.parse({}).subsample).toBe(0.8);
    expect(gbdt.configSchema.parse({ sampling: "goss" }).subsample).toBe(1);
    expect(error({ sampling: "goss", subsample: 0.5 })).toMatch(/^subsample: sampling "goss" picks its own rows/);
    expect(error({ sampling: "goss", top_rate: 0.7, other_rate: 0.4 })).toMatch(/^other_rate: top_rate \+ other_rate must be at most 1/);
  });

  it("oblivious trees need depth-wise growth without a leaf limit; ordered boosting refuses GOSS", () => {
    expect(error({ tree: "oblivious", growth: "leafwise", num_leaves: 31 })).toMatch(/^tree: tree "oblivious" grows whole levels/);
    expect(error({ tree: "oblivious", num_leaves: 8 })).toMatch(/^tree: /);
    expect(error({ ordered_boosting: true, sampling: "goss" })).toMatch(/^ordered_boosting: /);
    expect(error({ tree: "symmetric" })).toMatch(/^tree: /);
  });

  it("each style learns the synthetic signal through the trainer", async () => {
    for (const params of [catboost, lightgbm]) {
      const { test, record } = await train({ plugin: gbdt, params, sources: sources(), trainer: { backend: "cpu", epochs: 200, patience: 8 } }, {
        store: new MemoryRunStore(),
        clock: Date,
        startBackend: tfjsBackend(),
      });
      expect(record.status).toBe("finished");
      expect(test!.f1_macro).toBeGreaterThan(0.45);
    }
  });
});
