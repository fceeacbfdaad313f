import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, type Page } from "playwright";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { writeParquet } from "../../core/data/parquet_write.ts";
import { SYNTH_STRONG_SIGNAL, synthSplits } from "../../core/data/synth.ts";
import { readRows } from "../cli/helpers.ts";
import { launchChromium, recordErrors } from "./chromium.ts";
import { serveStatic } from "./static_server.ts";
import { storedRunFiles } from "./stored_runs.ts";

// The model registry in the built app, in headless Chromium: train a run, register it from its page, point
// `champion` at it on the Registry page, download a viewer page that carries the registry and read it from
// file://, delete the run, then with the network off predict a file by e2e-model@champion and get the run's
// own test predictions.
const root = new URL("../..", import.meta.url).pathname;
const shots = join(root, "tests/web/screenshots");
const work = mkdtempSync(join(tmpdir(), "mf-web-registry-"));
const NAME = "e2e-model";
let browser: Browser;
let server: Awaited<ReturnType<typeof serveStatic>>;
let page: Page;
let errors: string[] = [];
let runId = "";
/** The run's own test predictions, read from IndexedDB before the run is deleted. */
let reference: Record<string, unknown>[] = [];

beforeAll(async () => {
  const splits = synthSplits({ symbols: 2, rows: 800, features: 8, seed: 11, signal: SYNTH_STRONG_SIGNAL });
  for (const split of ["train", "val", "test"] as const) writeFileSync(join(work, `${split}.parquet`), writeParquet(splits[split].columns));
  // a file whose columns do not match the signature: the worker names the first mismatch before loading the model
  writeFileSync(join(work, "no-f_002.parquet"), writeParquet(splits.test.columns.filter((c) => c.name !== "f_002")));
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

const key = (row: Record<string, unknown>) => `${row.symbol}|${(row.datetime as Date).getTime()}`;

describe("the model registry in the browser", () => {
  it("registers a run trained in the app from its page, as version 1 of a new model", async () => {
    await page.goto(server.url);
    await page.locator('input[type="file"]').setInputFiles(["train", "val", "test"].map((s) => join(work, `${s}.parquet`)));
    await expect.poll(() => page.getByRole("table", { name: "Splits" }).locator("tbody tr").count(), { timeout: 30_000 }).toBe(3);
    await page.getByLabel("epochs", { exact: true }).fill("3");
    await page.getByRole("button", { name: "Train logistic" }).click();
    await expect.poll(() => page.locator("mf-training").getByText(/run .+ finished/).isVisible(), { timeout: 150_000 }).toBe(true);

    await page.goto(`${server.url}#/runs`);
    const runs = page.getByRole("table", { name: "Runs" });
    await expect.poll(() => runs.locator("tbody tr").count(), { timeout: 30_000 }).toBe(1);
    runId = (await runs.getByRole("link").first().innerText()).trim();
    reference = await readRows(await storedFile(page, runId, "predictions/test.parquet"));
    expect(reference.length).toBeGreaterThan(100);
    await runs.getByRole("link").first().click();
    await page.getByRole("button", { name: "Register as a model version" }).click();
    expect(await page.getByLabel("Model name").inputValue()).toBe("logistic-h5");
    await page.getByLabel("Model name").fill(NAME);
    await page.getByLabel("Description (optional)").fill("logistic at H5, trained in the browser");
    await page.getByRole("button", { name: "Register", exact: true }).click();
    await expect.poll(() => page.getByTestId("registered").innerText(), { timeout: 30_000 }).toBe(`Registered as ${NAME} version 1.`);
  });

  it("sets champion on the Registry page, where the version shows its metrics, lineage and the alias history", async () => {
    await page.getByTestId("registered").getByRole("link", { name: NAME }).click();
    await expect.poll(() => page.url()).toBe(`${server.url}#/registry/${NAME}`);
    const versions = page.getByRole("table", { name: "Versions" });
    await expect.poll(() => versions.locator("tbody tr").count(), { timeout: 30_000 }).toBe(1);
    expect(await versions.locator("tbody tr").innerText()).toMatch(
      new RegExp(
        `^1\\t\\t\\S+\\t${runId}\\tlinear:logistic\\t—\\t0\\.\\d{3}\\t-?\\d+\\.\\d{2}\\t0\\.\\d{3}\\t-?\\d+\\.\\d{2}\\tH5 · window \\d+ · 8 features$`,
      ),
    );
    // the source run is in this browser: its id links to its page
    expect(await versions.getByRole("link", { name: runId }).getAttribute("href")).toBe(`#/runs/${runId}`);
    await page.getByLabel("Alias", { exact: true }).fill("champion");
    await page.getByLabel("Version", { exact: true }).first().selectOption("1");
    await page.getByLabel("Note", { exact: true }).fill("first model");
    await page.getByRole("button", { name: "Set alias" }).click();
    await expect.poll(() => page.getByTestId("registry-message").innerText(), { timeout: 30_000 }).toBe(`${NAME}@champion now points at version 1.`);
    await expect.poll(() => page.getByRole("table", { name: "Aliases" }).locator("tbody tr").allInnerTexts()).toEqual([
      `champion\t1\t${NAME}@champion\tRemove`,
    ]);
    expect(await page.getByRole("table", { name: "Alias history" }).locator("tbody tr").allInnerTexts()).toEqual([
      expect.stringMatching(/^champion\t—\t1\t\S+\tfirst model$/),
    ]);
    await page.screenshot({ path: join(shots, "14-registry.png"), fullPage: true });
    await page.getByRole("link", { name: "Registry", exact: true }).click();
    await expect.poll(() => page.getByRole("table", { name: "Registered models" }).locator("tbody tr").allInnerTexts(), { timeout: 30_000 }).toEqual([
      expect.stringMatching(new RegExp(`^${NAME}\\tlogistic at H5, trained in the browser\\t1\\tchampion → 1\\t`)),
    ]);
  });

  it("downloads a viewer page that carries the registry, which shows the model, its version and champion from file://", async () => {
    await page.goto(`${server.url}#/runs`);
    const runs = page.getByRole("table", { name: "Runs" });
    await expect.poll(() => runs.locator("tbody tr").count(), { timeout: 30_000 }).toBe(1);
    await runs.getByRole("checkbox").first().check();
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download selected (1) as a viewer page" }).click()]);
    const file = join(work, "registry-viewer.html");
    await download.saveAs(file);

    const viewer = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const viewerErrors = recordErrors(viewer);
    await viewer.goto(`file://${file}#/registry`);
    await expect.poll(() => viewer.getByRole("link", { name: "Registry (1)" }).isVisible(), { timeout: 30_000 }).toBe(true);
    expect(await viewer.getByRole("table", { name: "Registered models" }).locator("tbody tr").allInnerTexts()).toEqual([
      expect.stringMatching(new RegExp(`^${NAME}\\t.*\\t1\\tchampion → 1\\t`)),
    ]);
    await viewer.getByRole("link", { name: NAME }).click();
    const versions = viewer.getByRole("table", { name: "Versions" });
    await expect.poll(() => versions.locator("tbody tr").count(), { timeout: 30_000 }).toBe(1);
    expect(await versions.locator("tbody tr").innerText()).toMatch(new RegExp(`^1\\tchampion\\t\\S+\\t${runId}\\tlinear:logistic\\t`));
    expect(await viewer.getByRole("table", { name: "Aliases" }).locator("tbody tr").allInnerTexts()).toEqual([`champion\t1\t${NAME}@champion`]);
    // read-only: nothing to change, and the source run (in the bundle too) opens the viewer's run page, without Register
    expect(await viewer.getByRole("button").count()).toBe(0);
    await viewer.screenshot({ path: join(shots, "viewer-6-registry.png"), fullPage: true });
    await versions.getByRole("link", { name: runId }).click();
    await expect.poll(() => viewer.getByRole("table", { name: "Confusion matrix, test" }).isVisible(), { timeout: 30_000 }).toBe(true);
    expect(await viewer.getByRole("button", { name: /Register/ }).count()).toBe(0);
    expect(viewerErrors).toEqual([]);
    await viewer.close();
  });

  it("predicts by e2e-model@champion with the network off, after the run is deleted, equal to the run's own test predictions", async () => {
    page.once("dialog", (dialog) => dialog.accept());
    await page.goto(`${server.url}#/runs/${runId}`);
    await page.getByRole("button", { name: "Delete run" }).click();
    await expect.poll(() => page.url(), { timeout: 30_000 }).toBe(`${server.url}#/runs`);
    await expect.poll(() => page.getByText("No runs yet.").isVisible(), { timeout: 30_000 }).toBe(true);

    await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null), { timeout: 60_000 }).toBe(true);
    await page.context().setOffline(true);
    await server.close();
    await page.goto(`${server.url}#/predict`);
    // no run is left: the page offers the registry's aliases and versions
    await expect.poll(() => page.getByLabel("Score with").inputValue(), { timeout: 30_000 }).toBe("model");
    expect(await page.getByLabel("Registered model").locator("option").allInnerTexts()).toEqual([`${NAME}@champion (version 1)`, `${NAME}/1`]);
    await page.getByLabel("Registered model").selectOption(`${NAME}@champion`);
    await page.getByLabel("Parquet file").setInputFiles(join(work, "no-f_002.parquet"));
    await page.getByRole("button", { name: "Predict" }).click();
    await expect.poll(() => page.getByRole("alert").innerText(), { timeout: 60_000 }).toBe(
      `Cannot predict no-f_002.parquet: no-f_002.parquet does not match the signature of ${NAME}/1 (8 features in order): column "f_002" (position 2) is missing; "f_003" is there instead`,
    );
    await page.getByLabel("Parquet file").setInputFiles(join(work, "test.parquet"));
    await page.getByRole("button", { name: "Predict" }).click();
    await expect.poll(() => page.getByTestId("predicted").innerText(), { timeout: 90_000 }).toMatch(
      new RegExp(`^240 rows scored by ${NAME}@champion, version 1 \\(`),
    );
    await page.screenshot({ path: join(shots, "15-predict-by-alias.png"), fullPage: true });
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download Parquet" }).click()]);
    const rows = await readRows(await download.path());
    const byKey = new Map(rows.map((row) => [key(row), row]));
    for (const ref of reference) {
      const row = byKey.get(key(ref))!;
      expect(row, key(ref)).toBeDefined();
      for (const p of ["prob_short", "prob_neutral", "prob_long"]) {
        expect(Math.abs((row[p] as number) - (ref[p] as number)), `${key(ref)} ${p}`).toBeLessThanOrEqual(1e-5);
      }
      expect(row.prediction).toBe(ref.prediction);
    }
    expect(errors).toEqual([]);
  });
});

/** One file of a run as the app stored it, written to the work folder; its path. */
async function storedFile(page: Page, id: string, path: string): Promise<string> {
  const files = await storedRunFiles(page, id);
  if (!files[path]) throw new Error(`run ${id} has no ${path} in IndexedDB; files: ${Object.keys(files).join(", ")}`);
  const out = join(work, path.replaceAll("/", "_"));
  writeFileSync(out, files[path]);
  return out;
}
