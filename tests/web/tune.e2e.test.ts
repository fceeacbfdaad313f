// deno-lint-ignore-file no-explicit-any -- parsed journal lines and run records, read loosely by the test
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, type Page } from "playwright";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { writeParquet } from "../../core/data/parquet_write.ts";
import { SYNTH_STRONG_SIGNAL, synthSplits } from "../../core/data/synth.ts";
import { launchChromium, recordErrors } from "./chromium.ts";
import { serveStatic } from "./static_server.ts";

// The Tune page of the built app in headless Chromium: logistic regression tuned for 6 trials on tiny synthetic
// splits in one worker; the page reloads after the third trial ends, which kills the worker mid-trial; Resume goes on
// once the lost trial's heartbeat lapses (10 s) and the study ends with exactly 6 trials toward its budget, their
// numbers unique, the lost one failed by its heartbeat and its run marked failed; the study page shows its history,
// slices and importances (mf-study-view) and links its trials to their runs.
const root = new URL("../..", import.meta.url).pathname;
const shots = join(root, "tests/web/screenshots");
const work = mkdtempSync(join(tmpdir(), "mf-web-tune-"));
const NAME = "e2e-logistic";
let browser: Browser;
let server: Awaited<ReturnType<typeof serveStatic>>;
let page: Page;
let errors: string[] = [];

/** Every record of an object store of an app database (read inside the page, as a reload finds them). */
async function records(page: Page, db: string, store: string): Promise<any[]> {
  return await page.evaluate(async ([db, store]) => {
    const opened = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open(db);
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const all = await new Promise<unknown[]>((resolve, reject) => {
      const get = opened.transaction(store).objectStore(store).getAll();
      get.onsuccess = () => resolve(get.result);
      get.onerror = () => reject(get.error);
    });
    opened.close();
    // run files hold bytes: decode run.json records, drop the rest
    return all.flatMap((r: any) => (r.data ? (r.path === "run.json" ? [JSON.parse(new TextDecoder().decode(r.data))] : []) : [r]));
  }, [db, store]);
}

/** A study's journal operations, in order. */
async function journal(page: Page, name = NAME): Promise<any[]> {
  const lines = (await records(page, "model-factory-studies", "lines")).filter((r) => r.study === name);
  return lines.sort((a, b) => a.seq - b.seq).map((r) => JSON.parse(r.line));
}

/** Trial number -> how it finished (the first finish wins, as in replay). */
function finishes(ops: any[]): Map<number, any> {
  const ended = new Map<number, any>();
  for (const op of ops) if (op.op === "finish" && !ended.has(op.trial)) ended.set(op.trial, op);
  return ended;
}

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  const splits = synthSplits({ symbols: 2, rows: 800, features: 8, seed: 11, signal: SYNTH_STRONG_SIGNAL });
  for (const split of ["train", "val", "test"] as const) writeFileSync(join(work, `${split}.parquet`), writeParquet(splits[split].columns));
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

