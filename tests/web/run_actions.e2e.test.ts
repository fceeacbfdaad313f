import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, type Page } from "playwright";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { readPredictions } from "../../core/bundle/predictions.ts";
import { writeParquet } from "../../core/data/parquet_write.ts";
import { synthSplits } from "../../core/data/synth.ts";
import { launchChromium, recordErrors } from "./chromium.ts";
import { serveStatic } from "./static_server.ts";
import { storedRunFiles, storedRunJson } from "./stored_runs.ts";

// The built app in headless Chromium: two logistic runs trained in the page on different synthetic data (2 and 3
// symbols), told apart by the runs table's data column and warned of on the comparison page; a run page's downloads
// give its stored test predictions; "Predict with this run" chooses it on the Predict page; "Train again" fills the
// Train page's forms with the run's settings; the viewer page of the same runs offers no Train again or Predict.
const root = new URL("../..", import.meta.url).pathname;
const shots = join(root, "tests/web/screenshots");
const work = mkdtempSync(join(tmpdir(), "mf-web-run-actions-"));
let browser: Browser;
let server: Awaited<ReturnType<typeof serveStatic>>;
let page: Page;
let errors: string[] = [];
/** Run ids by data set, with the settings each was trained with. */
const runs: Record<"a" | "b", { id: string; learningRate: string; epochs: string }> = {
  a: { id: "", learningRate: "0.02", epochs: "3" },
  b: { id: "", learningRate: "0.05", epochs: "2" },
};

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  for (const [name, symbols, seed] of [["a", 2, 3], ["b", 3, 5]] as const) {
    const splits = synthSplits({ symbols, rows: 300, features: 4, seed });
    mkdirSync(join(work, name));
    for (const split of ["train", "val", "test"] as const) writeFileSync(join(work, name, `${split}.parquet`), writeParquet(splits[split].columns));
  }
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

/** A field of the Train page's settings forms, by its key, in the form with this legend. */
function field(legend: string, key: string) {
  return page.locator("mf-train-page mf-schema-form").filter({ has: page.locator("legend", { hasText: legend }) }).locator(`[name="${key}"]`);
}

/** A column of the runs table by its header, one text per row, with the run id of each row. */
async function column(label: string): Promise<Record<string, string>> {
  const table = page.getByRole("table", { name: "Runs" });
  const headers = (await table.locator("thead th").allInnerTexts()).map((h) => h.trim().replace(/ [▲▼]$/, ""));
  const rows = (await table.locator("tbody tr[aria-rowindex]").allInnerTexts()).map((r) => r.split("\t"));
  return Object.fromEntries(rows.map((cells) => [cells[headers.indexOf("run")], cells[headers.indexOf(label)]]));
}

