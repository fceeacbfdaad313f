import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { writeParquet } from "../../core/data/parquet_write.ts";
import { synthBars } from "../../core/data/synth_bars.ts";
import { lastLine, mf, readRows, show } from "../cli/helpers.ts";
import { launchChromium, recordErrors } from "./chromium.ts";
import { serveStatic } from "./static_server.ts";

// Raw bars to a model in the tab: raw OHLCV bars are recognised, prepared in the page with settings changed in its
// forms, GBDT and an MLP are trained on the prepared splits, and with the network off the Predict page scores the raw
// bars through each run's prepare.json. Everything must equal mf prepare + mf train + mf predict --raw on the same file.
const work = mkdtempSync(join(tmpdir(), "mf-web-prepare-"));
const bars = join(work, "bars.parquet");
/** The prepare settings changed in the page's forms, as a config file for mf prepare. */
const PREPARE = { labels: { horizons: [5, 12] }, split: { embargo: 6 } };
const SEED = 3;
const MODELS = {
  gbdt: { model: "trees:gbdt", params: {}, dataset: { horizon: 5 }, trainer: { epochs: 40, seed: SEED, backend: "wasm" } },
  mlp: { model: "neural:mlp", params: { hidden: [32, 16] }, dataset: { horizon: 5 }, trainer: { epochs: 3, seed: SEED, backend: "wasm" } },
} as const;
let browser: Browser;
let server: Awaited<ReturnType<typeof serveStatic>>;
let page: Page;
let errors: string[] = [];
const runs: Record<string, string> = {};
let cliPrepared: { rows: Record<string, number> };

beforeAll(async () => {
  writeFileSync(bars, writeParquet(synthBars({ symbols: 2, rows: 3000, seed: 7 })));
  writeFileSync(join(work, "prepare.config.json"), JSON.stringify(PREPARE));
  server = await serveStatic(inject("webDist"));
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  errors = recordErrors(page);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  rmSync(work, { recursive: true, force: true });
});

/** Saves what the page downloads when `button` is clicked, and returns the path. */
async function download(name: string, path: string): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name, exact: true }).click()]);
  await file.saveAs(path);
  return path;
}

/** Trains `which` in the page with the same settings as MODELS[which], and returns its run id. */
async function trainInPage(which: keyof typeof MODELS): Promise<string> {
  const spec = MODELS[which];
  await page.getByLabel("Model", { exact: true }).selectOption(spec.model);
  if (which === "mlp") {
    await expect.poll(() => page.getByLabel("hidden", { exact: true }).inputValue()).toBe("128, 64");
    await page.getByLabel("hidden", { exact: true }).fill("32, 16");
  }
  await page.getByLabel("epochs", { exact: true }).fill(String(spec.trainer.epochs));
  await page.getByLabel("seed", { exact: true }).fill(String(SEED));
  await page.getByLabel("backend", { exact: true }).selectOption("wasm");
  await expect.poll(() => page.getByLabel("horizon", { exact: true }).inputValue()).toBe("5");
  await page.getByRole("button", { name: `Train ${which}` }).click();
  const status = page.locator("mf-training").getByTestId("train-status");
  await expect.poll(() => status.innerText(), { timeout: 300_000 }).toMatch(/^run \S+ .*finished/);
  return (await status.getByRole("link").innerText()).trim();
}

