import { describe, expect, it } from "vitest";
import { DatasetConfig } from "../../../core/config/dataset.ts";
import { horizonLabels, LoadedDataset } from "../../../core/data/dataset.ts";
import { concatFrames, type Frame, symbolRanges } from "../../../core/data/frame.ts";
import { writeParquet } from "../../../core/data/parquet_write.ts";
import { synthSplits } from "../../../core/data/synth.ts";
import { foldBounds, WalkForward, WalkForwardConfig } from "../../../core/data/walk_forward.ts";
import { MemoryRunStore } from "../../../core/memory_store.ts";
import { fitRun } from "../../../core/train/fit_run.ts";
import { registry } from "../../../models/index.ts";
import { tfjsBackend } from "../../../models/tfjs/backend.ts";
import { memorySource } from "../../helpers.ts";

const tiny = synthSplits({ symbols: 3, rows: 600, features: 4, seed: 4 });
const files = { train: writeParquet(tiny.train.columns), val: writeParquet(tiny.val.columns), test: writeParquet(tiny.test.columns) };
const threeFiles = () => ({
  train: memorySource("train.parquet", files.train),
  val: memorySource("val.parquet", files.val),
  test: memorySource("test.parquet", files.test),
});
const config = (over: object = {}) => ({ ...DatasetConfig.parse({ horizon: 5, ...over }), seq_len: 4 });
const load = () => LoadedDataset.load(threeFiles(), { nan_policy: "error", labels: horizonLabels([5]) });

/** Per symbol, the times of a frame's rows. */
function timesBySymbol(frame: Frame): Map<string, number[]> {
  const out = new Map<string, number[]>();
  const ranges = symbolRanges(frame);
  frame.symbols.forEach((s, k) => out.set(s, Array.from(frame.time.subarray(ranges[2 * k], ranges[2 * k + 1]))));
  return out;
}

