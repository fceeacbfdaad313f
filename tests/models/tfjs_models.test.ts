import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../core/backend.ts";
import { writeParquet } from "../../core/data/parquet_write.ts";
import { loadSplits, type Splits } from "../../core/data/splits.ts";
import { synthSplits } from "../../core/data/synth.ts";
import type { EpochReport } from "../../core/model.ts";
import { registry } from "../../models/index.ts";
import { memorySource } from "../helpers.ts";

const tiny = synthSplits({ symbols: 2, rows: 900, features: 6, seed: 11 });
const load = (seqLen: number) =>
  loadSplits({
    train: memorySource("train.parquet", writeParquet(tiny.train.columns)),
    val: memorySource("val.parquet", writeParquet(tiny.val.columns)),
    test: memorySource("test.parquet", writeParquet(tiny.test.columns)),
  }, { horizon: 5, seq_len: seqLen, exclude_neutrals: false, nan_policy: "error", standardize: true });

beforeAll(async () => {
  await selectBackend("cpu");
});

for (const name of ["logistic", "mlp"]) {
  describe(name, () => {
    const plugin = registry.get(name);
    let splits: Splits;
    beforeAll(async () => {
      splits = await load(name === "mlp" ? 4 : 1);
    });
    const shape = () => ({ seqLen: splits.train.seqLen, nFeatures: splits.train.nFeatures, nClasses: 3 as const });
    const fit = async (seed: number, epochs = 2, onReport?: (r: EpochReport) => void, best = true) => {
      const model = plugin.create(plugin.configSchema.parse({}), shape(), { seed });
      const reports: EpochReport[] = [];
      await model.fit(splits.train, splits.val, {
        epochs, batchSize: 64, seed, restoreBest: false,
        onEpoch: (r) => (reports.push(r), onReport?.(r), Promise.resolve({ stop: false, best })),
      });
      return { model, reports };
    };

    it("is deterministic for a seed on the cpu backend, and differs across seeds", async () => {
      const a = await fit(5), b = await fit(5), c = await fit(6);
      const [pa, pb, pc] = await Promise.all([a, b, c].map((m) => m.model.predict(splits.test)));
      expect(pa).toEqual(pb);
      expect(a.reports).toEqual(b.reports);
      expect(pa).not.toEqual(pc);
      [a, b, c].forEach((m) => m.model.dispose());
    });

    it("gives identical probabilities after save and load", async () => {
      const { model } = await fit(1);
      const before = await model.predict(splits.test);
      const loaded = await plugin.load(await model.save(), plugin.configSchema.parse({}), shape());
      expect(await loaded.predict(splits.test)).toEqual(before);
      const sums = Array.from({ length: splits.test.size }, (_, k) => before[3 * k] + before[3 * k + 1] + before[3 * k + 2]);
      sums.forEach((s) => expect(s).toBeCloseTo(1, 5));
      model.dispose();
      loaded.dispose();
    });

    it("leaks no tensors: the count after epoch 2 equals the count after epoch 1", async () => {
      const counts: number[] = [];
      const plain = await fit(2, 3, () => counts.push(tf.memory().numTensors), false);
      expect(counts[1]).toBe(counts[0]);
      expect(counts[2]).toBe(counts[0]);
      plain.model.dispose();
      // with a best-weights snapshot every epoch: the old one is freed when the new one is taken
      const snapshots: number[] = [];
      const best = await fit(2, 3, () => snapshots.push(tf.memory().numTensors), true);
      expect(snapshots[2]).toBe(snapshots[1]);
      best.model.dispose();
    });

    it("reports per-epoch train/val loss and accuracy in range", async () => {
      const { model, reports } = await fit(3);
      for (const r of reports) {
        expect(r.train_loss).toBeGreaterThan(0);
        expect(r.val_loss).toBeGreaterThan(0);
        expect(r.train_accuracy).toBeGreaterThanOrEqual(0);
        expect(r.val_accuracy).toBeLessThanOrEqual(1);
      }
      model.dispose();
    });
  });
}
