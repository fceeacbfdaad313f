/// <reference types="node" />
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { WriteColumn } from "../../core/data/parquet_write.ts";
import { TimeSplitConfig } from "../../core/config/dataset.ts";
import { readTimeIndex } from "../../core/data/time_index.ts";
import { summarizeTimeSplit } from "../../core/data/time_split_summary.ts";
import { memorySource } from "../helpers.ts";
import { errorMessage, lastLine, mf, quick, readRows, runJson, show, tempDir, tinySplits, writeSplits, writeTable } from "./helpers.ts";

const { dir, cleanup } = tempDir("time-split");
afterAll(cleanup);

/** The tiny synthetic splits as one file (2 symbols x 800 bars from 2024-01-01, 5-minute bars). */
const splits = tinySplits();
const oneFile = writeTable(
  join(dir, "bars.parquet"),
  splits.train.columns.map((c, j): WriteColumn => ({
    ...c,
    data: [splits.train, splits.val, splits.test].flatMap((s) => Array.from(s.columns[j].data)) as WriteColumn["data"],
  })),
);
const VAL = "2024-01-02T12:00:00Z", TEST = "2024-01-03T03:00:00Z";

describe("mf train on one file cut by time", () => {
  it("trains with --split, records the split in run.json, and cuts as the page does (same rows per split)", async () => {
    const runs = join(dir, "runs");
    const r = await mf(["train", "--data", oneFile, "--split", `${VAL},${TEST}`, "--model", "logistic", "--json", ...quick(runs)]);
    expect(r.code, show(r)).toBe(0);
    const summary = JSON.parse(lastLine(r.stdout));
    const record = runJson(summary.run_dir);
    expect(record.config.dataset.split).toEqual({ dates: [VAL, TEST], fractions: [0.7, 0.15, 0.15], embargo: 0 });
    // the page computes its per-split rows from the same file with summarizeTimeSplit
    const index = await readTimeIndex(memorySource(oneFile, readFileSync(oneFile)));
    const page = summarizeTimeSplit(index, TimeSplitConfig.parse({ dates: [VAL, TEST] }), { purge: 5 });
    const rows = { train: page.counts.train, val: page.counts.val, test: page.counts.test };
    expect(record.dataset.split).toEqual({
      file: oneFile,
      val_start: "2024-01-02T12:00:00.000Z",
      test_start: "2024-01-03T03:00:00.000Z",
      purge: 5,
      embargo: 0,
      rows,
      dropped: page.counts.dropped,
    });
    expect(summary.split).toEqual(record.dataset.split);
    // 2 symbols, 5 rows purged before each of the 2 boundaries
    expect(page.counts.dropped).toBe(2 * 2 * 5);
    for (const s of ["train", "val", "test"] as const) expect(record.dataset.files[s]).toMatchObject({ name: oneFile, rows: rows[s] });
    const val = (await readRows(join(summary.run_dir, "predictions", "val.parquet"))).map((row) => (row.datetime as Date).getTime());
    const test = (await readRows(join(summary.run_dir, "predictions", "test.parquet"))).map((row) => (row.datetime as Date).getTime());
    expect(Math.min(...val)).toBeGreaterThanOrEqual(Date.parse(VAL));
    // val's last 5 bars before test starts are purged
    expect(Math.max(...val)).toBe(Date.parse(TEST) - 6 * 5 * 60_000);
    expect(Math.min(...test)).toBeGreaterThanOrEqual(Date.parse(TEST));
  });

  it("defaults to 70/15/15 of the time range and prints the split", async () => {
    const r = await mf(["train", "--data", oneFile, "--model", "logistic", "--purge", "8", "--embargo", "2", ...quick(join(dir, "runs-default"))]);
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout).toMatch(
      /split .*bars\.parquet at 2024-01-02T2\d:\d\d:\d\d\.\d{3}Z and 2024-01-03T0\d:\d\d:\d\d\.\d{3}Z: \d+ train, \d+ val, \d+ test rows \(purge 8, embargo 2\)/,
    );
  });

  it("rejects boundaries out of order or outside the data, naming the value", async () => {
    const swapped = await mf(["train", "--data", oneFile, "--split", `${TEST},${VAL}`, "--model", "logistic", ...quick(join(dir, "runs-bad"))]);
    expect(swapped.code, show(swapped)).toBe(1);
    expect(errorMessage(swapped.stderr)).toBe(`error: dataset.split.dates must be increasing: validation starts at "${TEST}" but test starts at "${VAL}"`);
    const late = await mf(["train", "--data", oneFile, "--split", `${VAL},2024-02-01`, "--model", "logistic", ...quick(join(dir, "runs-bad"))]);
    expect(errorMessage(late.stderr)).toMatch(
      /^error: dataset\.split\.dates\[1\] "2024-02-01" \(test start\) leaves test without rows: it must be at or before the last bar; .*bars\.parquet spans 2024-01-01T00:00:00\.000Z to 2024-01-03T18:35:00\.000Z$/,
    );
  });

  it("refuses --split with a directory of split files", async () => {
    const data = join(dir, "splits");
    mkdirSync(data);
    writeSplits(data, splits);
    const r = await mf(["train", "--data", data, "--split", `${VAL},${TEST}`, "--model", "logistic", ...quick(join(dir, "runs-bad"))]);
    expect(errorMessage(r.stderr)).toBe("error: mf train: --split cuts one data file by time; give --data FILE.parquet (split files are already cut)");
  });
});
