import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, type Page } from "playwright";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { replay } from "../../core/tune/journal.ts";
import { bestSettings } from "../../core/tune/study_view.ts";
import { fakeStudyJournal } from "../fixtures/fake_study.ts";
import { launchChromium, recordErrors } from "./chromium.ts";
import { serveStatic } from "./static_server.ts";

// The built app with a study in its IndexedDB journal store (as the Tune page keeps one): the study page's
// "Train with best" fills the Train page's forms with the best trial's settings, and "Add to an experiment" adds
// a model entry with them to the Experiments page's form.
const root = new URL("../..", import.meta.url).pathname;
const shots = join(root, "tests/web/screenshots");
const journal = fakeStudyJournal({ name: "lr-search", trials: 12 });
const best = bestSettings(replay(journal, "lr-search"))!;
let browser: Browser;
let server: Awaited<ReturnType<typeof serveStatic>>;
let page: Page;
let errors: string[] = [];

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  server = await serveStatic(inject("webDist"));
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  errors = recordErrors(page);
  await page.goto(server.url);
  // the journal's lines as web/idb_journal.ts keeps them: database <runs db>-studies, store "lines" keyed by [study, seq]
  await page.evaluate(async (lines) => {
    const request = indexedDB.open("model-factory-studies", 1);
    request.onupgradeneeded = () => {
      request.result.createObjectStore("lines", { keyPath: ["study", "seq"] }).createIndex("seq", "seq");
      request.result.createObjectStore("tunes", { keyPath: "name" });
    };
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const tx = db.transaction("lines", "readwrite");
    lines.forEach((line, seq) => tx.objectStore("lines").add({ study: "lr-search", seq, line }));
    await new Promise((resolve, reject) => {
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
    });
    db.close();
  }, journal.trimEnd().split("\n"));
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** A field of the Train page's settings forms, by its key, in the form with this legend. */
function field(legend: string, key: string) {
  return page.locator("mf-train-page mf-schema-form").filter({ has: page.locator("legend", { hasText: legend }) }).locator(`[name="${key}"]`);
}

describe("a study's best trial in the app", () => {
  it("Train with best opens the Train page with the model and the best trial's params, dataset and trainer settings", async () => {
    await page.goto(`${server.url}#/tune/lr-search`);
    await page.getByRole("button", { name: "Train with best" }).click();
    await expect.poll(() => new URL(page.url()).hash).toBe("#/");
    await expect.poll(() => page.locator("mf-train-page #model").inputValue(), { timeout: 30_000 }).toBe("neural:mlp");
    const params = best.params as Record<string, number | string>;
    await expect.poll(() => field("neural:mlp parameters", "learning_rate").inputValue()).toBe(String(params.learning_rate));
    expect(await field("neural:mlp parameters", "l2").inputValue()).toBe(String(params.l2));
    expect(await field("neural:mlp parameters", "activation").inputValue()).toBe(String(params.activation));
    expect(await field("Trainer", "batch_size").inputValue()).toBe(String(best.trainer.batch_size));
    expect(await field("Trainer", "epochs").inputValue()).toBe("4");
    expect(await field("Dataset", "horizon").inputValue()).toBe("5");
    // settings the study did not tune keep their defaults
    expect(await field("neural:mlp parameters", "hidden").inputValue()).toBe("128, 64");
    await page.screenshot({ path: join(shots, "app-train-with-best.png"), fullPage: true });
  });

  it("Add to an experiment puts a model entry with the best settings in the Experiments page's form", async () => {
    await page.goto(`${server.url}#/tune/lr-search`);
    await page.getByRole("button", { name: "Add to an experiment" }).click();
    await expect.poll(() => new URL(page.url()).hash).toBe("#/experiments");
    const added = page.locator("mf-experiment-form p.added");
    await expect.poll(() => added.allInnerTexts(), { timeout: 30_000 }).toEqual(["tuned-lr-search: neural:mlp with a study's best settings Remove"]);
    // the same study added twice replaces its entry
    await page.goto(`${server.url}#/tune/lr-search`);
    await page.getByRole("button", { name: "Add to an experiment" }).click();
    await expect.poll(() => added.count(), { timeout: 30_000 }).toBe(1);
    await added.getByRole("button", { name: "Remove" }).click();
    await expect.poll(() => added.count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
