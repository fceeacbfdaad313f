// deno-lint-ignore-file no-explicit-any -- run.json and metrics.json, parsed and read loosely
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { type Page } from "playwright";
import { describe, expect, inject, it } from "vitest";
import { launchChromium, recordErrors } from "./chromium.ts";
import { descendantsCpu, ThreadCpu } from "./proc_cpu.ts";
import { vitePreview } from "./servers.ts";
import { storedRunFiles } from "./stored_runs.ts";

// Benchmark (npm run bench:page_gbdt): trees:gbdt on the prepared Binance splits trains in the page (the built app behind
// `npm run preview`, cross-origin isolated, tfjs's threaded wasm and the trees' histogram workers) in at most 1.1x the
// time `mf train` takes on the same files with the same settings and seed. The arms alternate (page, CLI, CLI, page, ...)
// so the load of a shared machine falls on both alike; the figure compared is each run's own fit_s from run.json (the
// same fitRun clock on both sides), with the wall time from the click (the CLI: from spawn) to the finished run and the
// CPU time of each arm's processes beside it. Same data and seed make the same model: trees.json must have the same
// splits, its numbers and the test metrics equal up to their last bits (measured: leaf values 3e-12 apart, metrics 1e-15;
// Chromium's V8 and Deno's round some float operation apart, see relativeGap). Opt-in, because it needs the
// prepared splits (`npm run mf -- prepare --input ../shared/data/binance-spot-5m.parquet --out
// experiments/prepared/binance-spot-5m`) and takes minutes. Writes experiments/benchmarks/page_gbdt.{json,md}.
const root = new URL("../..", import.meta.url).pathname;
const DATA = join(root, "experiments/prepared/binance-spot-5m");
const DENO = join(root, "node_modules/.bin/deno");
const run = process.env.MF_BENCH === "1" && existsSync(join(DATA, "test.parquet"));
/** Boosting rounds: ~45 s of fit in the CLI on two idle cores (0.7 s a round of three trees on 835,500 rows). */
const ROUNDS = Number(process.env.MF_BENCH_ROUNDS ?? 60);
/** Runs of each arm. */
const REPEATS = Number(process.env.MF_BENCH_REPEATS ?? 3);
const TARGET = 1.1;

/** What each arm reports of one run. */
interface Arm {
  run_id: string;
  /** From the click on Train (the CLI: from spawning `mf train`) to the finished run. */
  wall_s: number;
  timings: Record<string, number>;
  backend: Record<string, string>;
  epochs_run: number;
  test: Record<string, any>;
  /** model/trees.json as written. */
  trees: string;
  /**
   * CPU seconds the arm's processes used from the click (spawn) to the finished run, every thread counted: the browser's
   * processes (its page, workers, GPU process), or `mf train`. Less bent by a shared machine's load than the wall times.
   */
  cpu_s: number;
  /** The same CPU time by kind of thread (sampled each second: a thread's last second may be missing). */
  threads: { group: string; threads: number; cpu_s: number }[];
  /** The 1-minute load average when the run started. */
  load_1m: number;
}

/**
 * The largest relative difference between the numbers of two JSON values of the same shape (a difference elsewhere throws,
 * naming where). The same model has the same trees and scores the same predictions, but Chromium's V8 and Deno's may round
 * Math.exp or Math.log apart in the last place, and with them leaf values and metrics.
 */
