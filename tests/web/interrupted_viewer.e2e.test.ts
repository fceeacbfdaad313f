import { type ChildProcess, spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser } from "playwright";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { trainGoodRuns } from "../cli/good_runs.ts";
import { mf, ROOT, show } from "../cli/helpers.ts";
import { launchChromium, recordErrors } from "./chromium.ts";

// A training killed with kill -9 and a damaged run beside two good ones, exported with mf export and opened in the
// viewer: the killed run shows as interrupted (with why), the damaged one is left out, the good ones are there.
const work = mkdtempSync(join(tmpdir(), "mf-interrupted-web-"));
const single = join(work, "runs.html");
let browser: Browser;
let good: Awaited<ReturnType<typeof trainGoodRuns>>;
let killed = "";

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

beforeAll(async () => {
  good = await trainGoodRuns(work);
  writeFileSync(join(work, "long.json"), JSON.stringify({ trainer: { epochs: 5000, patience: 0 } }));
  const child: ChildProcess = spawn(
    join(ROOT, "node_modules", ".bin", "deno"),
    ["run", "-A", "cli/main.ts", "train", "--data", good.data, "--model", "mlp", "--backend", "cpu", "--config", join(work, "long.json"), "--out", good.runs],
    { cwd: ROOT, stdio: "ignore" },
  );
  const fresh = () => readdirSync(good.runs).find((id) => !good.ids.includes(id) && existsSync(join(good.runs, id, "metrics.jsonl")));
  for (const end = Date.now() + 120_000; !fresh() && Date.now() < end;) await sleep(50);
  killed = fresh()!;
  await new Promise<void>((done) => (child.once("exit", () => done()), child.kill("SIGKILL")));
  cpSync(join(good.runs, good.ids[0]), join(good.runs, "20990101-000000-broken-h5-0001"), { recursive: true });
  writeFileSync(join(good.runs, "20990101-000000-broken-h5-0001", "run.json"), "{ not json");
  const r = await mf(["export", "--runs", good.runs, "--single-file", single, "--title", "Killed"]);
  if (r.code !== 0) throw new Error(`export failed: ${show(r)}`);
  if (!/^warning: run 20990101-000000-broken-h5-0001 is damaged and left out/m.test(r.stderr)) throw new Error(`no warning for the damaged run: ${show(r)}`);
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  rmSync(work, { recursive: true, force: true });
});

describe("the viewer of an export holding a killed run", () => {
  it("shows the killed run as interrupted, with why, next to the good runs, and leaves the damaged one out", async () => {
    expect(killed).not.toBe("");
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors = recordErrors(page);
    const url = pathToFileURL(single).href;
    await page.goto(url);
    const table = page.getByRole("table", { name: "Runs" });
    await expect.poll(() => table.locator("tbody tr").count(), { timeout: 30_000 }).toBe(3);
    const rows = await table.locator("tbody tr").allInnerTexts();
    const row = rows.find((r) => r.includes(killed));
    expect(row).toMatch(/\tneural:mlp\t5\t\d+\tinterrupted\t/);
    expect(rows.filter((r) => /\tfinished\t/.test(r))).toHaveLength(2);
    expect(rows.join("\n")).not.toContain("broken");
    await page.goto(`${url}#/runs/${killed}`);
    await expect.poll(() => page.locator("strong", { hasText: "interrupted" }).count(), { timeout: 30_000 }).toBe(1);
    expect(await page.getByRole("alert").first().innerText()).toMatch(/^interrupted: its process \(pid \d+ on .+\) ended before the run did$/);
    expect(errors).toEqual([]);
    await page.close();
  });
});
