import { describe, expect, it } from "vitest";
import { readFrame } from "../../core/data/read_frame.ts";
import { writeParquet } from "../../core/data/parquet_write.ts";
import { synthBars } from "../../core/data/synth_bars.ts";
import { NotFoundError } from "../../core/errors.ts";
import { MemoryRunStore } from "../../core/memory_store.ts";
import { hasPrepareRecipe, rawBarsFrame } from "../../core/predict_raw.ts";
import { readBars } from "../../core/prepare/bars.ts";
import { PrepareConfig } from "../../core/prepare/config.ts";
import { prepareBars } from "../../core/prepare/prepare.ts";
import { memorySource, parquetSource } from "../helpers.ts";

const config = PrepareConfig.parse({ labels: { horizons: [4] }, split: { embargo: 3 } });
const bars = synthBars({ symbols: 2, rows: 1200, seed: 4 });

describe("rawBarsFrame", () => {
  it("turns raw bars into exactly the features training saw, through the run's prepare.json", async () => {
    const { tables, manifest } = prepareBars(await readBars(parquetSource("bars.parquet", bars), config), config);
    const store = new MemoryRunStore();
    await store.write("r1", "run.json", "{}");
    await store.write("r1", "prepare.json", JSON.stringify(manifest));
    expect(await hasPrepareRecipe(store, "r1")).toBe(true);

    const frame = await rawBarsFrame(store, "r1", parquetSource("new.parquet", bars));
    const test = await readFrame(memorySource("test.parquet", writeParquet(tables.test.columns)), { labelColumn: "label_h4", requireLabel: true });
    expect(frame.featureNames).toEqual(test.featureNames);
    const F = frame.featureNames.length;
    const rowOf = new Map(Array.from(frame.time, (t, r) => [`${frame.symbol[r]}@${t}`, r]));
    for (const r of [0, 7, test.rows - 1]) {
      const at = rowOf.get(`${test.symbol[r]}@${test.time[r]}`)!;
      expect(at, `test row ${r}`).toBeDefined();
      expect(frame.features.subarray(at * F, at * F + F)).toEqual(test.features.subarray(r * F, r * F + F));
    }
  });

  it("refuses a run without prepare.json, saying why", async () => {
    const store = new MemoryRunStore();
    await store.write("plain", "run.json", "{}");
    expect(await hasPrepareRecipe(store, "plain")).toBe(false);
    const error = await rawBarsFrame(store, "plain", parquetSource("bars.parquet", bars)).catch((e) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toMatch(/^Run plain has no prepare.json: it was not trained on splits made by mf prepare/);
  });
});
