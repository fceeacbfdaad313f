// deno-lint-ignore-file no-explicit-any -- journals, reports and run.json read loosely
/// <reference types="node" />
// End to end on a real Slurm: scripts/slurm-local.sh starts a one-node cluster (munged, slurmctld, slurmd) under a
// temp folder; experiments and studies are submitted to it as job arrays and compared with --executor local.
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lastLine, mf, ROOT, runDirs, runJson, show, tempDir, writeSplits } from "./helpers.ts";

const { dir, cleanup } = tempDir("slurm");
const state = join(dir, "cluster");
const script = join(ROOT, "scripts", "slurm-local.sh");
let env: Record<string, string> = {};

beforeAll(() => {
  // npm run setup installs slurm-wlm and munge; without them this fails here, naming them
  const out = execFileSync("bash", [script, "start", state], { encoding: "utf8", timeout: 120_000 });
  env = { SLURM_CONF: /export SLURM_CONF=(\S+)/.exec(out)![1] };
  mkdirSync(join(dir, "data"));
  writeSplits(join(dir, "data"));
}, 180_000);
afterAll(() => {
  execFileSync("bash", [script, "stop", state], { encoding: "utf8", timeout: 60_000 });
  cleanup();
});

/** 3 logistic entries x 2 seeds: 6 short cells. */
const experiment = (runs: string) =>
  `experiment: { name: six, description: a job array on the local cluster }
data: { dir: data }
horizons: [5]
seeds: [1, 2]
models:
  - name: linear:logistic
  - name: linear:logistic
    label: lr-w2
    dataset: { seq_len: 2 }
  - name: linear:logistic
    label: lr-l2
    params: { l2: 0.01 }
trainer: { epochs: 3, patience: 0, backend: cpu }
ensembles: { soft_voting: false, stacking: false }
output: { base_dir: ${runs} }
`;

describe("Slurm job arrays on a one-node cluster", () => {
  it("a 6-cell experiment submitted as an array finishes the same cells as --executor local, with one report", async () => {
    mkdirSync(join(dir, "slurm-exp"));
    mkdirSync(join(dir, "local-exp"));
    for (const where of ["slurm-exp", "local-exp"]) writeFileSync(join(dir, where, "six.yaml"), experiment("runs").replace("dir: data", "dir: ../data"));
    const slurm = await mf(
      ["experiment", "--config", join(dir, "slurm-exp", "six.yaml"), "--executor", "slurm", "--workers", "3", "--wait", "--json"],
      300_000,
      env,
    );
    expect(slurm.code, show(slurm)).toBe(0);
    expect(slurm.stderr).toMatch(/submitted Slurm job array \d+ \(3 tasks\)/);
    const local = await mf(["experiment", "--config", join(dir, "local-exp", "six.yaml"), "--executor", "local", "--workers", "2", "--json"], 300_000, env);
    expect(local.code, show(local)).toBe(0);
    const [a, b] = [slurm, local].map((r) => JSON.parse(lastLine(r.stdout)));
    expect(a).toMatchObject({ experiment: "six", cells: 6, finished: 6, failed: 0 });
    expect({ ...a, report_md: "", report_json: "" }).toEqual({ ...b, report_md: "", report_json: "" });
    const cellsOf = (where: string) =>
      runDirs(join(dir, where, "runs")).map(runJson).filter((r) => r.status === "finished").map((r) => r.experiment.cell_id).sort();
    expect(cellsOf("slurm-exp")).toHaveLength(6);
    expect(cellsOf("slurm-exp")).toEqual(cellsOf("local-exp"));
    const report = JSON.parse(readFileSync(a.report_json, "utf8"));
    expect(report.cells.map((c: any) => c.status)).toEqual(Array(6).fill("finished"));
    // each array task wrote its log; the claims name the array tasks of one submission
    const logs = readdirSync(join(dir, "slurm-exp", "six", "slurm")).filter((f) => f.endsWith(".out"));
    expect(logs).toHaveLength(3);
    const claims = readdirSync(join(dir, "slurm-exp", "six", "claims")).filter((f) => f.endsWith(".json"))
      .map((f) => JSON.parse(readFileSync(join(dir, "slurm-exp", "six", "claims", f), "utf8")));
    expect(new Set(claims.map((c) => c.submission)).size).toBe(1);
    expect(claims[0].submission).toMatch(/^slurm-\d+$/);
    const status = await mf(["experiment", "--config", join(dir, "slurm-exp", "six.yaml"), "--status", "--json"], 120_000, env);
    const shown = JSON.parse(lastLine(status.stdout));
    expect(shown).toMatchObject({ cells: 6, finished: 6 });
    expect(shown.status.every((s: any) => s.worker.startsWith(`${claims[0].submission}[`) && s.task >= 0 && s.task < 3)).toBe(true);
  });

  it("a 12-trial study submitted as an array holds 12 trials, as --executor local does", async () => {
    const tune = (study: string, more: string[]) => [
      "tune",
      "--model",
      "logistic",
      "--horizon",
      "5",
      "--data",
      join(dir, "data"),
      "--trials",
      "12",
      "--epochs",
      "2",
      "--sampler",
      "random",
      "--studies",
      join(dir, "studies"),
      "--out",
      join(dir, "tune-runs"),
      "--study",
      study,
      "--json",
      ...more,
    ];
    const slurm = await mf(tune("on-slurm", ["--executor", "slurm", "--workers", "3", "--array-parallel", "2", "--wait"]), 300_000, env);
    expect(slurm.code, show(slurm)).toBe(0);
    const local = await mf(tune("on-local", ["--executor", "local", "--workers", "2"]), 300_000, env);
    expect(local.code, show(local)).toBe(0);
    const [a, b] = [slurm, local].map((r) => JSON.parse(lastLine(r.stdout)));
    for (const summary of [a, b]) {
      expect(summary.trials.complete + summary.trials.pruned).toBe(12);
      expect(summary.trials.running + summary.trials.failed).toBe(0);
      expect(summary.ran).toBe(12);
    }
    const journal = readFileSync(join(dir, "studies", "on-slurm", "journal.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    const workers = journal.filter((l) => l.op === "create_trial").map((l) => l.worker);
    expect(workers).toHaveLength(12);
    expect(workers.every((w: string) => /^slurm-\d+\[[0-2]\]@/.test(w))).toBe(true);
  });
});
