// deno-lint-ignore-file no-explicit-any -- report.json and run.json read loosely
/// <reference types="node" />
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliResult, errorMessage, lastLine, mf, ROOT, runDirs, runJson, show, tempDir, tinySplits, writeSplits } from "./helpers.ts";

const { dir, cleanup } = tempDir("experiment");
afterAll(cleanup);

/** 3 models x 2 horizons x 2 seeds on small data: 12 cells, several seconds on the cpu backend. */
const config = (runs: string) =>
  `# an experiment as a user writes it
experiment: { name: smoke, description: Three families on tiny synthetic data }
data: { dir: data }
horizons: [5, 20]
seeds: [1, 2]
models:
  - name: linear:logistic
  - name: trees:gbdt
    trainer: { epochs: 40 }
  - name: neural:mlp
    label: mlp-8
    params: { hidden: [8] }
    dataset: { seq_len: 3 }
trainer: { epochs: 8, patience: 0, backend: cpu }
output: { base_dir: ${runs} }
`;

const finished = (runs: string) => runDirs(runs).map(runJson).filter((r) => r.status === "finished");

describe("mf experiment", () => {
  let first: CliResult;
  const runs = join(dir, "runs");
  beforeAll(() => {
    mkdirSync(join(dir, "data"));
    // big enough that a kill -9 lands midway through the experiment (below)
    writeSplits(join(dir, "data"), tinySplits({ rows: 3000, features: 16 }));
  });

  it("trains 3 models x 2 horizons x 2 seeds as 12 runs and one report, with the --json line", async () => {
    writeFileSync(join(dir, "smoke.yaml"), config("runs"));
    first = await mf(["experiment", "--config", join(dir, "smoke.yaml"), "--json"]);
    expect(first.code, show(first)).toBe(0);
    const summary = JSON.parse(lastLine(first.stdout));
    expect(summary).toEqual({
      experiment: "smoke",
      cells: 12,
      finished: 12,
      failed: 0,
      report_md: join(dir, "smoke", "report.md"),
      report_json: join(dir, "smoke", "report.json"),
    });
    expect(finished(runs).filter((r) => r.family !== "ensemble")).toHaveLength(12);
    const report = JSON.parse(readFileSync(summary.report_json, "utf8"));
    expect(report.cells).toHaveLength(16); // 12 cells, then soft voting and stacking at each horizon
    expect(report.cells.filter((c: any) => c.model.startsWith("ensemble:"))).toHaveLength(4);
    const ids = new Set(finished(runs).map((r) => r.id));
    for (const cell of report.cells) {
      expect(ids.has(cell.run_id)).toBe(true);
      expect(cell.val.f1_macro).toBeTypeOf("number");
      expect(cell.test.f1_macro).toBeTypeOf("number");
    }
    expect(report.horizons.map((h: any) => h.horizon)).toEqual([5, 20]);
    expect(report.horizons[0].rows.map((r: any) => r.label)).toEqual(expect.arrayContaining(["logistic", "gbdt", "mlp-8"]));
    const md = readFileSync(summary.report_md, "utf8");
    for (const label of ["logistic", "gbdt", "mlp-8", "Horizon 5", "Horizon 20"]) expect(md).toContain(label);
    expect(first.stderr).toMatch(/cell 12\/12: mlp-8 h20 seed 2/); // the experiment's progress above each run
    expect(finished(runs).every((r) => r.experiment?.name === "smoke")).toBe(true);
  });

  it("rerunning the same command trains nothing", async () => {
    // how long it takes against the first run (issue 11: under a tenth) is bench/experiment_rerun.ts's measure: a
    // rerun is mostly deno's start-up, so the ratio depends on the data's size and this machine's load
    const before = finished(runs).map((r) => `${r.id} ${r.status} ${JSON.stringify(r.timings)}`).sort();
    const again = await mf(["experiment", "--config", join(dir, "smoke.yaml"), "--json"]);
    expect(again.code, show(again)).toBe(0);
    expect(again.stderr).toMatch(/12 of 12 cells already finished; 0 to run/);
    expect(JSON.parse(lastLine(again.stdout))).toMatchObject({ cells: 12, finished: 12, failed: 0 });
    expect(runDirs(runs)).toHaveLength(16); // 12 cells and 4 ensembles, none made again
    // and none rewritten
    expect(finished(runs).map((r) => `${r.id} ${r.status} ${JSON.stringify(r.timings)}`).sort()).toEqual(before);
  });

  it("builds soft-voting and stacking ensembles as runs that the report lists and mf predict runs", async () => {
    const report = JSON.parse(readFileSync(join(dir, "smoke", "report.json"), "utf8"));
    const h5 = report.horizons.find((h: any) => h.horizon === 5);
    const ensembles = h5.rows.filter((r: any) => r.family === "ensemble");
    expect(ensembles.map((r: any) => r.label).sort()).toEqual(["soft_voting", "stacking"]);
    // members: the best run of each family (linear, trees, neural) on validation
    expect(ensembles[0].ensemble.members).toHaveLength(3);
    const ensembleRuns = runDirs(runs).filter((d) => runJson(d).family === "ensemble");
    expect(ensembleRuns).toHaveLength(4); // two kinds x two horizons
    const soft = ensembleRuns.find((d) => runJson(d).model === "ensemble:soft_voting" && runJson(d).horizon === 5)!;
    const out = join(dir, "ensemble-predictions.parquet");
    const r = await mf(["predict", "--run", soft, "--input", join(dir, "data", "test.parquet"), "--out", out, "--json"]);
    expect(r.code, show(r)).toBe(0);
    const predicted = JSON.parse(lastLine(r.stdout));
    expect(predicted.model).toBe("ensemble:soft_voting");
    // it scores the rows its members all score: those with a full window of the longest member (the MLP's 3 rows)
    const mlp = runDirs(runs).find((d) => runJson(d).model === "neural:mlp" && runJson(d).horizon === 5)!;
    const member = await mf(["predict", "--run", mlp, "--input", join(dir, "data", "test.parquet"), "--out", join(dir, "mlp.parquet"), "--json"]);
    expect(predicted.rows).toBe(JSON.parse(lastLine(member.stdout)).rows);
  });

  it("mf report rebuilds the same report from the runs", async () => {
    const before = JSON.parse(readFileSync(join(dir, "smoke", "report.json"), "utf8"));
    const r = await mf(["report", "--experiment", "smoke", "--runs", runs, "--json"]);
    expect(r.code, show(r)).toBe(0);
    expect(JSON.parse(lastLine(r.stdout))).toMatchObject({ experiment: "smoke", cells: 12, finished: 12, failed: 0 });
    const after = JSON.parse(readFileSync(join(dir, "smoke", "report.json"), "utf8"));
    expect({ ...after, generated_at: "" }).toEqual({ ...before, generated_at: "" });
  });

  it("after a kill -9 midway, a rerun leaves exactly 12 finished runs, one per cell", async () => {
    writeFileSync(join(dir, "killed.yaml"), config("killed-runs").replace("name: smoke", "name: killed"));
    const killedRuns = join(dir, "killed-runs");
    await new Promise<void>((done, fail) => {
      const child = spawn(join(ROOT, "node_modules", ".bin", "deno"), ["run", "-A", "cli/main.ts", "experiment", "--config", join(dir, "killed.yaml")], {
        cwd: ROOT,
        env: { ...process.env, NO_COLOR: "1" },
      });
      let stderr = "", announced = 0;
      child.stderr.on("data", (chunk) => {
        stderr += chunk;
        announced = (stderr.match(/› run /g) ?? []).length;
        if (announced >= 6 && !child.killed) child.kill("SIGKILL"); // the 6th run has just been created
      });
      child.on("exit", (code, signal) => (signal === "SIGKILL" ? done() : fail(new Error(`not killed (exit ${code}):\n${stderr}`))));
    });
    const killed = runDirs(killedRuns).map(runJson);
    expect(killed.filter((r) => r.status === "finished").length).toBeLessThan(12);
    const rerun = await mf(["experiment", "--config", join(dir, "killed.yaml"), "--json"]);
    expect(rerun.code, show(rerun)).toBe(0);
    const done = finished(killedRuns).filter((r) => r.family !== "ensemble");
    expect(done).toHaveLength(12);
    expect(new Set(done.map((r) => r.experiment.cell_id)).size).toBe(12);
    // the run the kill interrupted is left failed, never finished twice
    const others = runDirs(killedRuns).map(runJson).filter((r) => r.status !== "finished");
    expect(others.every((r) => r.status === "failed" && /interrupted/.test(r.error))).toBe(true);
  });

  it("a bad experiment config names its file and key before anything runs", async () => {
    const bad = config("bad-runs").replace("params: { hidden: [8] }", "params: { hiden: [8] }");
    writeFileSync(join(dir, "bad.yaml"), bad);
    const r = await mf(["experiment", "--config", join(dir, "bad.yaml")]);
    expect(r.code, show(r)).toBe(1);
    expect(errorMessage(r.stderr)).toMatch(/bad\.yaml: models\[2\] \(mlp-8\): neural:mlp config: unknown key "hiden" \(did you mean "hidden"\?\)/);
    expect(existsSync(join(dir, "bad-runs"))).toBe(false);
    writeFileSync(join(dir, "bad2.yaml"), config("bad-runs").replace("horizons: [5, 20]", "horizons: [5, 0]"));
    const r2 = await mf(["experiment", "--config", join(dir, "bad2.yaml")]);
    expect(errorMessage(r2.stderr)).toMatch(/bad2\.yaml.*horizons\.1/);
    expect(existsSync(join(dir, "bad-runs"))).toBe(false);
  });
});
