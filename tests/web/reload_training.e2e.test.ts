import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, type Page } from "playwright";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { writeParquet } from "../../core/data/parquet_write.ts";
import { SYNTH_STRONG_SIGNAL, synthSplits } from "../../core/data/synth.ts";
import { launchChromium, recordErrors } from "./chromium.ts";
import { serveStatic } from "./static_server.ts";
import { storedRunFiles, storedRunJson } from "./stored_runs.ts";

// A reload while a run trains ends its worker: the run must not read `running` forever. The worker keeps the run's
// heartbeat.json and holds a Web Lock for its life; the app calls a running run whose lock is gone interrupted. The
// Train page comes back with the settings it had and names the files to pick again.
const work = mkdtempSync(join(tmpdir(), "mf-web-reload-"));
let browser: Browser;
let server: Awaited<ReturnType<typeof serveStatic>>;
let page: Page;
let errors: string[] = [];

beforeAll(async () => {
  const splits = synthSplits({ symbols: 2, rows: 1500, features: 8, seed: 5, signal: SYNTH_STRONG_SIGNAL });
  for (const split of ["train", "val", "test"] as const) writeFileSync(join(work, `${split}.parquet`), writeParquet(splits[split].columns));
  server = await serveStatic(inject("webDist"));
  browser = await launchChromium();
  // a context of its own, so a second tab of the same profile can look at the runs
  page = await (await browser.newContext({ viewport: { width: 1400, height: 1000 } })).newPage();
  errors = recordErrors(page);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  rmSync(work, { recursive: true, force: true });
});

describe("a reload during training", () => {
  let runId = "";

  it("trains an MLP with changed settings, the run keeping a heartbeat while it runs", async () => {
    await page.goto(server.url);
    await page.locator('input[type="file"]').setInputFiles(["train", "val", "test"].map((s) => join(work, `${s}.parquet`)));
    await expect.poll(() => page.getByLabel("horizon", { exact: true }).locator("option").allInnerTexts(), { timeout: 30_000 }).toEqual(["5", "20"]);
    await page.getByLabel("Model", { exact: true }).selectOption("neural:mlp");
    await page.getByLabel("hidden", { exact: true }).fill("32");
    await page.getByLabel("horizon", { exact: true }).selectOption("20");
    await page.getByLabel("epochs", { exact: true }).fill("5000");
    await page.getByLabel("patience", { exact: true }).fill("0");
    await page.getByRole("button", { name: "Train mlp" }).click();
    await expect.poll(() => page.getByTestId("epochs").innerText(), { timeout: 120_000 }).toMatch(/^[1-9]\d* epoch\(s\) reported/);
    // the runs table in another tab of the profile sees it alive while its worker holds the lock
    const other = await page.context().newPage();
    await other.goto(`${server.url}#/runs`);
    const row = other.getByRole("table", { name: "Runs" }).locator("tbody tr").first();
    await expect.poll(() => row.innerText(), { timeout: 30_000 }).toMatch(/^\t\S+-mlp-h20-[0-9a-f]{4}\tneural:mlp\t20\t\d+\trunning\t/);
    runId = (await row.innerText()).split("\t")[1];
    await other.close();
    expect((await storedRunJson(page, runId)).status).toBe("running");
    const beat = JSON.parse(new TextDecoder().decode((await storedRunFiles(page, runId))["heartbeat.json"]));
    expect(beat).toMatchObject({ host: "browser", pid: expect.any(Number), interval_s: 5 });
  });

  it("shows the run interrupted within a few seconds of the reload", async () => {
    await page.reload();
    const reloaded = Date.now();
    await page.goto(`${server.url}#/runs`);
    const row = page.getByRole("table", { name: "Runs" }).locator("tbody tr").first();
    await expect.poll(() => row.innerText(), { timeout: 10_000 }).toMatch(new RegExp(`^\\t${runId}\\tneural:mlp\\t20\\t\\d+\\tinterrupted\\t`));
    expect(Date.now() - reloaded).toBeLessThan(10_000);
    await row.getByRole("link", { name: runId }).click();
    await expect.poll(() => page.getByText("interrupted: its process").first().isVisible(), { timeout: 30_000 }).toBe(true);
  });

  it("brings the Train page back with its settings, naming the files to pick again", async () => {
    await page.goto(server.url);
    await expect.poll(() => page.getByLabel("Model", { exact: true }).inputValue(), { timeout: 30_000 }).toBe("neural:mlp");
    await expect.poll(() => page.getByLabel("hidden", { exact: true }).inputValue()).toBe("32");
    expect(await page.getByLabel("epochs", { exact: true }).inputValue()).toBe("5000");
    expect(await page.getByLabel("patience", { exact: true }).inputValue()).toBe("0");
    expect(await page.getByTestId("pick-again").innerText()).toBe(
      "Last time: train.parquet, val.parquet, test.parquet. This browser did not keep them (only files picked or dropped in Chromium are kept): pick them again.",
    );
    // with the files picked again, the horizon that was chosen is still chosen
    await page.locator('input[type="file"]').setInputFiles(["train", "val", "test"].map((s) => join(work, `${s}.parquet`)));
    await expect.poll(() => page.getByLabel("horizon", { exact: true }).locator("option").allInnerTexts(), { timeout: 30_000 }).toEqual(["5", "20"]);
    expect(await page.getByLabel("horizon", { exact: true }).inputValue()).toBe("20");
    expect(await page.getByTestId("pick-again").count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it("reopens by itself, after a reload, files whose handles the page kept", async () => {
    // a picker's handles are what the page keeps (web/data/file_handles.ts); headless Chromium shows no picker, so the
    // test keeps handles of the origin's private files instead: the same FileSystemFileHandle, kept the same way
    const bytes = Object.fromEntries(["train", "val", "test"].map((s) => [s, Array.from(readFileSync(join(work, `${s}.parquet`)))]));
    await page.evaluate(async (files) => {
      const root = await navigator.storage.getDirectory();
      const handles = [];
      for (const [split, data] of Object.entries(files)) {
        const handle = await root.getFileHandle(`${split}.parquet`, { create: true });
        const writable = await handle.createWritable();
        await writable.write(new Uint8Array(data));
        await writable.close();
        handles.push(handle);
      }
      const opening = indexedDB.open("model-factory-file-handles", 1);
      opening.onupgradeneeded = () => opening.result.createObjectStore("handles");
      const db = await new Promise<IDBDatabase>((resolve, reject) => ((opening.onsuccess = () => resolve(opening.result)), (opening.onerror = reject)));
      const put = db.transaction("handles", "readwrite").objectStore("handles").put(handles, "train:splits");
      await new Promise((resolve, reject) => ((put.onsuccess = resolve), (put.onerror = reject)));
      db.close();
    }, bytes);
    await page.reload();
    await expect.poll(() => page.getByLabel("horizon", { exact: true }).locator("option").allInnerTexts(), { timeout: 30_000 }).toEqual(["5", "20"]);
    expect(await page.getByLabel("horizon", { exact: true }).inputValue()).toBe("20");
    expect(await page.getByTestId("pick-again").count()).toBe(0);
    await expect.poll(() => page.getByRole("button", { name: "Train mlp" }).isEnabled()).toBe(true);
    expect(errors).toEqual([]);
  });
});