describe("runs on different data, and what comes next to a run", () => {
  it("trains a logistic run on each data set in the page", async () => {
    await page.goto(server.url);
    for (const name of ["a", "b"] as const) {
      await page.locator('input[type="file"]').first().setInputFiles(["train", "val", "test"].map((s) => join(work, name, `${s}.parquet`)));
      const symbols = name === "a" ? 2 : 3;
      await expect.poll(() => page.getByRole("table", { name: "Splits" }).locator("tbody tr").first().innerText(), { timeout: 30_000 }).toMatch(
        new RegExp(`^train\\ttrain\\.parquet\\t[\\d,]+\\t${symbols}\\t`),
      );
      await field("linear:logistic parameters", "learning_rate").fill(runs[name].learningRate);
      await field("Trainer", "epochs").fill(runs[name].epochs);
      await field("Trainer", "backend").selectOption("cpu");
      const train = page.getByRole("button", { name: "Train logistic" });
      await expect.poll(() => train.isEnabled(), { timeout: 30_000 }).toBe(true);
      await train.click();
      const done = page.locator("mf-training").getByText(/run .+ finished/);
      await expect.poll(async () => (await done.count()) && (await done.innerText()), { timeout: 120_000 }).toMatch(
        new RegExp(`run (?!${runs.a.id || "-"}\\b)\\S+ finished`),
      );
      runs[name].id = /run (\S+) finished/.exec(await done.innerText())![1];
    }
    expect(runs.a.id).not.toBe(runs.b.id);
  });

  it("tells the runs apart in the data column: files, rows, symbols and a short data id", async () => {
    await page.goto(`${server.url}#/runs`);
    await expect.poll(() => page.getByRole("table", { name: "Runs" }).locator("tbody tr[aria-rowindex]").count(), { timeout: 30_000 }).toBe(2);
    const data = await column("data");
    const [a, b] = await Promise.all([storedRunJson(page, runs.a.id), storedRunJson(page, runs.b.id)]);
    const rows = (r: typeof a) => (Object.values(r.dataset.files) as { rows: number }[]).reduce((n, f) => n + f.rows, 0).toLocaleString("en-US");
    expect(data[runs.a.id]).toMatch(new RegExp(`^train\\.parquet \\+ val\\.parquet \\+ test\\.parquet · ${rows(a)} rows · 2 symbols · [0-9a-f]{8}$`));
    expect(data[runs.b.id]).toMatch(new RegExp(`^train\\.parquet \\+ val\\.parquet \\+ test\\.parquet · ${rows(b)} rows · 3 symbols · [0-9a-f]{8}$`));
    expect(data[runs.a.id].slice(-8)).not.toBe(data[runs.b.id].slice(-8));
    // searching a data id lists the runs on that data
    await page.getByLabel("search").fill(data[runs.a.id].slice(-8));
    await expect.poll(async () => Object.keys(await column("data"))).toEqual([runs.a.id]);
    await page.getByLabel("search").fill("");
    await page.screenshot({ path: join(shots, "runs-data-column.png"), fullPage: true });
  });

  it("warns on the comparison page that the runs used different data, naming what differs", async () => {
    await page.goto(`${server.url}#/compare/${runs.a.id},${runs.b.id}`);
    const warning = page.getByRole("alert").filter({ hasText: "These runs used different data" });
    await expect.poll(() => warning.isVisible(), { timeout: 30_000 }).toBe(true);
    expect(await warning.locator("p").innerText()).toMatch(/^Different file sizes, rows, symbols, data id: their metrics are not measured on the same samples/);
    const heads = await page.getByRole("table", { name: "Data compared" }).locator("tbody th").allInnerTexts();
    // the same file names, but other files
    expect(heads).toEqual(["≠ file sizes", "≠ rows", "≠ symbols", "≠ data id"]);
    expect(await page.getByRole("table", { name: "Data compared" }).locator("tbody tr", { hasText: "symbols" }).innerText()).toBe(
      "≠ symbols\tSYM00, SYM01\tSYM00, SYM01, SYM02",
    );
    await page.screenshot({ path: join(shots, "compare-data-warning.png"), fullPage: true });
  });

  it("downloads a run's test predictions as the rows it stored, in Parquet and CSV", async () => {
    await page.goto(`${server.url}#/runs/${runs.a.id}`);
    const stored = (await storedRunFiles(page, runs.a.id))["predictions/test.parquet"];
    expect(stored, "a browser run stores its test predictions").toBeDefined();
    const [parquet] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Download test predictions (Parquet)" }).click({ timeout: 30_000 }),
    ]);
    expect(parquet.suggestedFilename()).toBe(`${runs.a.id}-test-predictions.parquet`);
    expect(new Uint8Array(readFileSync(await parquet.path()))).toEqual(stored);
    const [csvDownload] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download test predictions (CSV)" }).click()]);
    expect(csvDownload.suggestedFilename()).toBe(`${runs.a.id}-test-predictions.csv`);
    const lines = readFileSync(await csvDownload.path(), "utf8").trimEnd().split("\n");
    expect(lines[0]).toBe("datetime,symbol,horizon,prediction,prob_short,prob_neutral,prob_long");
    const c = (await readPredictions(stored))!;
    const record = await storedRunJson(page, runs.a.id);
    expect(lines.length - 1).toBe(c.datetime.length);
    expect(lines.length - 1).toBe(record.dataset.files.test.samples);
    lines.slice(1).forEach((line, i) => {
      const [datetime, symbol, horizon, prediction, ...probs] = line.split(",");
      expect([Date.parse(datetime), symbol, Number(horizon), Number(prediction)]).toEqual([c.datetime[i], `"${c.symbol[i]}"`, c.horizon[i], c.prediction[i]]);
      probs.forEach((p, k) => expect(Math.abs(Number(p) - [c.prob_short, c.prob_neutral, c.prob_long][k][i])).toBeLessThan(1e-6));
    });
    await page.screenshot({ path: join(shots, "run-actions.png"), fullPage: true });
  });

  it("Predict with this run opens the Predict page with the run chosen", async () => {
    await page.goto(`${server.url}#/runs/${runs.a.id}`);
    const link = page.getByRole("link", { name: "Predict with this run" });
    expect(await link.getAttribute("href", { timeout: 30_000 })).toBe(`#/predict?run=${encodeURIComponent(runs.a.id)}`);
    await link.click();
    // run b is newer, the one the page would choose by itself
    await expect.poll(() => page.getByLabel("Model from run").inputValue(), { timeout: 30_000 }).toBe(runs.a.id);
  });

  it("Train again opens the Train page with the run's model, params, dataset and trainer settings", async () => {
    // the forms hold run b's settings now; run a's must replace them
    expect(await field("linear:logistic parameters", "learning_rate").inputValue()).toBe(runs.b.learningRate);
    await page.goto(`${server.url}#/runs/${runs.a.id}`);
    await page.getByRole("button", { name: "Train again with these settings" }).click({ timeout: 30_000 });
    await expect.poll(() => new URL(page.url()).hash).toBe("#/");
    await expect.poll(() => page.locator("mf-train-page #model").inputValue(), { timeout: 30_000 }).toBe("linear:logistic");
    await expect.poll(() => field("linear:logistic parameters", "learning_rate").inputValue()).toBe(runs.a.learningRate);
    expect(await field("Trainer", "epochs").inputValue()).toBe(runs.a.epochs);
    expect(await field("Trainer", "backend").inputValue()).toBe("cpu");
    expect(await field("Dataset", "horizon").inputValue()).toBe("5");
    expect(errors).toEqual([]);
  });

  it("the viewer page of these runs shows no Train again or Predict", async () => {
    await page.goto(`${server.url}#/runs`);
    const table = page.getByRole("table", { name: "Runs" });
    await expect.poll(() => table.locator("tbody tr[aria-rowindex]").count(), { timeout: 30_000 }).toBe(2);
    await table.getByLabel(`compare ${runs.a.id}`).check();
    const [viewer] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download selected (1) as a viewer page" }).click()]);
    await viewer.saveAs(join(work, "viewer.html"));
    const opened = await browser.newPage();
    await opened.goto(`file://${join(work, "viewer.html")}#/runs/${runs.a.id}`);
    await expect.poll(() => opened.getByRole("table", { name: "Confusion matrix, test" }).isVisible(), { timeout: 30_000 }).toBe(true);
    expect(await opened.getByRole("button", { name: "Train again with these settings" }).count()).toBe(0);
    expect(await opened.getByRole("link", { name: "Predict with this run" }).count()).toBe(0);
    await opened.close();
  });
});
