import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, type Page } from "playwright";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { writeParquet } from "../../core/data/parquet_write.ts";
import { synthSplits } from "../../core/data/synth.ts";
import { launchChromium, recordErrors } from "./chromium.ts";
import { serveStatic } from "./static_server.ts";

// Progress a person can believe on the Train page: a GBDT run's time left is sane from its first estimate (start-up
// left out), its settings form says what trees use, a bad setting is refused in plain words, the finished run's test
// metrics are shown with a link to it; Stop ends a long MLP run within 2 s and the page says where it stopped.
const work = mkdtempSync(join(tmpdir(), "mf-web-progress-"));
let browser: Browser;
let server: Awaited<ReturnType<typeof serveStatic>>;
let page: Page;
let errors: string[] = [];

beforeAll(async () => {
  const splits = synthSplits({ symbols: 2, rows: 12000, features: 12, seed: 7 });
  for (const split of ["train", "val", "test"] as const) writeFileSync(join(work, `${split}.parquet`), writeParquet(splits[split].columns));
  server = await serveStatic(inject("webDist"));
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1400, height: 1000 } })).newPage();
  errors = recordErrors(page);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  rmSync(work, { recursive: true, force: true });
});

/** Starts sampling the training's status and timing lines every 50 ms in the page (they live in shadow roots). */
function recordProgress(p: Page) {
  return p.evaluate(() => {
    const find = (root: ParentNode, selector: string): Element | null => {
      const hit = root.querySelector(selector);
      if (hit) return hit;
      for (const el of Array.from(root.querySelectorAll("*"))) {
        const inner = el.shadowRoot && find(el.shadowRoot, selector);
        if (inner) return inner;
      }
      return null;
    };
    const log: { t: number; timing: string; status: string }[] = [];
    (window as unknown as { progressLog: typeof log }).progressLog = log;
    setInterval(() => {
      const timing = find(document, '[data-testid="timing"]')?.textContent?.replace(/\s+/g, " ").trim() ?? "";
      const status = find(document, '[data-testid="train-status"]')?.textContent?.replace(/\s+/g, " ").trim() ?? "";
      const last = log.at(-1);
      if (!last || last.timing !== timing || last.status !== status) log.push({ t: performance.now(), timing, status });
    }, 50);
  });
}

const progressLog = (p: Page) => p.evaluate(() => (window as unknown as { progressLog: { t: number; timing: string; status: string }[] }).progressLog);

/** "1 min 05 s" or "12 s" back to seconds. */
function seconds(text: string): number {
  const m = /(?:(\d+) min )?(\d+) s/.exec(text)!;
  return Number(m[1] ?? 0) * 60 + Number(m[2]);
}

