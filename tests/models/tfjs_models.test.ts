import { DatasetConfig } from "../../core/config/dataset.ts";
import type { BackendChoice } from "../../core/compute.ts";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../models/tfjs/backend.ts";
import { writeParquet } from "../../core/data/parquet_write.ts";
import { loadSplits, type Splits } from "../../core/data/splits.ts";
import { synthSplits } from "../../core/data/synth.ts";
import type { EpochReport, Model } from "../../core/model.ts";
import { registry } from "../../models/index.ts";
import { memorySource } from "../helpers.ts";
import { TINY_NETWORKS as cases } from "./tiny_networks.ts";

const tiny = synthSplits({ symbols: 2, rows: 600, features: 6, seed: 11 });
const load = (seqLen: number) =>
  loadSplits({
    train: memorySource("train.parquet", writeParquet(tiny.train.columns)),
    val: memorySource("val.parquet", writeParquet(tiny.val.columns)),
    test: memorySource("test.parquet", writeParquet(tiny.test.columns)),
  }, { ...DatasetConfig.parse({ horizon: 5 }), seq_len: seqLen });

let backend: BackendChoice;
beforeAll(async () => {
  backend = await selectBackend("cpu");
});

for (const [name, { seqLen, params }] of Object.entries(cases)) {
  describe(name, () => {
    const plugin = registry.get(name);
    const config = plugin.configSchema.parse(params);
    let splits: Splits;
    // Two runs on seed 5 and one on seed 6, shared by the tests below.
    const runs: { model: Model; reports: EpochReport[]; counts: number[]; before: number }[] = [];
    const shape = () => ({ seqLen, nFeatures: splits.train.nFeatures, nClasses: 3 as const });
    const fit = async (seed: number, epochs: number, best: boolean) => {
      const before = tf.memory().numTensors;
      const model = plugin.create(config, shape(), { seed, backend });
      const reports: EpochReport[] = [], counts: number[] = [];
      await model.fit(splits.train, splits.val, {
        epochs,
        batchSize: 64,
        seed,
        restoreBest: best,
        onEpoch: (r) => (reports.push(r), counts.push(tf.memory().numTensors), Promise.resolve({ stop: false, best })),
      });
      return { model, reports, counts, before };
    };
    beforeAll(async () => {
      splits = await load(seqLen);
      runs.push(await fit(5, 3, false), await fit(5, 3, false), await fit(6, 1, true));
    }, 60_000);

    it("is deterministic for a seed on the cpu backend, and differs across seeds", async () => {
      const [pa, pb, pc] = await Promise.all(runs.map((r) => r.model.predict(splits.test)));
      expect(pa).toEqual(pb);
      expect(runs[0].reports).toEqual(runs[1].reports);
      expect(pa).not.toEqual(pc);
    });

    it("gives identical probabilities after save and load", async () => {
      const { model } = runs[0];
      const before = await model.predict(splits.test);
      const loaded = await plugin.load(await model.save(), config, shape(), { backend });
      expect(await loaded.predict(splits.test)).toEqual(before);
      const sums = Array.from({ length: splits.test.size }, (_, k) => before[3 * k] + before[3 * k + 1] + before[3 * k + 2]);
      sums.forEach((s) => expect(s).toBeCloseTo(1, 5));
      loaded.dispose();
    });

    it("leaks no tensors: the count after epoch 2 equals the count after epoch 1, and disposing frees everything", () => {
      const { counts } = runs[0];
      expect(counts[1]).toBe(counts[0]);
      expect(counts[2]).toBe(counts[0]);
      // the seed-6 run took and restored a best-weights snapshot
      const last = runs.pop()!;
      last.model.dispose();
      expect(tf.memory().numTensors).toBe(last.before);
    });

    it("reports per-epoch train/val loss and accuracy in range", () => {
      for (const r of runs[0].reports) {
        expect(r.train_loss).toBeGreaterThan(0);
        expect(r.val_loss).toBeGreaterThan(0);
        expect(r.train_accuracy).toBeGreaterThanOrEqual(0);
        expect(r.val_accuracy).toBeLessThanOrEqual(1);
      }
      runs.forEach((r) => r.model.dispose());
    });
  });
}
