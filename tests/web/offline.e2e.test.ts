import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser } from "playwright";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { writeParquet } from "../../core/data/parquet_write.ts";
import { SYNTH_STRONG_SIGNAL, synthSplits } from "../../core/data/synth.ts";
import { mf, show } from "../cli/helpers.ts";
import { launchChromium, recordErrors } from "./chromium.ts";
import { pythonServer, vitePreview } from "./servers.ts";

// Offline after the first visit, in a fresh browser profile, behind the two servers people use: the
// README's `npm run preview` (Vite's preview server, which sends `Vary: Origin`) and a plain static server
// (python3 -m http.server). The network goes off and the server goes away; a reload shows the app, the
// Predict page scores a file with a run imported while online, and the viewer page is there for exports.
const work = mkdtempSync(join(tmpdir(), "mf-web-offline-"));
let browser: Browser;
let runId = "";

beforeAll(async () => {
  const splits = synthSplits({ symbols: 2, rows: 800, features: 8, seed: 11, signal: SYNTH_STRONG_SIGNAL });
  for (const split of ["train", "val", "test"] as const) writeFileSync(join(work, `${split}.parquet`), writeParquet(splits[split].columns));
  const trained = await mf([
    "train",
    "--data",
    work,
    "--model",
    "logistic",
    "--horizon",
    "5",
    "--epochs",
    "1",
    "--backend",
    "cpu",
    "--json",
    "--out",
    join(work, "runs"),
  ]);
  expect(trained.code, show(trained)).toBe(0);
  runId = JSON.parse(trained.stdout.trim().split("\n").at(-1)!).run_id;
  const exported = await mf(["export", "--runs", join(work, "runs"), "--out", join(work, "site")]);
  expect(exported.code, show(exported)).toBe(0);
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  rmSync(work, { recursive: true, force: true });
});

describe.each([
  ["npm run preview", vitePreview],
  ["python3 -m http.server", pythonServer],
])("offline behind %s", (_name, serve) => {
  it("after the first visit, with the network off and the server gone, a reload shows the app and Predict scores a file", async () => {
    const server = await serve(inject("webDist"));
    // a fresh profile: nothing cached but what this visit caches
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    try {
      const page = await context.newPage();
      const errors = recordErrors(page);
      await page.goto(`${server.url}#/runs`);
      // the service worker controls the page once it has precached the whole build
      await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null), { timeout: 60_000 }).toBe(true);
      await page.getByLabel("Import a bundle or viewer page").setInputFiles(join(work, "site", "runs.mfbundle"));
      await expect.poll(() => page.getByRole("status").innerText(), { timeout: 30_000 }).toBe(`Imported 1 run(s): ${runId}.`);

      await context.setOffline(true);
      await server.close();
      await page.reload();
      await expect.poll(() => page.getByRole("table", { name: "Runs" }).getByRole("link", { name: runId }).isVisible(), { timeout: 30_000 }).toBe(true);
      // the viewer page, which "download as a viewer page" reads, is precached too
      expect(await page.evaluate(async () => (await fetch("viewer/index.html")).status)).toBe(200);

      await page.goto(`${server.url}#/predict`);
      const runChoice = page.getByLabel("Model from run");
      await expect.poll(() => runChoice.locator("option").allInnerTexts(), { timeout: 30_000 }).toContainEqual(expect.stringContaining(runId));
      await runChoice.selectOption({ label: (await runChoice.locator("option").allInnerTexts()).find((t) => t.includes(runId))! });
      await page.getByLabel("Parquet file").setInputFiles(join(work, "test.parquet"));
      await page.getByRole("button", { name: "Predict" }).click();
      await expect.poll(() => page.getByTestId("predicted").innerText(), { timeout: 60_000 }).toMatch(/^240 rows scored/);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
      await server.close();
    }
  });
});