describe("the Train page's progress", () => {
  it("checks data only once it is read, shows a tree model's form as trees use it, and refuses bad settings in plain words", async () => {
    await page.goto(server.url);
    // a file that could not be read is not a file without problems
    await page.locator('input[type="file"]').setInputFiles({ name: "train.parquet", mimeType: "application/octet-stream", buffer: Buffer.from("a,b\n1,2\n") });
    await expect.poll(() => page.getByText("is not a Parquet file").first().isVisible(), { timeout: 30_000 }).toBe(true);
    expect(await page.getByTestId("not-checked").innerText()).toBe("Not checked: train could not be read (see above).");
    expect(await page.getByText("None found.").count()).toBe(0);
    await page.locator('input[type="file"]').setInputFiles(["train", "val", "test"].map((s) => join(work, `${s}.parquet`)));
    // with every split read, the checks run (and counts carry separators)
    await expect.poll(() => page.getByRole("table", { name: "Splits" }).locator("tbody tr").first().innerText(), { timeout: 60_000 }).toMatch(
      /^train\ttrain\.parquet\t16,\d{3}\t2\t/,
    );
    await expect.poll(() => page.getByTestId("not-checked").count(), { timeout: 60_000 }).toBe(0);
    await expect.poll(() => page.getByLabel("horizon", { exact: true }).locator("option").allInnerTexts(), { timeout: 60_000 }).toEqual(["5", "20"]);
    await page.getByLabel("Model", { exact: true }).selectOption("trees:gbdt");
    await expect.poll(() => page.getByLabel("max_depth", { exact: true }).count()).toBe(1);
    // trees take no batches: batch_size is not offered, and the form says so; epochs say they are boosting rounds
    expect(await page.getByLabel("batch_size", { exact: true }).count()).toBe(0);
    expect(await page.getByTestId("unused").innerText()).toBe("Not used by this model: batch_size.");
    expect(await page.locator("#f-epochs-hint").innerText()).toMatch(/^boosting rounds: the most boosting rounds to run; default 20;/);
    // a union's hint says what it takes, not "JSON (union)"
    expect(await page.locator("#f-colsample_bynode-hint").innerText()).toBe('default 1; a number > 0 and <= 1, or "sqrt"');

    const epochs = page.getByLabel("epochs", { exact: true });
    await epochs.fill("1.5");
    await expect.poll(() => page.getByRole("alert").filter({ hasText: "epochs:" }).innerText()).toBe("epochs: expected integer from 1 to 100000 (got 1.5)");
    const bynode = page.getByLabel("colsample_bynode", { exact: true });
    await bynode.fill("half");
    await expect.poll(() => page.getByRole("alert").filter({ hasText: "colsample_bynode:" }).innerText()).toBe(
      'colsample_bynode: expected a number > 0 and <= 1, or "sqrt" (got half)',
    );
    expect(await page.getByRole("button", { name: "Train gbdt" }).isDisabled()).toBe(true);
    expect(await page.getByText("Invalid input").count()).toBe(0);
    await bynode.fill("sqrt");
    await epochs.fill("400");
    await page.getByLabel("patience", { exact: true }).fill("0");
    await expect.poll(() => page.getByRole("alert").count()).toBe(0);
  });

  it("trains GBDT with a sane time left from its first estimate, then shows the run's test metrics and a link to it", async () => {
    await recordProgress(page);
    await page.getByRole("button", { name: "Train gbdt" }).click();
    const result = page.getByRole("table", { name: "Run result" });
    await expect.poll(() => result.isVisible(), { timeout: 170_000 }).toBe(true);
    const log = await progressLog(page);
    // the fit ends at the first line that is no longer training (scoring val and test, or the run's end)
    const fitting = log.filter((e) => e.status.startsWith("training:"));
    expect(fitting.length, JSON.stringify(log.slice(0, 20))).toBeGreaterThan(10);
    const fitEnd = log.find((e) => e.t > fitting[0].t && !e.status.startsWith("training:"))!.t;
    const estimates = log.filter((e) => /about .+ left/.test(e.timing));
    expect(estimates.length).toBeGreaterThan(0);
    const first = estimates[0];
    const said = seconds(/about (.+?) left/.exec(first.timing)![1]);
    const actual = (fitEnd - first.t) / 1000;
    console.log(`gbdt: fit ${((fitEnd - log[0].t) / 1000).toFixed(1)} s; first estimate "${first.timing}" with ${actual.toFixed(1)} s actually left`);
    // within 3x of the truth, either way (a second's rounding aside)
    expect(said).toBeLessThanOrEqual(3 * actual + 1);
    expect(said).toBeGreaterThanOrEqual(actual / 3 - 1);
    // while training the status line said what it was doing, never "starting" once the bar moved
    expect(log.filter((e) => e.status.startsWith("starting") && !e.timing.startsWith("0%"))).toEqual([]);

    const status = await page.getByTestId("train-status").innerText();
    expect(status).toMatch(/^run \S+-gbdt-h5-[0-9a-f]{4} finished$/);
    const runId = status.split(" ")[1];
    expect(await page.getByTestId("timing").innerText()).toMatch(/^100% · elapsed \d+ s · ended$/);
    const rows = await result.locator("tbody tr").allInnerTexts();
    // test first: macro-F1, accuracy, log loss, annualised Sharpe, max drawdown, trades
    expect(rows[0]).toMatch(/^test\t0\.\d{3}\t0\.\d{3}\t\d\.\d{4}\t-?\d+\.\d{2}\t-?\d\.\d{3}\t[\d,]+$/);
    expect(rows[1]).toMatch(/^val\t/);
    expect(await result.locator("th").allInnerTexts()).toContain("Sharpe (annualised)");
    // the best round counted from 1, as mf train says it
    expect(await page.getByTestId("run-result-summary").innerText()).toMatch(/^best boosting round ([1-9]\d*) of 400 run \(completed\)$/);
    // the status line links the run's page; it is the training's only link
    expect(await page.locator("mf-training").getByRole("link").getAttribute("href")).toBe(`#/runs/${runId}`);
  });

  it("stops a long MLP run within 2 s, and says where it stopped", async () => {
    await page.getByLabel("Model", { exact: true }).selectOption("neural:mlp");
    await expect.poll(() => page.getByLabel("batch_size", { exact: true }).count()).toBe(1);
    expect(await page.getByTestId("unused").count()).toBe(0);
    await page.getByLabel("hidden", { exact: true }).fill("256, 256");
    await page.getByLabel("batch_size", { exact: true }).fill("16");
    await page.getByLabel("epochs", { exact: true }).fill("500");
    await page.getByRole("button", { name: "Train mlp" }).click();
    // a few batches into the first epoch
    await expect.poll(() => page.getByTestId("train-status").innerText(), { timeout: 120_000 }).toMatch(/^training: epoch 1 of 500, batch [\d,]+ of [\d,]+$/);
    const asked = Date.now();
    const askedInPage = await page.evaluate(() => performance.now());
    await page.getByRole("button", { name: "Stop" }).click();
    await expect.poll(() => page.getByTestId("train-status").innerText(), { timeout: 60_000, interval: 50 }).toMatch(/^run \S+ stopped/);
    const took = Date.now() - asked;
    const status = await page.getByTestId("train-status").innerText();
    const log = (await progressLog(page)).filter((e) => e.t >= askedInPage).map((e) => `${Math.round(e.t - askedInPage)} ms: ${e.status} | ${e.timing}`);
    console.log(`mlp: stopped in ${took} ms: "${status}"\n${log.join("\n")}`);
    expect(took).toBeLessThan(2_000);
    expect(status).toMatch(/^run \S+-mlp-h5-[0-9a-f]{4} stopped at \d+%: 0 of 500 epochs done, epoch 1 at batch [\d,]+ of [\d,]+$/);
    const timing = await page.getByTestId("timing").innerText();
    expect(timing).toMatch(/^\d+% · elapsed \d+ s · stopped$/);
    expect(timing).not.toMatch(/^100%/);
    expect(errors).toEqual([]);
  });
});