describe("the Tune page", () => {
  const tune = () => page.locator("mf-tune-page");
  const progress = () => tune().getByTestId("study-progress");

  it("tunes logistic for 6 trials; a reload after trial 3 ends, Resume goes on to exactly 6 with unique numbers", async () => {
    await page.goto(`${server.url}#/tune`);
    await tune().locator('input[type="file"]').setInputFiles(["train", "val", "test"].map((s) => join(work, `${s}.parquet`)));
    const horizon = tune().getByLabel("Horizon");
    await expect.poll(() => horizon.isEnabled(), { timeout: 30_000 }).toBe(true);
    await horizon.selectOption("5");
    expect(await tune().getByLabel("Model").inputValue()).toBe("linear:logistic");
    // only plugins that declare a search space are offered
    expect(await tune().getByLabel("Model").locator("option").count()).toBeGreaterThan(5);
    await tune().getByLabel("Trials").fill("6");
    await tune().getByLabel("Sampler").selectOption("tpe");
    await tune().getByLabel("Pruner").selectOption("median");
    await tune().getByLabel("Objective").selectOption("f1_macro");
    await tune().getByLabel("Study name").fill(NAME);
    // enough epochs that a trial takes a second or more: the reload lands while the fourth trial trains
    await tune().getByLabel("epochs", { exact: true }).fill("80");
    await tune().getByLabel("patience", { exact: true }).fill("0");
    await tune().getByLabel("backend", { exact: true }).selectOption("cpu");
    await tune().getByRole("button", { name: "Start" }).click();

    // the page shows the study while it runs: the trial in progress and the progress line
    await expect.poll(() => page.evaluate(() => location.hash)).toBe(`#/tune/${NAME}`);
    await expect.poll(() => tune().getByTestId("current-trial").innerText(), { timeout: 60_000 }).toMatch(/^Trial 0: /);
    await expect.poll(async () => finishes(await journal(page)).size, { timeout: 120_000, interval: 100 }).toBeGreaterThanOrEqual(3);
    await page.reload();
    const atReload = await journal(page);
    const ended = finishes(atReload);
    expect(ended.size).toBe(3);
    const cut = atReload.filter((op) => op.op === "create_trial" && !ended.has(op.number)).map((op) => op.number);
    expect(cut.length).toBeLessThanOrEqual(1);
    await page.screenshot({ path: join(shots, "30-tune-progress.png"), fullPage: true });

    // after the reload the page shows the study and a Resume that continues it to its budget
    await expect.poll(() => progress().innerText(), { timeout: 30_000 }).toMatch(/^3 of 6 trials ended · best \d\.\d{4} \(trial \d\)/);
    await tune().getByRole("button", { name: "Resume" }).click();
    await expect.poll(() => tune().getByRole("status").innerText(), { timeout: 240_000 }).toMatch(
      new RegExp(`^${NAME}: done \\(\\d trials run in this tab\\)$`),
    );
    await expect.poll(() => progress().innerText(), { timeout: 10_000 }).toMatch(/^6 of 6 trials ended · best \d\.\d{4} \(trial \d\) · complete$/);

    const ops = await journal(page);
    const created = ops.filter((op) => op.op === "create_trial").map((op) => op.number);
    expect(created).toEqual(created.map((_, i) => i));
    const final = finishes(ops);
    expect(final.size).toBe(created.length);
    const lost = [...final.values()].filter((f) => f.reason === "heartbeat").map((f) => f.trial);
    // the trial the reload cut short (if one was running) failed through its heartbeat, and its slot ran again
    expect(lost).toEqual(cut);
    const counted = [...final.values()].filter((f) => f.reason !== "heartbeat");
    expect(counted).toHaveLength(6);
    expect(counted.every((f) => f.state === "complete" || f.state === "pruned")).toBe(true);
    expect(new Set(counted.map((f) => f.trial)).size).toBe(6);
    // every epoch of every counted trial was reported, and each has its run tagged with the study and trial
    const runs = (await records(page, "model-factory", "files")).filter((r) => r.study?.name === NAME);
    for (const f of counted) {
      const run = runs.find((r) => r.id === f.run_id);
      expect(run?.study, `trial ${f.trial}`).toEqual({ name: NAME, trial: f.trial });
      expect(run.status).toBe(f.state === "pruned" ? "pruned" : "finished");
      expect(ops.filter((op) => op.op === "report" && op.trial === f.trial)).toHaveLength(run.epochs_run);
    }
    // the run the reload cut short is not left running
    const orphans = runs.filter((r) => cut.includes(r.study.trial));
    expect(orphans.map((r) => r.status)).toEqual(cut.map(() => "failed"));
    expect(runs.filter((r) => r.status === "running")).toEqual([]);
    await page.screenshot({ path: join(shots, "31-tune-done.png"), fullPage: true });
  }, 400_000);

  it("shows the study's history, slices and importances", async () => {
    const view = tune().locator("mf-study-view");
    await expect.poll(() => view.getByRole("heading", { name: "Optimisation history" }).isVisible()).toBe(true);
    expect(await view.locator("mf-study-chart.history").count()).toBe(1);
    // one slice per parameter of logistic's space
    expect((await view.locator("mf-study-chart.slice").evaluateAll((els) => els.map((e) => e.getAttribute("data-param")))).sort()).toEqual([
      "params.l2",
      "params.learning_rate",
    ]);
    const shares = await view.getByRole("table", { name: "Parameter importances" }).locator("tbody tr td.num").allInnerTexts();
    expect(shares).toHaveLength(2);
    expect(shares.map(Number).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 2);
  });

  it("stops a study with Stop: its trial ends failed (stopped), which frees its slot, and Resume with the files picked again finishes it", async () => {
    const name = "e2e-stop";
    await page.goto(`${server.url}#/tune`);
    await tune().locator('input[type="file"]').setInputFiles(["train", "val", "test"].map((s) => join(work, `${s}.parquet`)));
    await expect.poll(() => tune().getByLabel("Horizon").isEnabled(), { timeout: 30_000 }).toBe(true);
    await tune().getByLabel("Trials").fill("2");
    await tune().getByLabel("Pruner").selectOption("none");
    await tune().getByLabel("Study name").fill(name);
    await tune().getByLabel("epochs", { exact: true }).fill("150");
    await tune().getByLabel("patience", { exact: true }).fill("0");
    await tune().getByLabel("backend", { exact: true }).selectOption("cpu");
    await tune().getByRole("button", { name: "Start" }).click();
    await expect.poll(() => tune().getByTestId("current-trial").innerText(), { timeout: 60_000 }).toMatch(/^Trial 0: epoch \d+ of 150/);
    await tune().getByRole("button", { name: "Stop", exact: true }).click();
    await expect.poll(() => tune().getByRole("status").innerText(), { timeout: 60_000 }).toBe(`${name}: stopped; Resume continues it to 2 trials`);
    const stopped = (await journal(page, name)).filter((op) => op.op === "finish");
    expect(stopped.map((f) => [f.trial, f.state, f.reason])).toEqual([[0, "failed", "stopped"]]);
    const run = (await records(page, "model-factory", "files")).find((r) => r.id === stopped[0].run_id);
    expect(run.status).toBe("stopped");
    expect(await progress().innerText()).toMatch(/^0 of 2 trials ended · best - · incomplete$/);

    // the files picked again replace the stored ones; Resume runs two more trials (the stopped one does not count)
    await tune().getByLabel("Pick the data files again").setInputFiles(["train", "val", "test"].map((s) => join(work, `${s}.parquet`)));
    await tune().getByRole("button", { name: "Resume" }).click();
    await expect.poll(() => tune().getByRole("status").innerText(), { timeout: 120_000 }).toBe(`${name}: done (2 trials run in this tab)`);
    const ended = [...finishes(await journal(page, name)).values()].map((f) => [f.trial, f.state]);
    expect(ended).toEqual([[0, "failed"], [1, "complete"], [2, "complete"]]);
    expect(await progress().innerText()).toMatch(/^2 of 2 trials ended · best \d\.\d{4} \(trial [12]\) · complete$/);
  }, 200_000);

  it("lists the study and shows its trials, each linked to its run", async () => {
    await page.getByRole("link", { name: "All studies" }).click();
    const row = tune().getByRole("table", { name: "Studies" }).locator("tbody tr", { hasText: NAME });
    await expect.poll(() => row.innerText(), { timeout: 30_000 }).toMatch(
      new RegExp(`^${NAME}\\tlinear:logistic\\t5\\tf1_macro \\(maximize\\)\\t6 of 6\\t\\d\\.\\d{4}\\tcomplete`),
    );
    await row.getByRole("link", { name: NAME }).click();
    const trials = tune().getByRole("table", { name: "Trials" }).locator("tbody tr");
    await expect.poll(() => trials.count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(6);
    await trials.filter({ hasText: "complete" }).first().getByRole("link").click();
    await expect.poll(() => page.evaluate(() => location.hash), { timeout: 30_000 }).toMatch(/^#\/runs\//);
    expect(errors).toEqual([]);
  }, 120_000);
});
