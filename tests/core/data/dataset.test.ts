import { describe, expect, it } from "vitest";
import { DatasetConfig } from "../../../core/config/dataset.ts";
import { horizonLabels, LoadedDataset } from "../../../core/data/dataset.ts";
import { writeParquet } from "../../../core/data/parquet_write.ts";
import { readFrame } from "../../../core/data/read_frame.ts";
import { synthSplits } from "../../../core/data/synth.ts";
import { memorySource } from "../../helpers.ts";

const tiny = synthSplits({ symbols: 3, rows: 400, features: 5, seed: 8 });
const files = { train: writeParquet(tiny.train.columns), val: writeParquet(tiny.val.columns), test: writeParquet(tiny.test.columns) };
const sources = () => ({
  train: memorySource("train.parquet", files.train),
  val: memorySource("val.parquet", files.val),
  test: memorySource("test.parquet", files.test),
});
const config = (over: object) => ({ ...DatasetConfig.parse({ nan_policy: "error", ...over }), seq_len: (over as { seq_len?: number }).seq_len ?? 3 });
const load = () => LoadedDataset.load(sources(), { nan_policy: "error", labels: horizonLabels([5, 20]) });

describe("LoadedDataset", () => {
  it("scaling leaves the loaded frames untouched: unscaled splits still equal the file, however often scaled splits were made", async () => {
    const data = await load();
    const raw = await readFrame(sources().train, { labelColumn: "label_h5", requireLabel: true });
    const scaled = data.splits(config({ standardize: true }));
    expect(scaled.train.frame.features).not.toEqual(raw.features);
    const again = data.splits(config({ standardize: true, horizon: 20 }));
    expect(again.train.frame.features).toEqual(scaled.train.frame.features); // scaled once from the originals, not twice
    expect(data.splits(config({ standardize: false })).train.frame.features).toEqual(raw.features);
    // the scaler is fitted on train only: train's scaled columns have mean ~0, val's need not
    const F = raw.featureNames.length, x = scaled.train.frame.features;
    const mean0 = x.filter((_, i) => i % F === 0).reduce((a, b) => a + b, 0) / scaled.train.frame.rows;
    expect(Math.abs(mean0)).toBeLessThan(1e-5);
  });

  it("serves every loaded horizon from one read, each with its own labels and forward returns", async () => {
    const data = await load();
    const h5 = data.splits(config({ horizon: 5 })), h20 = data.splits(config({ horizon: 20 }));
    expect(h5.labelColumn).toBe("label_h5");
    expect(h20.labelColumn).toBe("label_h20");
    expect(h5.train.frame.label).not.toBe(h20.train.frame.label);
    expect(h5.train.frame.features).toBe(h20.train.frame.features); // the same scaled matrix, shared
    expect(() => data.splits(config({ horizon: 7 }))).toThrow(/Label column "label_h7" was not loaded; loaded: label_h5, label_h20/);
    expect(() => data.splits(config({ nan_policy: "drop" }))).toThrow(/dataset\.nan_policy is "drop", but the data was loaded with "error"/);
  });

  it("samples training windows by stride and cap, evenly within each symbol, keeping validation and test whole", async () => {
    const data = await load();
    const whole = data.splits(config({}));
    const strided = data.splits(config({ train_stride: 4 }));
    const capped = data.splits(config({ train_stride: 2, max_train_samples: 100 }));
    expect(strided.val.size).toBe(whole.val.size);
    expect(strided.test.size).toBe(whole.test.size);
    expect(strided.train.size).toBeGreaterThanOrEqual(Math.floor(whole.train.size / 4));
    expect(strided.train.size).toBeLessThanOrEqual(Math.ceil(whole.train.size / 4) + 3);
    expect(strided.fingerprint.files.train).toMatchObject({ samples: strided.train.size, samples_available: whole.train.size });
    expect(whole.fingerprint.files.train.samples_available).toBeUndefined();
    expect(capped.train.size).toBe(100);
    // ascending ends, each symbol keeps its share and its newest sample
    const ends = [...capped.train.ends];
    expect(ends).toEqual([...ends].sort((a, b) => a - b));
    const { symbol } = capped.train.frame;
    for (let s = 0; s < 3; s++) {
      const mine = ends.filter((e) => symbol[e] === s).length, all = [...whole.train.ends].filter((e) => symbol[e] === s).length;
      expect(Math.abs(mine / 100 - all / whole.train.size)).toBeLessThan(0.03);
      const newest = Math.max(...[...whole.train.ends].filter((e) => symbol[e] === s));
      expect(strided.train.ends).toContain(newest);
    }
  });
});
