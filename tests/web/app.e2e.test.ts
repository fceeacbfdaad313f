import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { type Browser, type Page } from "playwright";
import { storedRunFiles } from "./stored_runs.ts";
import { launchChromium, recordErrors } from "./chromium.ts";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { writeParquet } from "../../core/data/parquet_write.ts";
import { SYNTH_STRONG_SIGNAL, synthSplits } from "../../core/data/synth.ts";
import { mf, show } from "../cli/helpers.ts";
import { serveStatic } from "./static_server.ts";

// The built app in real headless Chromium, served by a plain static server: open files, train on
// WebGPU (SwiftShader's software adapter), watch the curve, reload and find the run.
const root = new URL("../..", import.meta.url).pathname;
const shots = join(root, "tests/web/screenshots");
const work = mkdtempSync(join(tmpdir(), "mf-web-"));
let browser: Browser;
let server: Awaited<ReturnType<typeof serveStatic>>;
let page: Page;
let errors: string[] = [];

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  const splits = synthSplits({ symbols: 2, rows: 800, features: 8, seed: 11, signal: SYNTH_STRONG_SIGNAL });
  for (const split of ["train", "val", "test"] as const) writeFileSync(join(work, `${split}.parquet`), writeParquet(splits[split].columns));
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

describe("the browser app", () => {
  it("opens three split files and shows their summary, saying nothing is uploaded", async () => {
    await page.goto(server.url);
    await expect.poll(() => page.getByText("nothing is uploaded").first().isVisible()).toBe(true);
    // a file that is not Parquet gets a readable message in the page
    await page.locator('input[type="file"]').setInputFiles({
      name: "train.parquet",
      mimeType: "application/octet-stream",
      buffer: Buffer.from("date,close\n1,2\n"),
    });
    await expect.poll(() => page.getByRole("alert").first().innerText(), { timeout: 30_000 }).toBe(
      'train: train.parquet is not a Parquet file: it does not start with "PAR1"',
    );
    await page.locator('input[type="file"]').setInputFiles(["train", "val", "test"].map((s) => join(work, `${s}.parquet`)));
    const splits = page.getByRole("table", { name: "Splits" });
    await expect.poll(() => splits.locator("tbody tr").allInnerTexts(), { timeout: 30_000 }).toEqual([
      expect.stringMatching(/^train\ttrain\.parquet\t1,\d{3}\t2\t2024-01-01 00:00\t.+\t8$/),
      expect.stringMatching(/^val\tval\.parquet\t\d+\t2\t/),
      expect.stringMatching(/^test\ttest\.parquet\t\d+\t2\t/),
    ]);
    const labels = await page.getByRole("table", { name: "Label distribution" }).innerText();
    expect(labels).toContain("label_h5");
    expect(labels).toContain("label_h20");
    await page.screenshot({ path: join(shots, "1-data.png"), fullPage: true });
  });

  it("validates settings as you type and shows the WebGPU adapter", async () => {
    const epochs = page.getByLabel("epochs", { exact: true });
    await epochs.fill("0");
    await expect.poll(() => page.getByText("expected integer from 1 to 100000").isVisible()).toBe(true);
    await expect(page.getByRole("button", { name: "Train logistic" }).isDisabled()).resolves.toBe(true);
    await epochs.fill("8");
    await page.getByLabel("patience", { exact: true }).fill("0");
    await page.getByLabel("backend", { exact: true }).selectOption("webgpu");
    await expect.poll(() => page.getByTestId("backend").innerText(), { timeout: 60_000 }).toMatch(/^Backend: webgpu \(WebGPU software adapter: .+\)/);
  });

  it("trains the logistic model in a worker on WebGPU, the loss curve updating every epoch, with no long main-thread task", async () => {
    await page.evaluate(() => {
      const durations: number[] = ((window as unknown as { longTasks: number[] }).longTasks = []);
      new PerformanceObserver((list) => durations.push(...list.getEntries().map((e) => e.duration))).observe({ type: "longtask" });
    });
    await page.getByRole("button", { name: "Train logistic" }).click();
    await expect.poll(() => page.getByTestId("epochs").innerText(), { timeout: 120_000 }).toMatch(/^[2-7] epoch\(s\) reported/);
    await page.screenshot({ path: join(shots, "2-training.png"), fullPage: true });
    // uPlot draws one path per series; a curve with points has a non-empty path
    await expect.poll(() => page.locator("mf-training").getByText(/run .+ finished/).isVisible(), { timeout: 120_000 }).toBe(true);
    expect(await page.getByTestId("epochs").innerText()).toMatch(/^8 epoch\(s\) reported/);
    expect(await page.getByTestId("timing").innerText()).toMatch(/^100% · elapsed \d+ s · ended/);
    await page.screenshot({ path: join(shots, "3-trained.png"), fullPage: true });
    const longTasks = await page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks);
    expect(Math.max(0, ...longTasks), `long tasks: ${longTasks.join(", ")} ms`).toBeLessThan(100);
  });

  it("trains the MLP and stops it cleanly: the run ends stopped", async () => {
    await page.getByLabel("Model", { exact: true }).selectOption("neural:mlp");
    await expect.poll(() => page.getByLabel("hidden", { exact: true }).inputValue()).toBe("128, 64");
    // the trainer form keeps its values when the model changes
    await page.getByLabel("epochs", { exact: true }).fill("500");
    await page.getByRole("button", { name: "Train mlp" }).click();
    await expect.poll(() => page.getByTestId("epochs").innerText(), { timeout: 120_000 }).toMatch(/^[2-9]\d* epoch\(s\) reported/);
    await page.getByRole("button", { name: "Stop" }).click();
    await expect.poll(() => page.locator("mf-training").getByText(/run .+ stopped/).isVisible(), { timeout: 120_000 }).toBe(true);
  });

  it("keeps the run across a reload, in the runs table and on its own page", async () => {
    await page.reload();
    await page.goto(`${server.url}#/runs`);
    const runs = page.getByRole("table", { name: "Runs" });
    await expect.poll(() => runs.locator("tbody tr").count(), { timeout: 30_000 }).toBe(2);
    // newest first: the stopped MLP run, then the finished logistic one
    expect(await runs.locator("tbody tr").first().innerText()).toMatch(/-mlp-h5-[0-9a-f]{4}\tneural:mlp\t5\t1\tstopped\t\d+\twebgpu\t0\.\d{3}/);
    for (const box of await runs.getByRole("checkbox").all()) await box.check();
    await page.getByRole("button", { name: "Compare selected (2)" }).click();
    const settings = page.getByRole("table", { name: "Settings compared" });
    await expect.poll(() => settings.locator("tr.diff th").allInnerTexts(), { timeout: 30_000 }).toEqual(
      expect.arrayContaining(["≠ model", "≠ status", "≠ params.hidden"]),
    );
    // settings the runs share are listed apart, folded away
    expect(await settings.locator("tbody tr:not(.diff)").count()).toBe(0);
    expect(await page.locator('table[aria-label="Settings the same"] th').allTextContents()).toContain("horizon");
    await page.screenshot({ path: join(shots, "6-compare.png"), fullPage: true });
    await page.goto(`${server.url}#/runs`);
    await page.getByLabel("status").selectOption("finished");
    await expect.poll(() => runs.locator("tbody tr").count()).toBe(1);
    const row = await runs.locator("tbody tr").first().innerText();
    expect(row).toMatch(/-logistic-h5-[0-9a-f]{4}\tlinear:logistic\t5\t1\tfinished\t8\twebgpu\t0\.\d{3}/);
    await page.screenshot({ path: join(shots, "4-runs.png"), fullPage: true });
    await runs.getByRole("link").first().click();
    await expect.poll(() => page.getByRole("table", { name: "Confusion matrix, test" }).isVisible(), { timeout: 30_000 }).toBe(true);
    expect(await page.getByRole("table", { name: "Per symbol, test" }).innerText()).toContain("SYM01");
    // equity and drawdown charts of the test and val portfolios, drawn from the run's equity.json
    await expect.poll(() => page.getByRole("img", { name: /^(Equity|Drawdown) \((test|val)\)/ }).count(), { timeout: 30_000 }).toBe(4);
    await page.screenshot({ path: join(shots, "5-run.png"), fullPage: true });
    expect(errors).toEqual([]);
  });

  it("exports a run to a folder the CLI reads, deletes it, and imports it back", async () => {
    await page.goto(`${server.url}#/runs`);
    const runs = page.getByRole("table", { name: "Runs" });
    await expect.poll(() => runs.locator("tbody tr").count(), { timeout: 30_000 }).toBe(2);
    const logisticRow = runs.locator("tbody tr", { hasText: "linear:logistic" });
    const runId = (await logisticRow.getByRole("link").innerText()).trim();
    // the folder picker needs a person; the test hands the app a folder in the origin-private file system instead
    await page.evaluate(() => {
      (window as unknown as { showDirectoryPicker: () => Promise<FileSystemDirectoryHandle> }).showDirectoryPicker = async () =>
        (await navigator.storage.getDirectory()).getDirectoryHandle("export", { create: true });
    });
    await logisticRow.getByRole("checkbox").check();
    await page.getByRole("button", { name: "Export selected (1) to a folder" }).click();
    await expect.poll(() => page.getByRole("status").innerText(), { timeout: 30_000 }).toMatch(/^Exported 1 run\(s\), \d+ files, to export\//);
    const exported: Record<string, number[]> = await page.evaluate(async () => {
      const out: Record<string, number[]> = {};
      const walk = async (dir: FileSystemDirectoryHandle, prefix: string) => {
        for await (const [name, handle] of (dir as unknown as { entries(): AsyncIterable<[string, FileSystemHandle]> }).entries()) {
          if (handle.kind === "directory") await walk(handle as FileSystemDirectoryHandle, `${prefix}${name}/`);
          else out[`${prefix}${name}`] = [...new Uint8Array(await (await (handle as FileSystemFileHandle).getFile()).arrayBuffer())];
        }
      };
      await walk(await (await navigator.storage.getDirectory()).getDirectoryHandle("export"), "");
      return out;
    });
    const folder = join(work, "export");
    for (const [path, bytes] of Object.entries(exported)) {
      mkdirSync(dirname(join(folder, path)), { recursive: true });
      writeFileSync(join(folder, path), Uint8Array.from(bytes));
    }
    expect(Object.keys(exported)).toEqual(expect.arrayContaining([`${runId}/run.json`, `${runId}/metrics.json`, `${runId}/model/preprocess.json`]));
    const cli = await mf(["predict", "--run", join(folder, runId), "--input", join(work, "test.parquet"), "--out", join(work, "cli-pred.parquet"), "--json"]);
    expect(cli.code, show(cli)).toBe(0);

    page.once("dialog", (dialog) => dialog.accept());
    await logisticRow.getByRole("link").click();
    await page.getByRole("button", { name: "Delete run" }).click();
    await expect.poll(() => runs.locator("tbody tr").count(), { timeout: 30_000 }).toBe(1);
    await page.getByLabel("Import runs from a folder").setInputFiles(folder);
    await expect.poll(() => page.getByRole("status").innerText(), { timeout: 30_000 }).toBe(`Imported 1 run(s): ${runId}.`);
    await expect.poll(() => runs.locator("tbody tr").count()).toBe(2);
    await page.screenshot({ path: join(shots, "7-imported.png"), fullPage: true });
  });

  it("downloads runs as a bundle mf import reads and as a viewer page, and imports a bundle mf export wrote", async () => {
    await page.goto(`${server.url}#/runs`);
    const runs = page.getByRole("table", { name: "Runs" });
    await expect.poll(() => runs.locator("tbody tr").count(), { timeout: 30_000 }).toBe(2);
    const logisticRow = runs.locator("tbody tr", { hasText: "linear:logistic" });
    const runId = (await logisticRow.getByRole("link").innerText()).trim();
    await logisticRow.getByRole("checkbox").check();
    const [bundle] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download selected (1) as a bundle" }).click()]);
    expect(bundle.suggestedFilename()).toBe("model-factory-runs.mfbundle");
    await bundle.saveAs(join(work, "app.mfbundle"));
    const cliRuns = join(work, "cli-runs");
    const imported = await mf(["import", join(work, "app.mfbundle"), "--runs", cliRuns, "--json"]);
    expect(imported.code, show(imported)).toBe(0);
    expect(JSON.parse(imported.stdout.trim().split("\n").at(-1)!).imported).toEqual([runId]);
    const predicted = await mf([
      "predict",
      "--run",
      join(cliRuns, runId),
      "--input",
      join(work, "test.parquet"),
      "--out",
      join(work, "bundle-pred.parquet"),
      "--json",
    ]);
    expect(predicted.code, show(predicted)).toBe(0);

    const [viewer] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download selected (1) as a viewer page" }).click()]);
    await viewer.saveAs(join(work, "app-viewer.html"));
    const opened = await browser.newPage();
    await opened.goto(`file://${join(work, "app-viewer.html")}#/runs/${runId}`);
    await expect.poll(() => opened.getByRole("table", { name: "Confusion matrix, test" }).isVisible(), { timeout: 30_000 }).toBe(true);
    await opened.close();

    // a run the CLI trained, exported by mf export, imported here; a second import skips it
    const trained = await mf(["train", "--data", work, "--model", "mlp", "--horizon", "20", "--json", ...[
      "--epochs",
      "1",
      "--backend",
      "cpu",
      "--out",
      join(work, "cli-trained"),
    ]]);
    expect(trained.code, show(trained)).toBe(0);
    const cliId = JSON.parse(trained.stdout.trim().split("\n").at(-1)!).run_id;
    const exported = await mf(["export", "--runs", join(work, "cli-trained"), "--out", join(work, "cli-site")]);
    expect(exported.code, show(exported)).toBe(0);
    await page.getByLabel("Import a bundle or viewer page").setInputFiles(join(work, "cli-site", "runs.mfbundle"));
    await expect.poll(() => page.getByRole("status").innerText(), { timeout: 30_000 }).toBe(`Imported 1 run(s): ${cliId}.`);
    await expect.poll(() => runs.locator("tbody tr").count()).toBe(3);
    await page.getByLabel("Import a bundle or viewer page").setInputFiles(join(work, "cli-site", "runs.mfbundle"));
    await expect.poll(() => page.getByRole("list", { name: "Import problems" }).innerText(), { timeout: 30_000 }).toBe(
      `${cliId}: already in indexeddb://model-factory/${cliId}, left as it is`,
    );
    await runs.getByRole("link", { name: cliId }).click();
    await expect.poll(() => page.getByRole("table", { name: "Confusion matrix, test" }).isVisible(), { timeout: 30_000 }).toBe(true);
    await page.screenshot({ path: join(shots, "9-imported-bundle.png"), fullPage: true });
  });

  it("predicts a file with a stored model with the network off, previewing and downloading the predictions", async () => {
    // the service worker has cached the whole build once it controls the page
    await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null), { timeout: 60_000 }).toBe(true);
    await page.context().setOffline(true);
    await server.close();
    await page.goto(`${server.url}#/predict`);
    const runChoice = page.getByLabel("Model from run");
    // the runs are read after the page shows: wait for the logistic run among them
    await expect.poll(() => runChoice.locator("option").allInnerTexts(), { timeout: 30_000 }).toContainEqual(expect.stringContaining("linear:logistic"));
    const logistic = (await runChoice.locator("option").allInnerTexts()).find((t) => t.includes("linear:logistic"))!;
    await runChoice.selectOption({ label: logistic });
    await page.getByLabel("Parquet file").setInputFiles(join(work, "test.parquet"));
    await page.getByRole("button", { name: "Predict" }).click();
    await expect.poll(() => page.getByTestId("predicted").innerText(), { timeout: 60_000 }).toMatch(/^240 rows scored/);
    const preview = await page.getByRole("table", { name: "Predictions preview" }).locator("tbody tr").allInnerTexts();
    expect(preview).toHaveLength(50);
    expect(preview[0]).toMatch(/^2024-01-03T08:40:00\.000Z\tSYM00\t(short \(-1\)|neutral \(0\)|long \(1\))\t0\.\d{3}\t0\.\d{3}\t0\.\d{3}$/);
    await page.screenshot({ path: join(shots, "8-predict.png"), fullPage: true });
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download CSV" }).click()]);
    const csv = readFileSync(await download.path(), "utf8").trim().split("\n");
    expect(csv[0]).toBe("datetime,symbol,horizon,prediction,prob_short,prob_neutral,prob_long");
    expect(csv).toHaveLength(241);
    // the file has the run's labels: it is scored against them as training scored its test split
    const stored = JSON.parse(new TextDecoder().decode((await storedRunFiles(page, logistic.split(" ")[0]))["metrics.json"]));
    expect(await page.getByTestId("predict-scored").innerText()).toMatch(/^\d+ labelled samples \(label_h5\), scored as training scores its test split\.$/);
    const f1 = await page.getByRole("table", { name: "Metrics" }).locator("tr", { hasText: /^f1_macro/ }).locator("td").nth(1).innerText();
    expect(f1).toBe(stored.test.f1_macro.toFixed(3));
  });
});
