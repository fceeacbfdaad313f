import { describe, expect, it } from "vitest";
import { writeParquet } from "../../../core/data/parquet_write.ts";
import { synthBars } from "../../../core/data/synth_bars.ts";
import type { ProgressEvent } from "../../../core/platform.ts";
import { readBars } from "../../../core/prepare/bars.ts";
import { PrepareConfig } from "../../../core/prepare/config.ts";
import { prepareBars } from "../../../core/prepare/prepare.ts";
import { runPrepareJob } from "../../../web/worker/prepare_job.ts";
import { memorySource } from "../../helpers.ts";

const bytes = writeParquet(synthBars({ symbols: 2, rows: 1500, seed: 2 }));
const settings = { labels: { horizons: [3, 9] }, split: { embargo: 4 } };

describe("runPrepareJob", () => {
  it("writes the three splits and prepare.json as mf prepare does, reporting each phase", async () => {
    const events: ProgressEvent[] = [];
    const done = await runPrepareJob(new File([bytes as BlobPart], "bars.parquet"), settings, (e) => events.push(e));
    const config = PrepareConfig.parse(settings);
    const expected = prepareBars(await readBars(memorySource("bars.parquet", bytes), config), config);
    for (const split of ["train", "val", "test"] as const) expect(done.files[split]).toEqual(writeParquet(expected.tables[split].columns));
    expect(new TextDecoder().decode(done.recipe)).toBe(JSON.stringify(expected.manifest, null, 2) + "\n");
    expect(done.manifest.config.labels.horizons).toEqual([3, 9]);
    expect(events.map((e) => e.kind === "phase" && e.phase)).toEqual(["reading bars", "computing features and labels", "writing", "writing", "writing"]);
  });

  it("refuses invalid settings, naming the key, before reading anything", async () => {
    const error = await runPrepareJob(new File([bytes as BlobPart], "bars.parquet"), { labels: { horizons: [] } }, () => undefined).catch((e) => e);
    expect(error.message).toMatch(/labels\.horizons/);
  });
});
