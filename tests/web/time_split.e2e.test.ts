import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parquetReadObjects } from "hyparquet";
import { type Browser, type Page } from "playwright";
import { launchChromium, recordErrors } from "./chromium.ts";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { TimeSplitConfig } from "../../core/config/dataset.ts";
import { type WriteColumn, writeParquet } from "../../core/data/parquet_write.ts";
import { SYNTH_STRONG_SIGNAL, synthSplits } from "../../core/data/synth.ts";
import { readTimeIndex } from "../../core/data/time_index.ts";
import { summarizeTimeSplit } from "../../core/data/time_split_summary.ts";
import { memorySource } from "../helpers.ts";
import { serveStatic } from "./static_server.ts";
import { storedRunFiles, storedRunJson } from "./stored_runs.ts";

// One Parquet file opened in the built app, cut by time in the page: the rows each split gets,
// bad boundaries refused with their value named, then a logistic run that records the split.
const root = new URL("../..", import.meta.url).pathname;
const shots = join(root, "tests/web/screenshots");
const work = mkdtempSync(join(tmpdir(), "mf-web-split-"));
const file = join(work, "bars.parquet");
const BAR = 5 * 60_000;
let browser: Browser;
let server: Awaited<ReturnType<typeof serveStatic>>;
let page: Page;
let errors: string[] = [];

/** The rows per split the page should show, counted in Node by core (the code training runs). */
async function expectedRows(dates: [string, string], purge = 5, embargo = 0): Promise<string> {
  const index = await readTimeIndex(memorySource("bars.parquet", readFileSync(file)));
  const { counts } = summarizeTimeSplit(index, TimeSplitConfig.parse({ dates, purge, embargo }), { purge: 5 });
  const n = (x: number) => x.toLocaleString("en-US");
  return `train ${n(counts.train)} rows · val ${n(counts.val)} · test ${n(counts.test)} · ${
    n(counts.dropped)
  } dropped (per symbol, ${purge} before and ${embargo} after each boundary, so no label looks across one)`;
}

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  // the tiny synthetic splits glued into one file: 2 symbols x 800 five-minute bars from 2024-01-01
  const splits = synthSplits({ symbols: 2, rows: 800, features: 8, seed: 11, signal: SYNTH_STRONG_SIGNAL });
  writeFileSync(
    file,
    writeParquet(splits.train.columns.map((c, j): WriteColumn => ({
      ...c,
      data: [splits.train, splits.val, splits.test].flatMap((s) => Array.from(s.columns[j].data)) as WriteColumn["data"],
    }))),
  );
  server = await serveStatic(inject("webDist"));
  browser = await launchChromium({ webgpu: true });
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  errors = recordErrors(page);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  rmSync(work, { recursive: true, force: true });
});

