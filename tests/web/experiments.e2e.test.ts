// deno-lint-ignore-file no-explicit-any -- parsed JSON of run and report files, read loosely by the test
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, type Page } from "playwright";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { writeParquet } from "../../core/data/parquet_write.ts";
import { SYNTH_STRONG_SIGNAL, synthSplits } from "../../core/data/synth.ts";
import { mf, show } from "../cli/helpers.ts";
import { launchChromium, recordErrors } from "./chromium.ts";
import { serveStatic } from "./static_server.ts";

// The Experiments page of the built app in headless Chromium: a 2 models x 2 horizons experiment on tiny
// synthetic splits, its queue in one worker; a reload while the second cell trains resumes the queue,
// which ends with four finished cells and one run per cell; ensembles from the report page's button; then
// the same config through `mf experiment` and `mf report` gives the same cells and metrics as the app's report.
const root = new URL("../..", import.meta.url).pathname;
const shots = join(root, "tests/web/screenshots");
const work = mkdtempSync(join(tmpdir(), "mf-web-exp-"));
const NAME = "e2e-2x2";
let browser: Browser;
let server: Awaited<ReturnType<typeof serveStatic>>;
let page: Page;
let errors: string[] = [];

/** Every run.json in the app's run store, parsed (read inside the page, as a reload finds them). */
async function storedRuns(page: Page): Promise<any[]> {
  const texts: string[] = await page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open("model-factory");
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const records = await new Promise<{ data: Uint8Array }[]>((resolve, reject) => {
      const get = db.transaction("files").objectStore("files").index("path").getAll(IDBKeyRange.only("run.json"));
      get.onsuccess = () => resolve(get.result);
      get.onerror = () => reject(get.error);
    });
    db.close();
    return records.map((r) => new TextDecoder().decode(r.data));
  });
  return texts.map((t) => JSON.parse(t));
}

/** A file of an experiment in the app's experiments store, and the queue record it keeps (config and state). */
async function storedExperiment(page: Page, name: string): Promise<{ files: Record<string, string>; queue: any }> {
  return await page.evaluate(async (name) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open("model-factory-experiments");
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const get = <T>(store: string, query: IDBValidKey | IDBKeyRange, all: boolean) =>
      new Promise<T>((resolve, reject) => {
        const os = db.transaction(store).objectStore(store);
        const request = all ? os.getAll(query) : os.get(query);
        request.onsuccess = () => resolve(request.result as T);
        request.onerror = () => reject(request.error);
      });
    const records = await get<{ path: string; data: Uint8Array }[]>("files", IDBKeyRange.bound([name, ""], [name, "\uffff"]), true);
    const queue = await get<{ config: unknown; state: string }>("queues", name, false);
    db.close();
    return {
      files: Object.fromEntries(records.map((r) => [r.path, new TextDecoder().decode(r.data)])),
      queue: { config: queue.config, state: queue.state },
    };
  }, name);
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

