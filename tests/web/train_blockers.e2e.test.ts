import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, type Page } from "playwright";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { writeParquet } from "../../core/data/parquet_write.ts";
import { SYNTH_STRONG_SIGNAL, synthSplits } from "../../core/data/synth.ts";
import { launchChromium, recordErrors } from "./chromium.ts";
import { serveStatic } from "./static_server.ts";

// Train stays disabled, saying why, while the opened splits cannot be trained on: a horizon some split
// has no label column for, a validation file with other feature columns, NaN features under nan_policy
// "error". The horizon is picked from the label horizons the files hold.
const work = mkdtempSync(join(tmpdir(), "mf-web-blockers-"));
let browser: Browser;
let server: Awaited<ReturnType<typeof serveStatic>>;
let page: Page;
let errors: string[] = [];

/** Writes train/val/test into `dir`, val changed by `edit`. */
function writeSplits(dir: string, edit: (columns: ReturnType<typeof synthSplits>["val"]["columns"]) => ReturnType<typeof synthSplits>["val"]["columns"]) {
  const splits = synthSplits({ symbols: 2, rows: 400, features: 4, seed: 3, signal: SYNTH_STRONG_SIGNAL });
  mkdirSync(dir, { recursive: true });
  for (const split of ["train", "val", "test"] as const) {
    writeFileSync(join(dir, `${split}.parquet`), writeParquet(split === "val" ? edit(splits.val.columns) : splits[split].columns));
  }
  return ["train", "val", "test"].map((s) => join(dir, `${s}.parquet`));
}

beforeAll(async () => {
  server = await serveStatic(inject("webDist"));
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  errors = recordErrors(page);
  await page.goto(server.url);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  rmSync(work, { recursive: true, force: true });
});

const train = () => page.getByRole("button", { name: "Train logistic" });
const reasons = () => page.getByRole("list", { name: "Why Train is disabled" }).locator("li").allInnerTexts();
const horizon = () => page.getByLabel("horizon", { exact: true });

describe("Train with blocking data problems", () => {
  it("offers the label horizons found, and disables Train for a horizon the val file has no label column for", async () => {
    const files = writeSplits(join(work, "no-h20"), (columns) => columns.filter((c) => c.name !== "label_h20" && c.name !== "fwd_ret_h20"));
    await page.locator('input[type="file"]').setInputFiles(files);
    await expect.poll(() => horizon().locator("option").allInnerTexts(), { timeout: 30_000 }).toEqual(["5", "20"]);
    await expect.poll(() => train().isEnabled()).toBe(true);
    await horizon().selectOption("20");
    await expect.poll(() => train().isDisabled()).toBe(true);
    expect(await reasons()).toEqual(["val.parquet (val) has no label_h20 column; label columns there: label_h5"]);
    // the summary lists the same problem
    expect(await page.getByRole("list", { name: "Problems" }).innerText()).toContain("val.parquet has no label_h20 column");
    await horizon().selectOption("5");
    await expect.poll(() => train().isEnabled()).toBe(true);
    expect(await page.getByRole("list", { name: "Why Train is disabled" }).count()).toBe(0);
  });

  it("disables Train for a validation file with different feature columns", async () => {
    const files = writeSplits(join(work, "no-f_001"), (columns) => columns.filter((c) => c.name !== "f_001"));
    await page.locator('input[type="file"]').setInputFiles(files);
    await expect.poll(reasons, { timeout: 30_000 }).toEqual(["val.parquet (val) has different feature columns from train.parquet (train): lacks f_001"]);
    expect(await train().isDisabled()).toBe(true);
  });

  it("disables Train for NaN features while nan_policy is error, and enables it with ffill", async () => {
    const files = writeSplits(
      join(work, "nan"),
      (columns) => columns.map((c) => c.name === "f_002" ? { ...c, data: Float32Array.from(c.data as Float32Array, (v, i) => (i === 7 ? NaN : v)) } : c),
    );
    await page.locator('input[type="file"]').setInputFiles(files);
    await expect.poll(reasons, { timeout: 30_000 }).toEqual([
      "val.parquet (val) has NaN or infinite values in 1 feature column(s) (f_002); set nan_policy to ffill or drop",
    ]);
    expect(await train().isDisabled()).toBe(true);
    await page.getByLabel("nan_policy", { exact: true }).selectOption("ffill");
    await expect.poll(() => train().isEnabled()).toBe(true);
    expect(errors).toEqual([]);
  });
});