describe("raw bars to a model in the tab", () => {
  it("recognises raw bars opened as prepared data and offers the raw layout", async () => {
    await page.goto(server.url);
    await page.getByLabel("one file, split by time here").check();
    await page.getByTestId("files").setInputFiles(bars);
    await expect.poll(() => page.getByTestId("raw-offer").innerText(), { timeout: 60_000 }).toMatch(/^bars\.parquet looks like raw OHLCV bars/);
    expect(await page.getByRole("button", { name: /^Train/ }).isDisabled()).toBe(true);
    await page.getByRole("button", { name: "Prepare these bars" }).click();
    await expect.poll(() => page.getByLabel("raw OHLCV bars, prepared here").isChecked()).toBe(true);
    await expect.poll(() => page.getByText("Prepare bars.parquet").isVisible()).toBe(true);
  });

  it("prepares the bars in a worker with settings changed in the forms: the summary and prepare.json equal mf prepare's", async () => {
    await page.getByLabel("horizons", { exact: true }).fill("5, 12");
    await page.getByLabel("embargo", { exact: true }).fill("6");
    await page.getByRole("button", { name: "Prepare", exact: true }).click();
    await expect.poll(() => page.getByTestId("prepared").innerText(), { timeout: 120_000 }).toMatch(/^Prepared 6,000 bars of 2 symbols/);
    const cli = await mf(["prepare", "--input", bars, "--out", join(work, "cli-prepared"), "--config", join(work, "prepare.config.json"), "--json"]);
    expect(cli.code, show(cli)).toBe(0);
    cliPrepared = JSON.parse(lastLine(cli.stdout));
    const table = await page.getByRole("table", { name: "Prepared splits" }).locator("tbody tr").allInnerTexts();
    expect(table.map((row) => row.split("\t").slice(0, 2))).toEqual(
      ["train", "val", "test"].map((s) => [s, cliPrepared.rows[s].toLocaleString("en-US")]),
    );
    expect(table[0]).toMatch(/labels h5|short \d/);
    const recipe = JSON.parse(readFileSync(await download("Download prepare.json", join(work, "web-prepare.json")), "utf8"));
    const expected = JSON.parse(readFileSync(join(work, "cli-prepared", "prepare.json"), "utf8"));
    // the CLI names the file by the path it was given, the page by the file's name
    expect(recipe.source.file).toBe("bars.parquet");
    expect({ ...recipe, source: { ...recipe.source, file: "" } }).toEqual({ ...expected, source: { ...expected.source, file: "" } });
    expect(recipe.config.labels.horizons).toEqual([5, 12]);
    expect(recipe.config.split.embargo).toBe(6);
    // the prepared splits are the CLI's files byte for byte
    const train = readFileSync(await download("Download train.parquet", join(work, "web-train.parquet")));
    expect(train.equals(readFileSync(join(work, "cli-prepared", "train.parquet")))).toBe(true);
    // and they are open for training: the split summary lists them, the horizons are the prepared ones
    const splits = page.getByRole("table", { name: "Splits", exact: true });
    await expect.poll(() => splits.locator("tbody tr").count(), { timeout: 60_000 }).toBe(3);
    expect(await page.getByLabel("horizon", { exact: true }).locator("option").allInnerTexts()).toEqual(["5", "12"]);
    if (process.env.MF_SHOTS) await page.screenshot({ path: join(process.env.MF_SHOTS, "prepared.png"), fullPage: true });
  }, 300_000);

  it("trains GBDT and an MLP on the prepared splits in the page", async () => {
    runs.gbdt = await trainInPage("gbdt");
    runs.mlp = await trainInPage("mlp");
    expect(runs.gbdt).toMatch(/-gbdt-h5-/);
    expect(runs.mlp).toMatch(/-mlp-h5-/);
    // a reload keeps the raw layout and the prepare settings (the bars must be picked again: a page cannot reopen files)
    await page.reload();
    await expect.poll(() => page.getByLabel("raw OHLCV bars, prepared here").isChecked(), { timeout: 30_000 }).toBe(true);
    await expect.poll(() => page.getByLabel("horizons", { exact: true }).inputValue()).toBe("5, 12");
    expect(await page.getByLabel("embargo", { exact: true }).inputValue()).toBe("6");
    expect(await page.getByTestId("pick-again").innerText()).toContain("bars.parquet");
  }, 600_000);

  it("with the network off, scores the raw bars through each run's prepare.json: equal to mf prepare + mf train + mf predict --raw", async () => {
    await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null), { timeout: 60_000 }).toBe(true);
    await page.context().setOffline(true);
    await server.close();
    for (const which of ["gbdt", "mlp"] as const) {
      await page.goto(`${server.url}#/predict?run=${encodeURIComponent(runs[which])}`);
      await page.reload();
      await expect.poll(() => page.getByLabel("Model from run").inputValue(), { timeout: 30_000 }).toBe(runs[which]);
      const predict = page.locator("mf-predict-page");
      const raw = predict.getByLabel("raw OHLCV bars", { exact: true });
      await expect.poll(() => raw.isEnabled(), { timeout: 30_000 }).toBe(true);
      await raw.check();
      await predict.getByLabel("Parquet file").setInputFiles(bars);
      await predict.getByRole("button", { name: "Predict" }).click();
      await expect.poll(() => page.getByTestId("predicted").innerText(), { timeout: 120_000 }).toMatch(/rows scored by run/);
      await download("Download Parquet", join(work, `web-${which}.parquet`));
    }
    expect(errors).toEqual([]);

    const dir = join(work, "cli-prepared");
    for (const which of ["gbdt", "mlp"] as const) {
      const config = join(work, `${which}.json`);
      writeFileSync(config, JSON.stringify(MODELS[which]));
      const trained = await mf(["train", "--config", config, "--data", dir, "--out", join(work, "cli-runs"), "--json"]);
      expect(trained.code, show(trained)).toBe(0);
      const run = JSON.parse(lastLine(trained.stdout));
      const out = join(work, `cli-${which}.parquet`);
      const predicted = await mf(["predict", "--run", run.run_dir, "--input", bars, "--raw", "--out", out, "--json"]);
      expect(predicted.code, show(predicted)).toBe(0);
      const [web, cli] = [await readRows(join(work, `web-${which}.parquet`)), await readRows(out)];
      expect(web.length).toBe(cli.length);
      expect(web.length).toBeGreaterThan(5000);
      let worst = 0;
      for (let i = 0; i < cli.length; i++) {
        expect([web[i].symbol, web[i].datetime, web[i].horizon]).toEqual([cli[i].symbol, cli[i].datetime, cli[i].horizon]);
        for (const c of ["prob_short", "prob_neutral", "prob_long"]) worst = Math.max(worst, Math.abs(Number(web[i][c]) - Number(cli[i][c])));
      }
      console.log(`${which}: ${cli.length} raw-bar predictions, largest difference page vs CLI ${worst}`);
      // trees: the same splits, the same sums, exactly; the MLP on wasm: to float32 rounding
      if (which === "gbdt") expect(web).toEqual(cli);
      else expect(worst).toBeLessThan(1e-5);
    }
  }, 600_000);
});
