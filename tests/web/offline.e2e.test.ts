import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { type AddressInfo, createServer } from "node:net";
import { join } from "node:path";
import { type Browser } from "playwright";
import { preview } from "vite";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { writeParquet } from "../../core/data/parquet_write.ts";
import { SYNTH_STRONG_SIGNAL, synthSplits } from "../../core/data/synth.ts";
import { mf, show } from "../cli/helpers.ts";
import { launchChromium, recordErrors } from "./chromium.ts";

// Offline after the first visit, in a fresh browser profile, behind the two servers people use: the
// README's `npm run preview` (Vite's preview server, which sends `Vary: Origin`) and a plain static server
// (python3 -m http.server). The network goes off and the server goes away; a reload shows the app, the
// Predict page scores a file with a run imported while online, and the viewer page is there for exports.
const root = new URL("../..", import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), "mf-web-offline-"));
let browser: Browser;
let runId = "";

interface Served {
  url: string;
  close(): Promise<void>;
}

/** `npm run preview` as the README runs it: vite preview with the project's config, on the test's build. */
async function vitePreview(dist: string): Promise<Served> {
  const server = await preview({
    configFile: join(root, "vite.config.ts"),
    logLevel: "error",
    build: { outDir: dist },
    preview: { host: "127.0.0.1", port: 0, strictPort: false },
  });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error("vite preview reported no local URL");
  return {
    url,
    close: async () => {
      // keep-alive connections would hold the server open; the page must see it gone at once
      const http = server.httpServer;
      if ("closeAllConnections" in http) http.closeAllConnections();
      await server.close();
    },
  };
}

/** A port free on 127.0.0.1 right now. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** python3 -m http.server serving `dist`, once it answers. */
async function pythonServer(dist: string): Promise<Served> {
  const port = await freePort();
  const child = spawn("python3", ["-m", "http.server", String(port), "--bind", "127.0.0.1", "--directory", dist], { stdio: "ignore" });
  for (let tries = 0;; tries++) {
    if (child.exitCode !== null) throw new Error(`python3 -m http.server exited with ${child.exitCode}`);
    const up = await fetch(`http://127.0.0.1:${port}/precache.json`).then((r) => r.ok, () => false);
    if (up) break;
    if (tries > 100) throw new Error(`python3 -m http.server did not answer on port ${port} within 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  // a second close waits on the same exit (a killed child's exitCode stays null: it has a signalCode instead)
  const exited = new Promise((resolve) => child.once("exit", resolve));
  return {
    url: `http://127.0.0.1:${port}/`,
    close: async () => {
      child.kill("SIGTERM");
      await exited;
    },
  };
}

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
