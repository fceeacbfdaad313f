import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser } from "playwright";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { writeParquet } from "../../core/data/parquet_write.ts";
import { SYNTH_STRONG_SIGNAL, synthSplits } from "../../core/data/synth.ts";
import { launchChromium, recordErrors } from "./chromium.ts";
import { pythonServer, vitePreview } from "./servers.ts";
import { storedRunJson } from "./stored_runs.ts";

// Threads in the page, behind both servers: the page is cross-origin isolated (vite preview sends COOP/COEP from its
// config; behind a plain static server the service worker adds them, from the first load it controls), tfjs runs its
// threaded wasm with one thread per core, GBDT builds its histograms in workers and the MLP's products run on every
// core. The backend line says so before training, and run.json records it after.
const work = mkdtempSync(join(tmpdir(), "mf-web-threads-"));
let browser: Browser;

beforeAll(async () => {
  const splits = synthSplits({ symbols: 2, rows: 800, features: 8, seed: 11, signal: SYNTH_STRONG_SIGNAL });
  for (const split of ["train", "val", "test"] as const) writeFileSync(join(work, `${split}.parquet`), writeParquet(splits[split].columns));
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  rmSync(work, { recursive: true, force: true });
});

describe.each([
  ["npm run preview", vitePreview, true],
  ["python3 -m http.server", pythonServer, false],
])("threads behind %s", (_name, serve, headersFromServer) => {
  it("is cross-origin isolated, runs wasm with a thread per core and GBDT's histograms in workers, and records it", async () => {
    const server = await serve(inject("webDist"));
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    try {
      const page = await context.newPage();
      const errors = recordErrors(page);
      await page.goto(server.url);
      expect(await page.evaluate(() => crossOriginIsolated)).toBe(headersFromServer);
      // the service worker's headers apply from the first load it controls
      await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null), { timeout: 60_000 }).toBe(true);
      await page.reload();
      expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
      const cores = await page.evaluate(() => navigator.hardwareConcurrency);
      const threads = cores > 1 ? `${cores} threads` : "1 thread";

      await page.locator('input[type="file"]').setInputFiles(["train", "val", "test"].map((s) => join(work, `${s}.parquet`)));
      await page.getByLabel("Model", { exact: true }).selectOption("trees:gbdt");
      await page.getByLabel("epochs", { exact: true }).fill("20");
      await expect.poll(() => page.getByTestId("backend").innerText(), { timeout: 60_000 }).toMatch(
        new RegExp(`^Backend: wasm \\(WebAssembly, ${threads}: .+\\) · trees build histograms in ${cores} CPU thread`),
      );
      await page.getByRole("button", { name: "Train gbdt" }).click();
      await expect.poll(() => page.locator("mf-training").getByText(/run .+ finished/).isVisible(), { timeout: 120_000 }).toBe(true);
      const runId = /run (\S+) finished/.exec(await page.locator("mf-training").getByText(/run .+ finished/).innerText())![1];
      const record = await storedRunJson(page, runId);
      expect(record.backend.name).toBe("wasm");
      expect(record.backend.reason).toMatch(new RegExp(`^WebAssembly, ${threads}: `));
      expect(record.backend.histograms).toBe(cores > 1 ? `cpu x${cores} threads` : "cpu");

      // a network's products run on our kernel over the shared heap, split over helper workers (blob: module workers
      // handed the backend's memory): run.json says on how many threads
      // (and the LSTM's and GRU's recurrences run on the wasm kernel in blocks of the batch on them: the helpers run
      // recurrent_rows.ts from its built source)
      for (const model of ["mlp", "lstm", "gru"]) {
        await page.getByLabel("Model", { exact: true }).selectOption(`neural:${model}`);
        await page.getByLabel("epochs", { exact: true }).fill("2");
        await page.getByRole("button", { name: `Train ${model}` }).click();
        const finished = page.locator("mf-training").getByText(new RegExp(`run \\S+-${model}-\\S+ finished`));
        await expect.poll(() => finished.isVisible(), { timeout: 120_000 }).toBe(true);
        const record = await storedRunJson(page, /run (\S+) finished/.exec(await finished.innerText())![1]);
        const products = `products: gemm.wat (relaxed SIMD), ${threads}`;
        if (model === "mlp") expect(record.backend.kernels, model).toBe(products);
        else expect(record.backend.kernels, model).toMatch(new RegExp(`^mf_fused_${model}\\w*: wasm kernel; ${products.replace(/[().]/g, "\\$&")}$`));
      }
      expect(errors).toEqual([]);
    } finally {
      await context.close();
      await server.close();
    }
  });
});
