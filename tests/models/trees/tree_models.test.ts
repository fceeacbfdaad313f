import { beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import type { Splits } from "../../../core/data/splits.ts";
import type { EpochReport, FitOptions, ModelPlugin } from "../../../core/model.ts";
import { forest } from "../../../models/forest/forest.ts";
import { gbdt } from "../../../models/gbdt/gbdt.ts";
import { tinySplits } from "./data.ts";
import type { ComputeBackend } from "../../../core/compute.ts";

const CPU: ComputeBackend = { name: "cpu", requested: "cpu", reason: "test" };

let splits: Splits;
beforeAll(async () => {
  splits = await tinySplits();
});
const shape = () => ({ seqLen: 1, nFeatures: splits.featureNames.length, nClasses: 3 as const });

/** Fits a plugin's model; the trainer's part is played by `decide` (default: never stop, every round best). */
async function fit<S extends z.ZodType>(
  plugin: ModelPlugin<S>,
  params: object = {},
  options: Partial<FitOptions> & { decide?: (r: EpochReport) => { stop: boolean; best: boolean } } = {},
) {
  const config = plugin.configSchema.parse(params);
  const model = plugin.create(config, shape(), { seed: options.seed ?? 1, backend: CPU });
  const reports: EpochReport[] = [];
  const result = await model.fit(splits.train, splits.val, {
    epochs: 8,
    batchSize: 256,
    seed: 1,
    restoreBest: true,
    ...options,
    onEpoch: async (r) => {
      reports.push(r);
      return options.decide?.(r) ?? { stop: false, best: true };
    },
  });
  return { model, config, reports, result };
}

const text = (files: Record<string, Uint8Array>) => new TextDecoder().decode(files["trees.json"]);

describe("trees:gbdt", () => {
  it("reports each boosting round as an epoch, and the training loss falls", async () => {
    const { reports, result } = await fit(gbdt);
    expect(reports.map((r) => r.epoch)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(reports[7].train_loss).toBeLessThan(reports[0].train_loss);
    expect(reports[0].train_loss).toBeLessThan(Math.log(3));
    for (const r of reports) expect(r.val_accuracy).toBeGreaterThan(0.3);
    expect(result).toEqual({ epochs: 8, bestEpoch: 7, reason: "completed" });
  });

  it("stops when the trainer says so and keeps the best round's trees (best_iteration)", async () => {
    const decide = (r: EpochReport) => ({ best: r.epoch <= 2, stop: r.epoch === 5 });
    const { model, result } = await fit(gbdt, {}, { decide });
    expect(result).toEqual({ epochs: 6, bestEpoch: 2, reason: "early_stopping" });
    const saved = JSON.parse(text(await model.save()));
    expect(saved).toMatchObject({ best_iteration: 2, rounds: 3, trees_per_round: 3 });
    expect(saved.trees).toHaveLength(9);
    expect(saved.trees.map((t: { output: number }) => t.output)).toEqual([0, 1, 2, 0, 1, 2, 0, 1, 2]);

    const kept = await fit(gbdt, {}, { decide, restoreBest: false });
    expect(JSON.parse(text(await kept.model.save())).trees).toHaveLength(18);
  });

  it("ends between rounds when aborted", async () => {
    const signal = { aborted: false };
    const { result, reports } = await fit(gbdt, {}, { signal, decide: (r) => ((signal.aborted = r.epoch === 1), { stop: false, best: true }) });
    expect(result).toEqual({ epochs: 2, bestEpoch: 1, reason: "aborted" });
    expect(reports).toHaveLength(2);
  });

  it("predicts the same after save and load, from readable JSON", async () => {
    const { model, config } = await fit(gbdt, { growth: "leafwise", num_leaves: 12, max_depth: 0, alpha: 0.1, gamma: 0.01 });
    const files = await model.save();
    const json = text(files);
    expect(json.split("\n").filter((l) => l.trimStart().startsWith('{"output"'))).toHaveLength(24); // one tree per line
    expect(JSON.parse(json)).toMatchObject({ format: "model-factory/trees@1", kind: "gbdt", link: "softmax", input: "last", features: 8 });
    const loaded = await gbdt.load(files, config, shape());
    expect(await loaded.predict(splits.test)).toEqual(await model.predict(splits.test));
    expect(model.featureImportance!()).toEqual(loaded.featureImportance!());
    expect(model.featureImportance!().values.some((g) => g > 0)).toBe(true);
  });

  it("is deterministic for a seed, and a different seed changes the model", async () => {
    const a = text(await (await fit(gbdt, {}, { seed: 7 })).model.save());
    const b = text(await (await fit(gbdt, {}, { seed: 7 })).model.save());
    const c = text(await (await fit(gbdt, {}, { seed: 8 })).model.save());
    expect(b).toBe(a);
    expect(c).not.toBe(a);
  });

  it("reads summary or flattened windows when configured", async () => {
    const long = await tinySplits(3);
    for (const input of ["summary", "flat"] as const) {
      const config = gbdt.configSchema.parse({ input });
      const model = gbdt.create(config, { seqLen: 3, nFeatures: 8, nClasses: 3 }, { seed: 1, backend: CPU });
      await model.fit(long.train, long.val, { epochs: 2, batchSize: 1, seed: 1, restoreBest: true, onEpoch: async () => ({ stop: false, best: true }) });
      expect(JSON.parse(text(await model.save())).columns).toBe(input === "summary" ? 32 : 24);
      expect((await model.predict(long.test)).length).toBe(long.test.size * 3);
    }
  });

  it("fails fast on settings and files it cannot use", async () => {
    expect(() => gbdt.create(gbdt.configSchema.parse({ input: "summary" }), shape(), { seed: 1, backend: CPU })).toThrow(
      /"summary" needs a window of at least 2 rows/,
    );
    expect(gbdt.configSchema.safeParse({ max_depth: 0 }).success).toBe(false);
    expect(gbdt.configSchema.safeParse({ max_depht: 3 }).success).toBe(false);
    const { model, config } = await fit(gbdt, {}, { epochs: 1 });
    const files = await model.save();
    await expect(gbdt.load(files, config, { ...shape(), nFeatures: 9 })).rejects.toThrow(/"features" is 8, the run expects 9/);
    await expect(gbdt.load({}, config, shape())).rejects.toThrow(/no trees.json/);
    const broken = JSON.parse(text(files));
    broken.trees[0].left[0] = 0;
    await expect(gbdt.load({ "trees.json": new TextEncoder().encode(JSON.stringify(broken)) }, config, shape())).rejects.toThrow(
      /tree 0: node 0 has children 0/,
    );
  });
});

describe("trees:forest", () => {
  it("averages leaf class shares into probabilities, and predicts the same after save and load", async () => {
    const { model, config, reports } = await fit(forest, { trees_per_round: 3, max_depth: 6 }, { epochs: 3 });
    expect(reports).toHaveLength(3);
    const probs = await model.predict(splits.test);
    for (let i = 0; i < 30; i++) expect(probs[3 * i] + probs[3 * i + 1] + probs[3 * i + 2]).toBeCloseTo(1, 5);
    const files = await model.save();
    expect(JSON.parse(text(files))).toMatchObject({ kind: "forest", link: "mean", trees_per_round: 3, rounds: 3 });
    expect(await (await forest.load(files, config, shape())).predict(splits.test)).toEqual(probs);
    expect(reports[2].val_accuracy).toBeGreaterThan(0.4);
  });
});