describe("one file split by time in the page", () => {
  const rows = () => page.getByTestId("split-rows").innerText();
  const valStart = () => page.getByLabel("Validation starts (train ends before it)");
  const testStart = () => page.getByLabel("Test starts (validation ends before it)");
  const trainButton = () => page.getByRole("button", { name: "Train logistic" });

  it("opens one file and shows the rows each split gets at 70/15/15, then at the chosen boundaries", async () => {
    await page.goto(server.url);
    await page.getByLabel("one file, split by time here").check();
    await page.locator('input[type="file"]').setInputFiles(file);
    // 70/15/15 of 2024-01-01 00:00 .. 2024-01-03 18:35, floored to the minute
    await expect.poll(() => valStart().inputValue(), { timeout: 30_000 }).toBe("2024-01-02T22:36");
    expect(await testStart().inputValue()).toBe("2024-01-03T08:35");
    await expect.poll(rows).toBe(await expectedRows(["2024-01-02T22:36:00Z", "2024-01-03T08:35:00Z"]));
    await valStart().fill("2024-01-02T12:00");
    await testStart().fill("2024-01-03T03:00");
    await expect.poll(rows).toBe(await expectedRows(["2024-01-02T12:00:00Z", "2024-01-03T03:00:00Z"]));
    const splits = page.getByRole("table", { name: "Splits" });
    expect(await splits.locator("tbody tr").allInnerTexts()).toEqual([
      expect.stringMatching(/^train\tbars\.parquet \(train part\)\t\d{3}\t2\t2024-01-01 00:00\t2024-01-02 11:30\t8$/),
      // val starts at the boundary; its last 5 bars before test are purged
      expect.stringMatching(/^val\tbars\.parquet \(val part\)\t\d{3}\t2\t2024-01-02 12:00\t2024-01-03 02:30\t8$/),
      expect.stringMatching(/^test\tbars\.parquet \(test part\)\t\d{3}\t2\t2024-01-03 03:00\t2024-01-03 18:35\t8$/),
    ]);
    await page.getByLabel("Embargo: rows dropped after each boundary").fill("3");
    await expect.poll(rows).toBe(await expectedRows(["2024-01-02T12:00:00Z", "2024-01-03T03:00:00Z"], 5, 3));
    await page.getByLabel("Embargo: rows dropped after each boundary").fill("0");
    await page.screenshot({ path: join(shots, "9-time-split.png"), fullPage: true });
  });

  it("refuses boundaries out of order, outside the data or leaving a split empty, naming the value", async () => {
    const problem = () => page.getByTestId("split-error").innerText();
    await testStart().fill("2024-01-02T00:00");
    await expect.poll(problem).toBe(
      'dataset.split.dates must be increasing: validation starts at "2024-01-02T12:00:00.000Z" but test starts at "2024-01-02T00:00:00.000Z"',
    );
    expect(await trainButton().isDisabled()).toBe(true);
    await testStart().fill("2024-01-05T00:00");
    await expect.poll(problem).toBe(
      'dataset.split.dates[1] "2024-01-05T00:00:00.000Z" (test start) leaves test without rows: it must be at or before the last bar; bars.parquet spans 2024-01-01T00:00:00.000Z to 2024-01-03T18:35:00.000Z',
    );
    await testStart().fill("2024-01-03T03:00");
    await page.getByLabel("Purge: rows dropped before each boundary").fill("200");
    await expect.poll(problem).toBe(
      "bars.parquet: the val split (from 2024-01-02T12:00:00.000Z to 2024-01-03T03:00:00.000Z) has no rows left after purging 200 row(s) before each boundary and an embargo of 0; move the boundaries apart",
    );
    expect(await trainButton().isDisabled()).toBe(true);
    await page.getByLabel("Purge: rows dropped before each boundary").fill("");
    await expect.poll(rows).toBe(await expectedRows(["2024-01-02T12:00:00Z", "2024-01-03T03:00:00Z"]));
  });

  it("trains the logistic model on the chosen split; the run records the boundaries and purge, and predicts only inside each split", async () => {
    await page.getByLabel("epochs", { exact: true }).fill("3");
    await page.getByLabel("backend", { exact: true }).selectOption("cpu");
    await trainButton().click();
    const outcome = page.locator("mf-training").getByText(/run .+ finished/);
    await expect.poll(() => outcome.isVisible(), { timeout: 120_000 }).toBe(true);
    const runId = (await page.locator("mf-training").getByRole("link").innerText()).trim();
    const record = await storedRunJson(page, runId);
    expect(record.config.dataset.split).toEqual({ dates: ["2024-01-02T12:00:00.000Z", "2024-01-03T03:00:00.000Z"], fractions: [0.7, 0.15, 0.15], embargo: 0 });
    const index = await readTimeIndex(memorySource("bars.parquet", readFileSync(file)));
    const { counts } = summarizeTimeSplit(index, TimeSplitConfig.parse({ dates: ["2024-01-02T12:00:00Z", "2024-01-03T03:00:00Z"] }), { purge: 5 });
    expect(record.dataset.split).toEqual({
      file: "bars.parquet",
      val_start: "2024-01-02T12:00:00.000Z",
      test_start: "2024-01-03T03:00:00.000Z",
      purge: 5,
      embargo: 0,
      rows: { train: counts.train, val: counts.val, test: counts.test },
      dropped: counts.dropped,
    });
    const stored = await storedRunFiles(page, runId);
    const times = async (path: string) => (await parquetReadObjects({ file: stored[path].slice().buffer })).map((r) => (r.datetime as Date).getTime());
    const val = await times("predictions/val.parquet"), test = await times("predictions/test.parquet");
    // logistic reads one row (window 1): val predictions start at the boundary and end before test's purge
    expect(Math.min(...val)).toBe(Date.parse("2024-01-02T12:00:00Z"));
    expect(Math.max(...val)).toBe(Date.parse("2024-01-03T03:00:00Z") - 6 * BAR);
    expect(Math.min(...test)).toBeGreaterThanOrEqual(Date.parse("2024-01-03T03:00:00Z"));
    expect(errors).toEqual([]);
  });
});
