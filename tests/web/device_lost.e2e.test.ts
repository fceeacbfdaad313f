import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, type Page, type Worker } from "playwright";
import { launchChromium } from "./chromium.ts";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { writeParquet } from "../../core/data/parquet_write.ts";
import { SYNTH_STRONG_SIGNAL, synthSplits } from "../../core/data/synth.ts";
import { serveStatic } from "./static_server.ts";
import { storedRunFiles, storedRunJson } from "./stored_runs.ts";

// A WebGPU device lost in the middle of training, for real: the test destroys the GPUDevice the
// training worker's tfjs backend holds. The app ships no hook for this: tfjs keeps its engine on
// the global scope (`_tfengine`, so that copies of tfjs share one), and its WebGPU backend keeps the
// device as `device`; `destroy()` resolves the device's `lost` promise exactly as a driver reset
// does (with reason "destroyed" instead of "unknown") and fails every later read.
const root = new URL("../..", import.meta.url).pathname;
const shots = join(root, "tests/web/screenshots");
const work = mkdtempSync(join(tmpdir(), "mf-web-lost-"));
let browser: Browser;
let server: Awaited<ReturnType<typeof serveStatic>>;
let page: Page;
const workers: Worker[] = [];

beforeAll(async () => {
  const splits = synthSplits({ symbols: 2, rows: 800, features: 8, seed: 11, signal: SYNTH_STRONG_SIGNAL });
  for (const split of ["train", "val", "test"] as const) writeFileSync(join(work, `${split}.parquet`), writeParquet(splits[split].columns));
  server = await serveStatic(inject("webDist"));
  browser = await launchChromium({ webgpu: true });
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on("worker", (worker) => workers.push(worker));
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  rmSync(work, { recursive: true, force: true });
});

/** The worker running a training job now (each job has a fresh worker, named after its kind). */
async function trainingWorker(): Promise<Worker> {
  for (const worker of [...workers].reverse()) {
    const name = await worker.evaluate(() => (self as unknown as { name: string }).name).catch(() => "(ended)");
    if (name === "train") return worker;
  }
  throw new Error(`no training worker among ${workers.length} workers`);
}

describe("a WebGPU device lost mid-training", () => {
  it("ends the run failed with a readable message in the page, keeps its best checkpoint, and leaves other runs as they were", async () => {
    await page.goto(server.url);
    await page.locator('input[type="file"]').setInputFiles(["train", "val", "test"].map((s) => join(work, `${s}.parquet`)));
    await expect.poll(() => page.getByRole("table", { name: "Splits" }).locator("tbody tr").allInnerTexts(), { timeout: 30_000 }).toEqual([
      expect.stringMatching(/^train\t/),
      expect.stringMatching(/^val\t/),
      expect.stringMatching(/^test\t/),
    ]);
    await page.getByLabel("epochs", { exact: true }).fill("2");
    await page.getByLabel("backend", { exact: true }).selectOption("webgpu");
    await expect.poll(() => page.getByTestId("backend").innerText(), { timeout: 60_000 }).toMatch(/^Backend: webgpu /);

    // a stored run that the loss must leave alone
    await page.getByRole("button", { name: "Train logistic" }).click();
    await expect.poll(() => page.locator("mf-training").getByText(/run .+ finished/).isVisible(), { timeout: 120_000 }).toBe(true);
    const keptId = (await page.locator("mf-training").getByRole("link").innerText()).trim();
    const kept = await storedRunFiles(page, keptId);

    await page.getByLabel("Model", { exact: true }).selectOption("neural:mlp");
    await page.getByLabel("epochs", { exact: true }).fill("500");
    await page.getByLabel("patience", { exact: true }).fill("0");
    await page.getByRole("button", { name: "Train mlp" }).click();
    await expect.poll(() => page.getByTestId("epochs").innerText(), { timeout: 120_000 }).toMatch(/^([2-9]|\d\d+) epoch\(s\) reported/);
    const worker = await trainingWorker();
    await worker.evaluate(() => (globalThis as unknown as { _tfengine: { backend: { device: { destroy(): void } } } })._tfengine.backend.device.destroy());

    const alert = page.locator("mf-training").getByRole("alert");
    await expect.poll(() => alert.isVisible(), { timeout: 60_000 }).toBe(true);
    const text = await alert.innerText();
    const match =
      /^Training failed: The WebGPU device was lost \(reason: destroyed: .+\); the run stopped at epoch (\d+) of 500 \((\d+) completed\); its best checkpoint \(epoch (\d+)\) is kept$/
        .exec(text);
    expect(match, text).not.toBeNull();
    const [stoppedAt, completed, best] = match!.slice(1).map(Number);
    expect(completed).toBeGreaterThanOrEqual(2);
    expect(stoppedAt).toBe(completed + 1);
    expect(best).toBeGreaterThanOrEqual(1);
    expect(best).toBeLessThanOrEqual(completed);
    expect(await page.locator("mf-training .status").innerText()).toMatch(/^run .+-mlp-h5-[0-9a-f]{4} failed$/);
    await page.screenshot({ path: join(shots, "10-device-lost.png"), fullPage: true });

    // after a reload: the failed run with its message and checkpoint, the other run byte for byte as before
    await page.reload();
    await page.goto(`${server.url}#/runs`);
    const runs = page.getByRole("table", { name: "Runs" });
    await expect.poll(() => runs.locator("tbody tr").count(), { timeout: 30_000 }).toBe(2);
    expect(await runs.locator("tbody tr").first().innerText()).toMatch(/-mlp-h5-[0-9a-f]{4}\tneural:mlp\t5\t1\tfailed\t/);
    expect(await runs.locator("tbody tr", { hasText: keptId }).innerText()).toMatch(/\tfinished\t2\twebgpu\t/);
    const failedId = (await runs.locator("tbody tr").first().getByRole("link").innerText()).trim();
    const failed = await storedRunJson(page, failedId);
    expect(failed.status).toBe("failed");
    expect(failed.error).toBe(text.replace(/^Training failed: /, ""));
    const files = await storedRunFiles(page, failedId);
    expect(Object.keys(files)).toEqual(expect.arrayContaining(["model/model.json", "model/preprocess.json", "metrics.jsonl"]));
    expect(Object.keys(files)).not.toContain("metrics.json");
    const epochs = new TextDecoder().decode(files["metrics.jsonl"]).trim().split("\n").map((l) => JSON.parse(l));
    expect(epochs).toHaveLength(completed);
    expect(epochs.filter((e) => e.best).at(-1).epoch + 1).toBe(best);
    const after = await storedRunFiles(page, keptId);
    expect(Object.keys(after).sort()).toEqual(Object.keys(kept).sort());
    for (const [path, bytes] of Object.entries(kept)) expect(Buffer.from(after[path]).equals(Buffer.from(bytes)), path).toBe(true);
  });
});