function relativeGap(a: unknown, b: unknown, path = "test"): number {
  if (typeof a === "number" && typeof b === "number") return a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));
  if (typeof a !== "object" || a === null || typeof b !== "object" || b === null) {
    if (a === b) return 0;
    throw new Error(`${path}: ${JSON.stringify(a)} in the page, ${JSON.stringify(b)} in the CLI`);
  }
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return Math.max(0, ...[...keys].map((k) => relativeGap((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`)));
}

/** CPU seconds per kind of thread, the mean over the runs, largest first (those over 0.2 s), with the most threads of a kind a run had. */
function threadMeans(arms: Arm[]): string {
  const sums = new Map<string, { cpu_s: number; threads: number }>();
  for (const a of arms) {
    for (const t of a.threads) {
      const s = sums.get(t.group) ?? { cpu_s: 0, threads: 0 };
      sums.set(t.group, { cpu_s: s.cpu_s + t.cpu_s / arms.length, threads: Math.max(s.threads, t.threads) });
    }
  }
  return [...sums].filter(([, s]) => s.cpu_s > 0.2).sort((a, b) => b[1].cpu_s - a[1].cpu_s).map(([k, s]) => `${k} (${s.threads}) ${s.cpu_s.toFixed(1)} s`)
    .join(", ");
}

/** A run as the result file keeps it: without its trees (compared, not stored). */
const stored = ({ trees: _, ...run }: Arm) => run;
const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const loads = () => loadavg().map((v) => Number(v.toFixed(2)));
/** `mf train` on the prepared splits, as a person runs it; its run.json and metrics.json read back from its folder. */
function cli(out: string): Promise<Arm> {
  // GNU time reports the command's CPU seconds, which /proc cannot once it has exited
  const args = [
    "-f",
    "MF_CPU %U %S",
    DENO,
    "run",
    "-A",
    "cli/main.ts",
    "train",
    "--data",
    DATA,
    "--model",
    "gbdt",
    "--epochs",
    String(ROUNDS),
    "--out",
    out,
    "--json",
  ];
  const load_1m = loads()[0], start = performance.now(), sampler = new ThreadCpu();
  return new Promise((done, fail) => {
    execFile("/usr/bin/time", args, { cwd: root, maxBuffer: 64 * 2 ** 20, env: { ...process.env, NO_COLOR: "1" } }, (error, stdout, stderr) => {
      const wall_s = (performance.now() - start) / 1000, threads = sampler.stop();
      if (error) return fail(new Error(`mf train failed: ${error.message}\n${stderr.slice(-2000)}`));
      const [user, system] = /MF_CPU (\S+) (\S+)/.exec(stderr)!.slice(1).map(Number);
      const { run_id } = JSON.parse(stdout.trim().split("\n").at(-1)!);
      const record = JSON.parse(readFileSync(join(out, run_id, "run.json"), "utf8"));
      const metrics = JSON.parse(readFileSync(join(out, run_id, "metrics.json"), "utf8"));
      const trees = readFileSync(join(out, run_id, "model/trees.json"), "utf8");
      const cpu_s = user + system;
      done({
        run_id,
        wall_s,
        cpu_s,
        timings: record.timings,
        backend: record.backend,
        epochs_run: record.epochs_run,
        test: metrics.test,
        trees,
        threads,
        load_1m,
      });
    });
  });
}

/** The same run in the page: a fresh load of the app, the three split files, gbdt with the same rounds, Train. */
async function inPage(page: Page, url: string): Promise<Arm> {
  await page.goto(url);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  await page.locator('input[type="file"]').setInputFiles(["train", "val", "test"].map((s) => join(DATA, `${s}.parquet`)));
  await page.getByLabel("Model", { exact: true }).selectOption("trees:gbdt");
  await page.getByLabel("epochs", { exact: true }).fill(String(ROUNDS));
  const train = page.getByRole("button", { name: "Train gbdt" });
  // the summary of 835,500 rows comes first; Train waits for it
  await expect.poll(() => train.isEnabled(), { timeout: 120_000 }).toBe(true);
  const finished = page.locator("mf-training").getByText(/run \S+ finished/);
  const load_1m = loads()[0], start = performance.now(), cpu0 = descendantsCpu(), sampler = new ThreadCpu();
  await train.click();
  await expect.poll(() => finished.isVisible(), { timeout: 900_000, interval: 50 }).toBe(true);
  const wall_s = (performance.now() - start) / 1000, cpu_s = descendantsCpu() - cpu0, threads = sampler.stop();
  const run_id = /run (\S+) finished/.exec(await finished.innerText())![1];
  const files = await storedRunFiles(page, run_id);
  const json = (path: string) => JSON.parse(new TextDecoder().decode(files[path]));
  const record = json("run.json"), metrics = json("metrics.json"), trees = new TextDecoder().decode(files["model/trees.json"]);
  return {
    run_id,
    wall_s,
    cpu_s,
    timings: record.timings,
    backend: record.backend,
    epochs_run: record.epochs_run,
    test: metrics.test,
    trees,
    threads,
    load_1m,
  };
}

describe.runIf(run)("benchmark: GBDT on the prepared Binance splits, in the page and in the CLI", () => {
  it(`trains in the page in at most ${TARGET}x the CLI's fit time, with the same test metrics`, async () => {
    const loadStart = loads();
    const out = mkdtempSync(join(tmpdir(), "mf-bench-page-gbdt-"));
    const server = await vitePreview(inject("webDist"));
    const browser = await launchChromium();
    const page: Arm[] = [], command: Arm[] = [];
    try {
      const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
      const tab = await context.newPage();
      const errors = recordErrors(tab);
      await tab.goto(server.url);
      const threads = await tab.evaluate(() => navigator.hardwareConcurrency);
      for (let r = 0; r < REPEATS; r++) {
        // page, CLI, CLI, page, ...: neither arm always runs first
        const order = r % 2 === 0 ? ["page", "cli"] : ["cli", "page"];
        for (const arm of order) {
          if (arm === "page") page.push(await inPage(tab, server.url));
          else command.push(await cli(out));
          const last = arm === "page" ? page.at(-1)! : command.at(-1)!;
          console.log(
            `${arm} ${r + 1}/${REPEATS}: fit ${last.timings.fit_s} s, total ${last.timings.total_s} s, wall ${last.wall_s.toFixed(2)} s, load ${last.load_1m}`,
          );
        }
      }
      const loadEnd = loads();
      const med = (arms: Arm[], key: string) => median(arms.map((a) => a.timings[key] ?? NaN));
      const wall = (arms: Arm[]) => median(arms.map((a) => a.wall_s));
      const cpu = (arms: Arm[]) => median(arms.map((a) => a.cpu_s));
      const ratio = med(page, "fit_s") / med(command, "fit_s");
      const result = {
        benchmark: "page_gbdt",
        date: new Date().toISOString(),
        machine: {
          cpu: cpus()[0]?.model,
          cores: cpus().length,
          memory_gb: Math.round(totalmem() / 2 ** 30),
          chromium: browser.version(),
          page_threads: threads,
        },
        load_average: { start: loadStart, end: loadEnd },
        data: { dir: "experiments/prepared/binance-spot-5m", files: ["train.parquet", "val.parquet", "test.parquet"] },
        config: { model: "trees:gbdt", params: "the plugin's defaults (depth 6, learning rate 0.1, subsample 0.8, colsample 0.8, 255 bins)", epochs: ROUNDS },
        server: "npm run preview (vite preview with the project's config)",
        repeats: REPEATS,
        page: {
          median: { fit_s: med(page, "fit_s"), load_s: med(page, "load_s"), total_s: med(page, "total_s"), wall_s: wall(page), cpu_s: cpu(page) },
          runs: page.map(stored),
        },
        cli: {
          median: {
            fit_s: med(command, "fit_s"),
            load_s: med(command, "load_s"),
            total_s: med(command, "total_s"),
            wall_s: wall(command),
            cpu_s: cpu(command),
          },
          runs: command.map(stored),
        },
        ratio: { fit_s: ratio, total_s: med(page, "total_s") / med(command, "total_s"), wall_s: wall(page) / wall(command), cpu_s: cpu(page) / cpu(command) },
        target: TARGET,
        trees_max_relative_gap: Math.max(...page.flatMap((p) => command.map((c) => relativeGap(JSON.parse(p.trees), JSON.parse(c.trees), "trees")))),
        test_metrics_max_relative_gap: Math.max(...page.flatMap((p) => command.map((c) => relativeGap(p.test, c.test)))),
      };
      const recipe = JSON.parse(readFileSync(join(DATA, "prepare.json"), "utf8"));
      const splitRows = ["train", "val", "test"].map((split) => recipe.splits[split].rows.toLocaleString("en-US")).join(" / ");
      const s = (v: number) => `${v.toFixed(2)} s`;
      const side = (arms: Arm[]) =>
        `${arms[0].backend.name} (${arms[0].backend.reason}), histograms ${arms[0].backend.histograms}; ${arms.map((a) => a.epochs_run).join(", ")} rounds`;
      const rows: [string, string][] = [
        [
          "data",
          `${result.data.dir}/{train,val,test}.parquet (${splitRows} rows of ${recipe.source.symbols.length} symbols x ${recipe.features.length} features), horizon 5`,
        ],
        ["config", `trees:gbdt with its defaults (depth 6, learning rate 0.1, subsample 0.8, colsample_bytree 0.8, 255 bins, seed 42), ${ROUNDS} rounds`],
        ["page", `built app behind npm run preview in headless Chromium ${browser.version()}, crossOriginIsolated, ${threads} cores: ${side(page)}`],
        ["CLI", `mf train --data ${result.data.dir} --model gbdt --epochs ${ROUNDS}: ${side(command)}`],
        [
          "runs (arms alternating) / load average 1, 5, 15 min at start / end",
          `${REPEATS} each / ${loadStart.join(", ")} / ${loadEnd.join(", ")} on ${cpus().length} cores`,
        ],
        ["1-min load at each run's start (page / CLI)", `${page.map((a) => a.load_1m).join(", ")} / ${command.map((a) => a.load_1m).join(", ")}`],
        ["fit_s per run (page / CLI)", `${page.map((a) => a.timings.fit_s).join(", ")} / ${command.map((a) => a.timings.fit_s).join(", ")}`],
        ["median fit (run.json fit_s): page / CLI", `${s(result.page.median.fit_s)} / ${s(result.cli.median.fit_s)}`],
        ["median reading the files (load_s): page / CLI", `${s(result.page.median.load_s)} / ${s(result.cli.median.load_s)}`],
        ["median total (run.json total_s: setup, fit, scoring, writing): page / CLI", `${s(result.page.median.total_s)} / ${s(result.cli.median.total_s)}`],
        ["median wall (click or spawn to finished, with reading the files): page / CLI", `${s(result.page.median.wall_s)} / ${s(result.cli.median.wall_s)}`],
        [
          "median CPU time over the wall time above (all processes and threads of the arm): page / CLI",
          `${s(result.page.median.cpu_s)} / ${s(result.cli.median.cpu_s)}`,
        ],
        [
          "ratio page / CLI: fit, total, wall, CPU",
          [ratio, result.ratio.total_s, result.ratio.wall_s, result.ratio.cpu_s].map((v) => v.toFixed(3)).join(", "),
        ],
        [
          "CPU by kind of thread, mean of the runs (page / CLI)",
          `${threadMeans(page)} / ${threadMeans(command)}`,
        ],
        [
          "same model: largest relative gap of model/trees.json's numbers / of the test metrics (every page run vs every CLI run)",
          `${result.trees_max_relative_gap.toExponential(1)} / ${result.test_metrics_max_relative_gap.toExponential(1)} (test macro-F1 ${
            page[0].test.f1_macro.toFixed(4)
          })`,
        ],
        ["target", `fit ratio <= ${TARGET}: ${ratio <= TARGET ? "met" : "not met"}`],
      ];
      const md = [
        "# Benchmark: page_gbdt",
        "",
        `Measured ${result.date.slice(0, 10)} on ${result.machine.cpu}, ${result.machine.cores} cores, ${result.machine.memory_gb} GB, a machine shared with ` +
        "other work (see the load). Medians; rerun with `npm run bench:page_gbdt`.",
        "",
        "| measure | result |",
        "|---|---|",
        ...rows.map(([k, v]) => `| ${k} | ${v} |`),
        "",
      ].join("\n");
      mkdirSync(join(root, "experiments/benchmarks"), { recursive: true });
      writeFileSync(join(root, "experiments/benchmarks/page_gbdt.json"), `${JSON.stringify(result, null, 2)}\n`);
      writeFileSync(join(root, "experiments/benchmarks/page_gbdt.md"), md);
      console.log(md);
      expect(errors).toEqual([]);
      expect(page[0].backend.histograms).toBe(threads > 1 ? `cpu x${threads} threads` : "cpu");
      // the same splits (a feature or bin apart would be a gap near 1) with leaf values apart in their last bits
      expect(result.trees_max_relative_gap).toBeLessThan(1e-9);
      expect(result.test_metrics_max_relative_gap).toBeLessThan(1e-12);
      expect(ratio).toBeLessThanOrEqual(TARGET);
    } finally {
      await browser.close();
      await server.close();
      rmSync(out, { recursive: true, force: true });
    }
  }, 3_600_000);
});