describe("the Experiments page", () => {
  const exp = () => page.locator("mf-experiments-page");
  const cellRows = () => exp().getByRole("table", { name: "Cells" }).locator("tbody tr");

  it("plans a 2 x 2 experiment from the split files' label columns", async () => {
    await page.goto(`${server.url}#/experiments`);
    await exp().getByLabel("Experiment name").fill(NAME);
    await exp().locator('input[type="file"]').setInputFiles(["train", "val", "test"].map((s) => join(work, `${s}.parquet`)));
    // the horizons are the label columns every split has, all ticked
    await expect.poll(() => exp().getByLabel("H20 (label_h20)").isChecked(), { timeout: 30_000 }).toBe(true);
    expect(await exp().getByLabel("H5 (label_h5)").isChecked()).toBe(true);
    await exp().getByLabel("trees:gbdt", { exact: true }).check();
    await exp().getByLabel("Seeds (comma-separated)").fill("7");
    await exp().getByLabel("epochs", { exact: true }).fill("60");
    await exp().getByLabel("patience", { exact: true }).fill("0");
    await exp().getByLabel("backend", { exact: true }).selectOption("cpu");
    await exp().getByRole("button", { name: "Plan" }).click();
    const plan = exp().getByRole("table", { name: "Plan" }).locator("tbody tr");
    await expect.poll(() => plan.count(), { timeout: 30_000 }).toBe(4);
    const rows = (await plan.allInnerTexts()).map((r) => r.split("\t").slice(1, 5).join(" "));
    expect(rows).toEqual(["logistic linear:logistic 5 7", "logistic linear:logistic 20 7", "gbdt trees:gbdt 5 7", "gbdt trees:gbdt 20 7"]);
  });

  it("runs the queue in a worker; a reload while the second cell trains resumes it, and it ends with one finished run per cell", async () => {
    await exp().getByRole("button", { name: "Run" }).click();
    // the first cell finished and the second is training (an epoch reported): reload mid-queue
    await expect.poll(async () => (await cellRows().allInnerTexts()).map((r) => r.split("\t")[5]), { timeout: 120_000 }).toEqual([
      "finished",
      "running",
      "pending",
      "pending",
    ]);
    await expect.poll(() => exp().getByTestId("run-status").innerText(), { timeout: 60_000 }).toMatch(/epoch \d+ of 60/);
    await page.screenshot({ path: join(shots, "10-experiment-queue.png"), fullPage: true });
    const before = await storedRuns(page);
    expect(before.filter((r) => r.status === "running")).toHaveLength(1);
    // reloaded on another page: the app finds the stored queue running and resumes it there
    await page.evaluate(() => (location.hash = "#/runs"));
    await page.reload();
    // the experiments page is mounted (hidden) only because a stored queue is running
    await expect.poll(() => page.locator("mf-experiments-page").count(), { timeout: 30_000 }).toBe(1);
    expect(await page.getByRole("heading", { name: "Runs", exact: true }).isVisible()).toBe(true);
    await page.getByRole("link", { name: "Experiments", exact: true }).click();
    // the first cell already finished: the queue goes on from the second
    await expect.poll(async () => (await exp().getByRole("status").allInnerTexts()).join(" | "), { timeout: 150_000 }).toBe(
      `${NAME}: 4 of 4 cells finished (3 trained now).`,
    );
    expect(await exp().getByTestId("queue-status").innerText()).toMatch(/^cell 3 of 3 · 4 of 4 finished · elapsed \d+/);
    const runs = (await storedRuns(page)).filter((r) => r.experiment?.name === NAME);
    const finished = runs.filter((r) => r.status === "finished");
    expect(finished).toHaveLength(4);
    expect(new Set(finished.map((r) => r.experiment.cell_id)).size).toBe(4);
    // the run the reload cut short is kept, marked failed by the resumed queue, and its cell trained again
    const interrupted = runs.filter((r) => r.status !== "finished");
    expect(interrupted.map((r) => [r.status, r.error, r.horizon])).toEqual([["failed", "interrupted: the process running it ended before the run did", 20]]);
    const list = exp().getByRole("table", { name: "Experiments" }).locator("tbody tr", { hasText: NAME });
    await expect.poll(() => list.innerText()).toMatch(new RegExp(`^${NAME}\\tended\\t4\\t4\\t0\\t0\\t`));
    expect((await storedExperiment(page, NAME)).queue.state).toBe("ended");
    await page.screenshot({ path: join(shots, "11-experiment-done.png"), fullPage: true });
  }, 300_000);

  it("shows the report, builds the ensembles from a button, and matches mf experiment + mf report on the same data and seeds", async () => {
    await exp().getByRole("table", { name: "Experiments" }).getByRole("link", { name: NAME }).click();
    const report = page.locator("mf-experiment-page");
    await expect.poll(() => report.getByText("All cells (4)").isVisible(), { timeout: 30_000 }).toBe(true);
    // ensembles from the button: the worker runs the queue again (nothing left to train) and then builds them
    await report.getByRole("button", { name: "Build ensembles" }).click();
    await expect.poll(() => report.getByText("All cells (8)").isVisible(), { timeout: 120_000 }).toBe(true);
    await report.getByText("All cells (8)").click();
    const cells = report.getByRole("table", { name: "Cells" }).locator("tbody tr");
    await page.screenshot({ path: join(shots, "12-experiment-report.png"), fullPage: true });
    const stored = await storedExperiment(page, NAME);
    const app = JSON.parse(stored.files["report.json"]);

    // the same experiment through the CLI: the config the app stored, its data paths next to it
    writeFileSync(join(work, "experiment.json"), JSON.stringify({ ...stored.queue.config, output: { base_dir: "cli/runs" } }));
    const ran = await mf(["experiment", "--config", join(work, "experiment.json"), "--json"], 300_000);
    expect(ran.code, show(ran)).toBe(0);
    const reported = await mf(["report", "--experiment", NAME, "--runs", join(work, "cli", "runs"), "--json"]);
    expect(reported.code, show(reported)).toBe(0);
    const cli = JSON.parse(readFileSync(JSON.parse(reported.stdout.trim().split("\n").at(-1)!).report_json, "utf8"));

    // same data, config and seeds: the same cells (the four models' with the same ids; ensembles are named by their
    // members' run ids, which differ) and the same metrics up to float rounding (both train on tfjs's cpu backend)
    // (ensembles made in the same second list in either order: they are matched by label and horizon)
    const key = (c: any) => `${c.label} h${c.horizon}`;
    const cliCells = new Map<string, any>(cli.cells.map((c: any) => [key(c), c]));
    expect(app.cells.map((c: any) => `${key(c)} s${c.seed} ${c.status}`).slice(0, 4)).toEqual(
      ["logistic h5", "logistic h20", "gbdt h5", "gbdt h20"].map((k) => `${k} s7 finished`),
    );
    expect(app.cells.slice(4).map((c: any) => `${key(c)} ${c.status}`).sort()).toEqual(
      ["soft_voting h20", "soft_voting h5", "stacking h20", "stacking h5"].map((k) => `${k} finished`),
    );
    expect([...cliCells.keys()].sort()).toEqual(app.cells.map(key).sort());
    for (const c of app.cells) {
      const other = cliCells.get(key(c));
      expect([other.status, other.seed]).toEqual(["finished", c.seed]);
      if (!c.model.startsWith("ensemble")) expect(c.cell_id, key(c)).toBe(other.cell_id);
      for (const split of ["val", "test"]) {
        for (const metric of ["f1_macro", "accuracy", "log_loss", "sharpe"]) {
          expect(c[split][metric], `${key(c)} ${split}.${metric}`).toBeCloseTo(other[split][metric], 6);
        }
      }
    }
    // the page shows those numbers, each cell linked to its run
    const shown = (await cells.allInnerTexts()).map((r) => r.split("\t"));
    expect(shown.map((r) => [r[0], r[1], r[3], r[4], r[5], r[6]])).toEqual(app.cells.map((c: any) => {
      const other = cliCells.get(key(c));
      return [c.label, String(c.horizon), "finished", c.run_id, other.val.f1_macro.toFixed(3), other.test.f1_macro.toFixed(3)];
    }));
    await cells.first().getByRole("link").click();
    await expect.poll(() => page.getByRole("table", { name: "Confusion matrix, test" }).isVisible(), { timeout: 30_000 }).toBe(true);
    expect(errors).toEqual([]);
  }, 400_000);

  it("downloads the experiment's runs as a viewer page that opens from file:// with the experiment's report", async () => {
    await page.goto(`${server.url}#/runs`);
    const runs = page.getByRole("table", { name: "Runs" });
    await expect.poll(() => runs.locator("tbody tr").count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(8);
    const boxes = runs.locator("tbody tr").getByRole("checkbox");
    for (let k = 0; k < 8; k++) await boxes.nth(k).check();
    const [viewer] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download selected (8) as a viewer page" }).click()]);
    await viewer.saveAs(join(work, "experiment-viewer.html"));
    const opened = await browser.newPage();
    const openedErrors = recordErrors(opened);
    await opened.goto(`file://${join(work, "experiment-viewer.html")}#/experiments/${NAME}`);
    // the report of the app's experiment: the two models and the two ensembles at horizon 5
    const table = opened.getByRole("table", { name: "Classification, horizon 5" });
    await expect.poll(() => table.locator("tbody tr").count(), { timeout: 30_000 }).toBe(4);
    expect(await table.innerText()).toMatch(/logistic[\s\S]*gbdt[\s\S]*soft_voting[\s\S]*stacking/);
    await opened.screenshot({ path: join(shots, "13-experiment-in-viewer.png"), fullPage: true });
    expect(openedErrors).toEqual([]);
    await opened.close();
  }, 120_000);

  it("stops a queue with Stop: a reload leaves it stopped, and Resume trains its stopped cell again", async () => {
    const name = "e2e-stop";
    await page.goto(`${server.url}#/experiments`);
    await exp().getByLabel("Experiment name").fill(name);
    await exp().locator('input[type="file"]').setInputFiles(["train", "val", "test"].map((s) => join(work, `${s}.parquet`)));
    await expect.poll(() => exp().getByLabel("H20 (label_h20)").isChecked(), { timeout: 30_000 }).toBe(true);
    await exp().getByLabel("H20 (label_h20)").uncheck();
    await exp().getByLabel("epochs", { exact: true }).fill("300");
    await exp().getByLabel("patience", { exact: true }).fill("0");
    await exp().getByLabel("backend", { exact: true }).selectOption("cpu");
    await exp().getByRole("button", { name: "Run" }).click();
    await expect.poll(() => exp().getByTestId("run-status").innerText(), { timeout: 60_000 }).toMatch(/epoch \d+ of 300/);
    await exp().getByRole("button", { name: "Stop", exact: true }).click();
    await expect.poll(() => exp().getByRole("status").innerText(), { timeout: 60_000 }).toBe(`${name}: stopped; Resume runs its unfinished cells`);
    const stopped = (await storedRuns(page)).filter((r) => r.experiment?.name === name);
    expect(stopped.map((r) => r.status)).toEqual(["stopped"]);
    expect((await storedExperiment(page, name)).queue.state).toBe("stopped");

    await page.reload();
    const row = exp().getByRole("table", { name: "Experiments" }).locator("tbody tr", { hasText: name });
    await expect.poll(() => row.innerText(), { timeout: 30_000 }).toMatch(new RegExp(`^${name}\\tstopped\\t1\\t0\\t0\\t1\\t`));
    // not resumed by the reload: nothing runs
    expect(await exp().locator("mf-experiment-queue").getByText("No queue running.").isVisible()).toBe(true);
    await row.getByRole("button", { name: `Resume ${name}` }).click();
    await expect.poll(() => exp().getByRole("status").innerText(), { timeout: 120_000 }).toBe(`${name}: 1 of 1 cells finished (1 trained now).`);
    const runs = (await storedRuns(page)).filter((r) => r.experiment?.name === name);
    expect(runs.map((r) => r.status).sort()).toEqual(["finished", "stopped"]);
    await expect.poll(() => row.innerText()).toMatch(new RegExp(`^${name}\\tended\\t1\\t1\\t0\\t0\\t`));
    expect(errors).toEqual([]);
  }, 300_000);
});
