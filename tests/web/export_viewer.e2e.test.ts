import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type Browser, type Page } from "playwright";
import { launchChromium, recordErrors } from "./chromium.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lastLine, mf, quick, show, writeSplits } from "../cli/helpers.ts";
import { serveStatic } from "./static_server.ts";

// Runs trained by the CLI, exported with mf export, opened in headless Chromium: the site through a
// plain static server and the single file from file://, with no request beyond the export's own files.
const root = new URL("../..", import.meta.url).pathname;
const shots = join(root, "tests/web/screenshots");
const work = mkdtempSync(join(tmpdir(), "mf-export-web-"));
const site = join(work, "site");
const single = join(work, "runs.html");
const ids: string[] = [];
let browser: Browser;
let server: Awaited<ReturnType<typeof serveStatic>>;

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  writeSplits(work);
  const runs = join(work, "runs");
  for (const [model, horizon] of [["logistic", "5"], ["mlp", "5"], ["logistic", "20"]]) {
    const r = await mf(["train", "--data", work, "--model", model, "--horizon", horizon, "--json", ...quick(runs)]);
    if (r.code !== 0) throw new Error(`training failed: ${show(r)}`);
    ids.push(JSON.parse(lastLine(r.stdout)).run_id);
  }
  const r = await mf(["export", "--runs", runs, "--out", site, "--single-file", single, "--title", "CLI runs"]);
  if (r.code !== 0) throw new Error(`export failed: ${show(r)}`);
  server = await serveStatic(site);
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  rmSync(work, { recursive: true, force: true });
});

/** A page that records every request and every error. */
async function openPage(): Promise<{ page: Page; requests: string[]; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const requests: string[] = [];
  page.on("request", (r) => requests.push(r.url()));
  return { page, requests, errors: recordErrors(page) };
}

const runsTable = (page: Page) => page.getByRole("table", { name: "Runs" });

