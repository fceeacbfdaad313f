import { beforeAll, describe, expect, it } from "vitest";
import type { ComputeBackend } from "../../../core/compute.ts";
import type { Splits } from "../../../core/data/splits.ts";
import { MemoryRunStore } from "../../../core/memory_store.ts";
import type { EpochReport, FitOptions } from "../../../core/model.ts";
import { train } from "../../../core/train/trainer.ts";
import { svm } from "../../../models/svm/svm.ts";
import { tfjsBackend } from "../../../models/tfjs/backend.ts";
import { sources, tinySplits } from "../trees/data.ts";

const CPU: ComputeBackend = { name: "cpu", requested: "cpu", reason: "test" };
let splits: Splits;
beforeAll(async () => {
  splits = await tinySplits();
});
const shape = () => ({ seqLen: 1, nFeatures: splits.featureNames.length, nClasses: 3 as const });

async function fit(params: object = {}, options: Partial<FitOptions> & { seed?: number; decide?: (r: EpochReport) => { stop: boolean; best: boolean } } = {}) {
  const config = svm.configSchema.parse(params);
  const model = svm.create(config, shape(), { seed: options.seed ?? 1, backend: CPU });
  const reports: EpochReport[] = [];
  const result = await model.fit(splits.train, splits.val, {
    epochs: 6,
    batchSize: 64,
    seed: options.seed ?? 1,
    restoreBest: true,
    ...options,
    onEpoch: async (r) => {
      reports.push(r);
      return options.decide?.(r) ?? { stop: false, best: true };
    },
  });
  return { model, config, reports, result, files: await model.save() };
}
const bytes = (files: Record<string, Uint8Array>) => Object.entries(files).map(([k, v]) => `${k}:${[...v].join(",")}`).join(";");

describe("linear:svm", () => {
  for (const params of [{}, { kernel: "rbf", n_components: 64 }, { multiclass: "crammer_singer" }]) {
    it(`predicts the same bits after save and load (${JSON.stringify(params)})`, async () => {
      const { model, config, files } = await fit(params);
      expect(Object.keys(files).sort()).toEqual(["svm.json", "weights.bin"]);
      const loaded = await svm.load(files, config, shape());
      const [a, b] = [await model.predict(splits.test), await loaded.predict(splits.test)];
      expect(b).toEqual(a);
      for (let i = 0; i < a.length; i += 3) expect(a[i] + a[i + 1] + a[i + 2]).toBeCloseTo(1, 5);
      expect(bytes(await loaded.save())).toBe(bytes(files));
    });
  }

  it("is deterministic for a seed; another seed draws other features (rbf) and another batch order", async () => {
    for (const params of [{}, { kernel: "rbf", n_components: 32 }]) {
      const a = bytes((await fit(params, { seed: 7 })).files);
      expect(bytes((await fit(params, { seed: 7 })).files)).toBe(a);
      expect(bytes((await fit(params, { seed: 8 })).files)).not.toBe(a);
    }
  });

  it("reports calibrated log loss per epoch, learns, and stops and keeps the best epoch when told", async () => {
    const { reports, result } = await fit();
    expect(reports.map((r) => r.epoch)).toEqual([0, 1, 2, 3, 4, 5]);
    for (const r of reports) {
      expect(r.val_loss).toBeLessThan(Math.log(3));
      expect(r.val_accuracy).toBeGreaterThan(0.4);
    }
    expect(result).toEqual({ epochs: 6, bestEpoch: 5, reason: "completed" });
    const decide = (r: EpochReport) => ({ best: r.epoch === 1, stop: r.epoch === 3 });
    const early = await fit({}, { decide });
    expect(early.result).toEqual({ epochs: 4, bestEpoch: 1, reason: "early_stopping" });
    // The kept weights are epoch 1's: refitting for two epochs gives the same saved weights.
    const two = await fit({}, { epochs: 2 });
    expect([...early.files["weights.bin"]]).toEqual([...two.files["weights.bin"]]);
  });

  it("ends after the current batch when aborted", async () => {
    const signal = { aborted: false };
    const { result, reports } = await fit({}, { signal, decide: (r) => ((signal.aborted = r.epoch === 1), { stop: false, best: true }) });
    expect(result).toEqual({ epochs: 2, bestEpoch: 1, reason: "aborted" });
    expect(reports).toHaveLength(2);
  });

  it("refuses settings and files it cannot use", async () => {
    expect(svm.configSchema.safeParse({ kernel: "poly" }).success).toBe(false);
    expect(svm.configSchema.safeParse({ c: 1 }).success).toBe(false);
    expect(svm.configSchema.safeParse({ C: 0 }).success).toBe(false);
    const { config, files } = await fit({}, { epochs: 1 });
    await expect(svm.load(files, config, { ...shape(), nFeatures: 9 })).rejects.toThrow(/8 inputs, the run expects 9/);
    await expect(svm.load(files, { ...config, kernel: "rbf" }, shape())).rejects.toThrow(/kernel "linear", the run expects "rbf"/);
    await expect(svm.load({ "svm.json": files["svm.json"] }, config, shape())).rejects.toThrow(/needs svm.json and weights.bin/);
    await expect(svm.load({ ...files, "weights.bin": files["weights.bin"].subarray(4) }, config, shape())).rejects.toThrow(/bytes, expected/);
  });

  it("learns the synthetic signal through the trainer", async () => {
    for (const params of [{ kernel: "rbf", n_components: 128 }, { multiclass: "crammer_singer" }]) {
      const { test, record } = await train({ plugin: svm, params, sources: sources(), trainer: { backend: "cpu", epochs: 15, patience: 4 } }, {
        store: new MemoryRunStore(),
        clock: Date,
        startBackend: tfjsBackend(),
      });
      expect(record).toMatchObject({ model: "linear:svm", status: "finished" });
      expect(test!.f1_macro).toBeGreaterThan(0.45);
      expect(test!.log_loss).toBeLessThan(Math.log(3));
    }
  });
});
