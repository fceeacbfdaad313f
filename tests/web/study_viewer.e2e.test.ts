import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { type Browser, type Page } from "playwright";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemoryRunStore } from "../../core/memory_store.ts";
import { lastLine, mf, show } from "../cli/helpers.ts";
import { fakeStudyJournal } from "../fixtures/fake_study.ts";
import { writeFakeRuns } from "../fixtures/fake_runs.ts";
import { launchChromium, recordErrors } from "./chromium.ts";
import { serveStatic } from "./static_server.ts";

// A study's journal and fake runs on disk, exported with mf export, opened in headless Chromium: the viewer lists the
// study and shows its history, slices, importances and trials, the trials linked to the runs in the bundle.
const root = new URL("../..", import.meta.url).pathname;
const shots = join(root, "tests/web/screenshots");
const work = mkdtempSync(join(tmpdir(), "mf-study-viewer-"));
const runs = join(work, "experiments", "runs");
const studies = join(work, "experiments", "studies");
const site = join(work, "site");
let tuned: string[] = [];
let browser: Browser;
let server: Awaited<ReturnType<typeof serveStatic>>;

/** Exports with `mf export --json` and returns what it says it carried. */
async function exportJson(...args: string[]): Promise<{ runs: string[]; studies: string[] }> {
  const r = await mf(["export", "--runs", runs, "--json", ...args]);
  if (r.code !== 0) throw new Error(`export failed: ${show(r)}`);
  return JSON.parse(lastLine(r.stdout));
}

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  const store = new MemoryRunStore();
  const ids = await writeFakeRuns(store, { count: 16, epochs: 5, seed: 4 });
  for (const id of ids) {
    for (const path of await store.files(id)) {
      mkdirSync(dirname(join(runs, id, path)), { recursive: true });
      writeFileSync(join(runs, id, path), await store.read(id, path));
    }
  }
  // fake runs cycle through logistic, mlp, lstm, gbdt: the (MLP) study's first trials are the MLP runs
  tuned = ids.filter((_, i) => i % 4 === 1);
  const other = ids.filter((_, i) => i % 4 === 0);
  for (const [name, runIds, trials] of [["lr-search", tuned, 30], ["other-search", other, 6]] as const) {
    mkdirSync(join(studies, name), { recursive: true });
    writeFileSync(join(studies, name, "journal.jsonl"), fakeStudyJournal({ name, trials, runIds }));
  }
  const chosen = await exportJson("--out", site, "--select", "model=neural:mlp");
  expect(chosen.runs).toEqual([...tuned].sort());
  // only the study with a trial among the exported runs goes in
  expect(chosen.studies).toEqual(["lr-search"]);
  server = await serveStatic(site);
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  rmSync(work, { recursive: true, force: true });
});

async function openPage(): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  return { page, errors: recordErrors(page) };
}

describe("studies in the exported viewer", () => {
  it("carries every study when all runs are exported, none with --no-studies", async () => {
    expect((await exportJson("--single-file", join(work, "all.html"))).studies).toEqual(["lr-search", "other-search"]);
    expect((await exportJson("--single-file", join(work, "none.html"), "--no-studies")).studies).toEqual([]);
  });

  it("lists the study and shows its history, intermediate values, slices, parallel coordinates, importances and trials", async () => {
    const { page, errors } = await openPage();
    await page.goto(server.url);
    await page.getByRole("link", { name: "Studies (1)" }).click();
    const list = page.getByRole("table", { name: "Studies" });
    await expect.poll(() => list.locator("tbody tr").allInnerTexts(), { timeout: 30_000 }).toEqual([
      expect.stringMatching(/^lr-search\tneural:mlp\t5\tf1_macro \(maximize\)\t30\t23\t6\t0\.\d+$/),
    ]);
    await list.getByRole("link", { name: "lr-search" }).click();
    expect(page.url()).toMatch(/#\/studies\/lr-search$/);

    // history: a dot per complete trial plus the best-so-far line, drawn by uPlot
    const history = page.locator("mf-study-chart.history");
    await expect.poll(() => history.getAttribute("data-points"), { timeout: 30_000 }).toBe(String(23 * 2));
    expect(await history.locator("canvas").count()).toBeGreaterThan(0);
    expect(await history.getByRole("img").getAttribute("aria-label")).toBe("Objective per trial: f1_macro by trial, 46 points");
    expect(await page.locator("mf-study-chart.intermediate").getAttribute("data-points")).toBe(String(23 * 4 + 6 * 2));

    const slices = page.locator("mf-study-chart.slice");
    expect(await slices.evaluateAll((els) => els.map((e) => e.getAttribute("data-param")))).toEqual([
      "params.learning_rate",
      "params.l2",
      "trainer.batch_size",
      "params.activation",
      "params.dropout",
    ]);
    for (const slice of await slices.all()) expect(await slice.locator("canvas").count()).toBeGreaterThan(0);
    expect(await slices.first().getByRole("img").getAttribute("aria-label")).toBe("learning_rate (log): f1_macro by learning_rate, 23 points");
    expect(await page.locator("svg.parallel path.trial").count()).toBe(23);

    const importances = page.getByRole("table", { name: "Parameter importances" });
    const rows = await importances.locator("tr").allInnerTexts();
    expect(rows).toHaveLength(5);
    expect(rows[0]).toMatch(/^learning_rate\t\t0\.\d{3}$/);
    const shares = rows.map((r) => Number(r.split("\t").at(-1)));
    expect(shares[0]).toBeGreaterThan(0.5);
    expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 2);

    const trials = page.getByRole("table", { name: "Trials" });
    expect(await trials.locator("tbody tr").count()).toBe(30);
    expect(await trials.locator("tbody tr.pruned").count()).toBe(6);
    expect(await trials.locator("tbody tr.best").count()).toBe(1);
    await page.screenshot({ path: join(shots, "viewer-study.png"), fullPage: true });

    // a trial whose run is in the bundle opens its run page
    const link = trials.locator('tr[data-trial="0"] a.run');
    expect(await link.innerText()).toBe(tuned[0]);
    await link.click();
    await expect.poll(() => page.url()).toMatch(new RegExp(`#/runs/${tuned[0]}$`));
    await expect.poll(() => page.getByRole("table", { name: "Confusion matrix, test" }).isVisible(), { timeout: 30_000 }).toBe(true);
    // trials past the exported runs have no run to link
    await page.goBack();
    await expect.poll(() => trials.locator('tr[data-trial="29"] a.run').count(), { timeout: 30_000 }).toBe(0);
    expect(errors).toEqual([]);
  });

  it("shows the best trial's run config to copy when Train with best is pressed in the read-only viewer", async () => {
    const { page, errors } = await openPage();
    await page.goto(`${server.url}#/studies/lr-search`);
    await page.getByRole("button", { name: "Train with best" }).click();
    const dialog = page.getByRole("dialog", { name: "Run config of the best trial" });
    await expect.poll(() => dialog.isVisible(), { timeout: 30_000 }).toBe(true);
    const config = JSON.parse(await dialog.getByRole("textbox").inputValue());
    expect(config.model).toBe("neural:mlp");
    expect(config.dataset).toEqual({ horizon: 5 });
    expect(Object.keys(config.params)).toEqual(expect.arrayContaining(["learning_rate", "l2", "activation"]));
    expect(errors).toEqual([]);
  });
});