describe("the exported viewer", () => {
  it("serves the runs table, a run page and a comparison from a static server, asking for nothing but its own files", async () => {
    const { page, requests, errors } = await openPage();
    await page.goto(server.url);
    await expect.poll(() => runsTable(page).locator("tbody tr").count(), { timeout: 30_000 }).toBe(3);
    expect(await page.title()).toBe("CLI runs · Model Factory runs");
    const rows = await runsTable(page).locator("tbody tr").allInnerTexts();
    // newest first: run ids start with their creation time; runs made within one second sort by the rest of the id (numbers as numbers)
    const collator = new Intl.Collator("en", { numeric: true });
    expect(rows.map((r) => r.split("\t")[1])).toEqual([...ids].sort(collator.compare).reverse());
    expect(rows.find((r) => r.split("\t")[1] === ids[2])).toMatch(new RegExp(`^\\t${ids[2]}\\tlinear:logistic\\t20\\t`));
    await page.screenshot({ path: join(shots, "viewer-1-runs.png"), fullPage: true });

    await runsTable(page).getByRole("link", { name: ids[1] }).click();
    await expect.poll(() => page.getByRole("table", { name: "Confusion matrix, test" }).isVisible(), { timeout: 30_000 }).toBe(true);
    expect(await page.getByRole("table", { name: "Per symbol, test" }).innerText()).toContain("SYM01");
    await expect.poll(() => page.getByRole("img", { name: /^(Equity|Drawdown) \((test|val)\)/ }).count(), { timeout: 30_000 }).toBe(4);
    expect(await page.getByRole("button", { name: "Delete run" }).count()).toBe(0);
    await page.screenshot({ path: join(shots, "viewer-2-run.png"), fullPage: true });

    await page.goBack();
    await runsTable(page).getByLabel(`compare ${ids[0]}`).check();
    await runsTable(page).getByLabel(`compare ${ids[1]}`).check();
    await page.getByRole("button", { name: "Compare selected (2)" }).click();
    const settings = page.getByRole("table", { name: "Settings compared" });
    await expect.poll(() => settings.locator("th").allInnerTexts(), { timeout: 30_000 }).toEqual(expect.arrayContaining([expect.stringContaining("model")]));
    await expect.poll(() => page.getByRole("table", { name: "Metrics compared" }).isVisible()).toBe(true);
    const compared = await page.getByRole("table", { name: "Metrics compared" }).innerText();
    await page.screenshot({ path: join(shots, "viewer-3-compare.png"), fullPage: true });

    // the URL hash is the view: a fresh page at the same URL shows the same comparison
    const url = page.url();
    expect(url).toMatch(new RegExp(`#/compare/${ids[0]},${ids[1]}`));
    const again = await openPage();
    await again.page.goto(url);
    await expect.poll(() => again.page.getByRole("table", { name: "Metrics compared" }).innerText(), { timeout: 30_000 }).toBe(compared);
    // and a runs table view (sort, filter) survives a reload
    await again.page.goto(`${server.url}#/runs`);
    await expect.poll(() => runsTable(again.page).locator("tbody tr").count(), { timeout: 30_000 }).toBe(3);
    await again.page.locator(`select[name="filter-horizon"]`).selectOption("5");
    await expect.poll(() => runsTable(again.page).locator("tbody tr").count()).toBe(2);
    await again.page.reload();
    await expect.poll(() => runsTable(again.page).locator("tbody tr").count(), { timeout: 30_000 }).toBe(2);
    expect(again.page.url()).toContain("horizon=5");

    const foreign = [...requests, ...again.requests].filter((u) => !u.startsWith(server.url) && !u.startsWith("data:"));
    expect(foreign).toEqual([]);
    expect(requests.filter((u) => u.startsWith(server.url)).map((u) => new URL(u).pathname)).toEqual(["/", "/runs.mfbundle"]);
    expect([...errors, ...again.errors]).toEqual([]);
    await again.page.close();
    await page.close();
  });

  it("opens the single file from file:// with everything inside it, a comparison link included", async () => {
    const { page, requests, errors } = await openPage();
    const url = pathToFileURL(single).href;
    await page.goto(url);
    await expect.poll(() => runsTable(page).locator("tbody tr").count(), { timeout: 30_000 }).toBe(3);
    await page.screenshot({ path: join(shots, "viewer-4-single-file.png"), fullPage: true });
    await page.goto(`${url}#/compare/${ids[0]},${ids[2]}`);
    await expect.poll(() => page.getByRole("table", { name: "Metrics compared" }).isVisible(), { timeout: 30_000 }).toBe(true);
    await page.goto(`${url}#/runs/${ids[0]}`);
    await expect.poll(() => page.getByRole("table", { name: "Confusion matrix, test" }).isVisible(), { timeout: 30_000 }).toBe(true);
    expect(requests.filter((u) => u.split("#")[0] !== url && !u.startsWith("data:"))).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("says what to do when the site's page is opened from a file, where a browser cannot read the bundle beside it", async () => {
    const { page } = await openPage();
    await page.goto(pathToFileURL(join(site, "index.html")).href);
    await expect.poll(() => page.getByRole("alert").innerText(), { timeout: 30_000 }).toMatch(
      /^This page reads its runs from runs\.mfbundle beside it, .* mf export --single-file\.$/,
    );
    await page.close();
  });
});

describe("the exported viewer with an experiment", () => {
  const xp = join(work, "xp"), xpSite = join(work, "xp-site"), xpSingle = join(work, "xp.html");
  let xpServer: Awaited<ReturnType<typeof serveStatic>>;
  let report: { horizons: { horizon: number; rows: { label: string }[]; best: { label: string; run_id: string } }[] };

  beforeAll(async () => {
    // a tiny real experiment: two models at one horizon and seed, its report beside its runs (xp/tiny/)
    const config = join(work, "tiny.json");
    writeFileSync(
      config,
      JSON.stringify({
        experiment: { name: "tiny", description: "Two models, one seed" },
        data: { dir: work },
        horizons: [5],
        seeds: [1],
        models: [{ name: "logistic" }, { name: "mlp", params: { hidden: [8] } }],
        trainer: { epochs: 2, patience: 0, backend: "cpu" },
        output: { base_dir: join(xp, "runs") },
        ensembles: { soft_voting: false, stacking: false },
      }),
    );
    const r = await mf(["experiment", "--config", config, "--json"]);
    if (r.code !== 0) throw new Error(`experiment failed: ${show(r)}`);
    report = JSON.parse(readFileSync(join(xp, "tiny", "report.json"), "utf8"));
    const e = await mf(["export", "--runs", join(xp, "runs"), "--select", "experiment=tiny", "--out", xpSite, "--single-file", xpSingle]);
    if (e.code !== 0) throw new Error(`export failed: ${show(e)}`);
    xpServer = await serveStatic(xpSite);
  }, 300_000);

  afterAll(async () => {
    await xpServer?.close();
  });

  it("lists the experiment, shows its report with charts and heatmaps, and links its runs to their pages", async () => {
    const { page, requests, errors } = await openPage();
    await page.goto(`${xpServer.url}#/experiments`);
    const list = page.getByRole("table", { name: "Experiments" });
    await expect.poll(() => list.locator("tbody tr").count(), { timeout: 30_000 }).toBe(1);
    expect(await list.locator("tbody tr").innerText()).toMatch(/^tiny\tTwo models, one seed\t2 \/ 2\t/);
    await list.getByRole("link", { name: "tiny" }).click();
    const h5 = report.horizons[0];
    const table = page.getByRole("table", { name: "Classification, horizon 5" });
    await expect.poll(() => table.locator("tbody tr").count(), { timeout: 30_000 }).toBe(2);
    expect(await table.locator("tbody tr .label").allInnerTexts()).toEqual(h5.rows.map((r) => r.label));
    expect(await table.locator("tbody tr.best .label").innerText()).toBe(h5.best.label);
    expect(await page.getByRole("img", { name: /^macro-F1: val and test per model$/ }).count()).toBe(1);
    expect(await page.getByRole("img", { name: "Correlation of test signals (prob long − prob short): 2 by 2" }).locator("g.cell").count()).toBe(4);
    await page.screenshot({ path: join(shots, "viewer-5-experiment.png"), fullPage: true });

    await page.locator(".best-model a.run").click();
    await expect.poll(() => page.getByRole("table", { name: "Confusion matrix, test" }).isVisible(), { timeout: 30_000 }).toBe(true);
    expect(page.url()).toBe(`${xpServer.url}#/runs/${h5.best.run_id}`);
    expect(requests.filter((u) => !u.startsWith("data:")).map((u) => new URL(u).pathname)).toEqual(["/", "/runs.mfbundle"]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("opens the report of the single file from file://", async () => {
    const { page, requests, errors } = await openPage();
    const url = pathToFileURL(xpSingle).href;
    await page.goto(`${url}#/experiments/tiny`);
    await expect.poll(() => page.getByRole("table", { name: "Classification, horizon 5" }).locator("tbody tr").count(), { timeout: 30_000 }).toBe(2);
    expect(await page.getByRole("navigation", { name: "Main" }).innerText()).toContain("Experiments (1)");
    expect(requests.filter((u) => u.split("#")[0] !== url && !u.startsWith("data:"))).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });
});