describe("walk-forward folds", () => {
  it("cuts train + val into folds + 1 equal time blocks: expanding trains from the start, sliding on one block", () => {
    const time = [0, 100];
    const expanding = foldBounds(time, { folds: 3, window: "expanding" });
    expect(expanding).toEqual([
      { trainFrom: -Infinity, valFrom: 25, valTo: 50 },
      { trainFrom: -Infinity, valFrom: 50, valTo: 75 },
      { trainFrom: -Infinity, valFrom: 75, valTo: Infinity },
    ]);
    expect(foldBounds(time, { folds: 3, window: "sliding" }).map((b) => b.trainFrom)).toEqual([-Infinity, 25, 50]);
  });

  it("each fold trains before its validation block, purges the horizon before the boundary, embargoes after it, and never holds a test row", async () => {
    const data = await load();
    const cv = WalkForwardConfig.parse({ folds: 3, embargo: 2 });
    const folds = new WalkForward(data, cv);
    const dev = data.developmentFrame(config());
    const devTimes = timesBySymbol(dev);
    const testStart = Math.min(
      ...(await LoadedDataset.load(threeFiles(), { nan_policy: "error", labels: horizonLabels([5]) })).splits(config()).test.frame.time,
    );
    const bounds = foldBounds(dev.time, cv);
    let previousTrain = 0;
    for (let k = 0; k < 3; k++) {
      const s = folds.fold(k).splits(config());
      expect(s.test).toBeUndefined();
      expect(s.fingerprint.cv).toMatchObject({ fold: k, folds: 3, window: "expanding", purge: 5, embargo: 2 });
      const train = timesBySymbol(s.train.frame), val = timesBySymbol(s.val.frame);
      for (const [symbol, all] of devTimes) {
        const tr = train.get(symbol)!, va = val.get(symbol)!;
        expect(Math.max(...tr)).toBeLessThan(bounds[k].valFrom);
        expect(Math.min(...va)).toBeGreaterThanOrEqual(bounds[k].valFrom);
        expect(Math.max(...va)).toBeLessThan(Math.min(bounds[k].valTo, testStart));
        // exactly `purge` rows between the last train row and the boundary; `embargo` rows from the boundary to the first val row
        expect(all.filter((t) => t > Math.max(...tr) && t < bounds[k].valFrom)).toHaveLength(5);
        expect(all.filter((t) => t >= bounds[k].valFrom && t < Math.min(...va))).toHaveLength(2);
        expect(tr[0]).toBe(all[0]); // expanding: every fold trains from the first row
      }
      expect(s.train.frame.rows).toBeGreaterThan(previousTrain);
      previousTrain = s.train.frame.rows;
      // the scaler is the fold's own, fitted on its training part
      const F = s.featureNames.length, x = s.train.frame.features;
      const mean = x.filter((_, i) => i % F === 0).reduce((a, b) => a + b, 0) / s.train.frame.rows;
      expect(Math.abs(mean)).toBeLessThan(1e-4);
    }
  });

  it("sliding folds train on one block each; a one-file dataset's development rows stop a purge before test", async () => {
    const data = await load();
    const sliding = new WalkForward(data, WalkForwardConfig.parse({ folds: 3, window: "sliding", purge: 0 }));
    const dev = data.developmentFrame(config());
    const bounds = foldBounds(dev.time, { folds: 3, window: "sliding" });
    const second = sliding.fold(1).splits(config());
    expect(Math.min(...second.train.frame.time)).toBeGreaterThanOrEqual(bounds[1].trainFrom);
    expect(second.fingerprint.cv).toMatchObject({ purge: 0, window: "sliding" });

    // one file: every symbol's rows up to the test boundary, less the horizon's purge
    const whole = synthSplits({ symbols: 2, rows: 500, features: 3, seed: 2 });
    const one = await LoadedDataset.load({ file: memorySource("all.parquet", writeParquet(whole.train.columns)) }, {
      nan_policy: "error",
      labels: horizonLabels([5]),
    });
    const split = one.splits(config());
    const oneDev = one.developmentFrame(config());
    const testStart = Math.min(...split.test.frame.time);
    expect(Math.max(...oneDev.time)).toBeLessThan(testStart);
    expect(oneDev.rows).toBe(split.train.frame.rows + split.val.frame.rows + 2 * 5 /* the train-val purge, kept here */);
  });

  it("too many folds for the data, and a fold asked to score test, are errors that say so", async () => {
    const data = await load();
    expect(() => new WalkForward(data, WalkForwardConfig.parse({ folds: 50, embargo: 40 })).fold(0).splits(config())).toThrow(
      /fold 1\/50 (train|val)\) has no rows after purging 5 and an embargo of 40 row\(s\) per symbol: .* use fewer folds/,
    );
    const folds = new WalkForward(data, WalkForwardConfig.parse({ folds: 2 }));
    expect(() => folds.fold(2)).toThrow(/Fold 2 is out of range 0\.\.1/);
    const env = { store: new MemoryRunStore(), clock: Date, startBackend: tfjsBackend() };
    await expect(fitRun(folds.fold(0), { plugin: registry.get("logistic"), params: {}, dataset: { horizon: 5 }, trainer: { epochs: 1 } }, env)).rejects
      .toThrow(/no test split \(a cross-validation fold\)/);
    expect(await env.store.list()).toEqual([]); // refused before a run was created
  });

  it("joins frames per symbol in time order and refuses files that overlap in time", async () => {
    const data = await load();
    const { train, val } = data.splits(config({ standardize: false }));
    const joined = concatFrames([train.frame, val.frame], "both");
    expect(joined.rows).toBe(train.frame.rows + val.frame.rows);
    for (const times of timesBySymbol(joined).values()) expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(() => concatFrames([val.frame, train.frame], "backwards")).toThrow(/rows of train\.parquet start at or before the last row of val\.parquet/);
  });
});
