// deno-lint-ignore-file no-explicit-any -- claims, reports and run.json read loosely
/// <reference types="node" />
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorMessage, lastLine, mf, ROOT, runDirs, runJson, show, tempDir, tinySplits, writeSplits } from "./helpers.ts";

const { dir, cleanup } = tempDir("scale-out");
afterAll(cleanup);

/** 2 logistic entries x 4 seeds: 8 cells of a few seconds each. */
const config = (name: string, epochs: number) =>
  `experiment: { name: ${name}, description: workers sharing one runs folder }
data: { dir: data }
horizons: [5]
seeds: [1, 2, 3, 4]
models:
  - name: linear:logistic
  - name: linear:logistic
    label: lr-w2
    dataset: { seq_len: 2 }
trainer: { epochs: ${epochs}, patience: 0, backend: cpu }
ensembles: { soft_voting: false, stacking: false }
output: { base_dir: runs-${name} }
`;

const claimsOf = (name: string) =>
  readdirSync(join(dir, name, "claims")).filter((f) => f.endsWith(".json")).map((f) => JSON.parse(readFileSync(join(dir, name, "claims", f), "utf8")));
/** The runs of an experiment that have a run.json (while workers run, a run's folder exists a moment before it). */
const runsOf = (name: string) => runDirs(join(dir, `runs-${name}`)).filter((d) => existsSync(join(d, "run.json"))).map(runJson);

beforeAll(() => {
  mkdirSync(join(dir, "data"));
  writeSplits(join(dir, "data"), tinySplits({ rows: 1500 }));
});

describe("mf experiment with many workers", () => {
  it("four local workers on 8 cells: each cell runs exactly once, in several workers, and one report lists all 8", async () => {
    writeFileSync(join(dir, "four.yaml"), config("four", 4));
    const r = await mf(["experiment", "--config", join(dir, "four.yaml"), "--executor", "local", "--workers", "4", "--json"]);
    expect(r.code, show(r)).toBe(0);
    expect(JSON.parse(lastLine(r.stdout))).toMatchObject({ experiment: "four", cells: 8, finished: 8, failed: 0 });
    expect(r.stderr).toMatch(/starting 4 local workers, 1 thread each/); // 2 cores shared by 4
    const runs = runsOf("four");
    expect(runs).toHaveLength(8);
    expect(runs.every((run) => run.status === "finished")).toBe(true);
    expect(new Set(runs.map((run) => run.experiment.cell_id)).size).toBe(8);
    const claims = claimsOf("four");
    const cells = claims.filter((c) => c.key !== "after-cells");
    expect(cells).toHaveLength(8);
    expect(cells.every((c) => c.state === "finished" && c.attempt === 1)).toBe(true);
    expect(new Set(cells.map((c) => c.task)).size).toBeGreaterThan(1);
    expect(new Set(cells.map((c) => c.run_id))).toEqual(new Set(runs.map((run) => run.id)));
    expect(claims.find((c) => c.key === "after-cells")).toMatchObject({ state: "finished" });
    const report = JSON.parse(readFileSync(join(dir, "four", "report.json"), "utf8"));
    expect(report.cells).toHaveLength(8);
    expect(report.cells.every((c: any) => c.status === "finished")).toBe(true);

    const status = await mf(["experiment", "--config", join(dir, "four.yaml"), "--status", "--json"]);
    expect(status.code, show(status)).toBe(0);
    const shown = JSON.parse(lastLine(status.stdout));
    expect(shown).toMatchObject({ experiment: "four", cells: 8, finished: 8, running: 0, failed: 0, pending: 0 });
    for (const s of shown.status) expect(s.task).toBe(cells.find((c) => c.key === s.cell_id).task);
    expect(status.stderr).toMatch(/#\s+label\s+horizon\s+seed\s+state\s+task\s+worker/);
  });

  it("kill -9 of one worker mid-cell: its cell is taken again and finished by another, and the report lists all 8", async () => {
    writeFileSync(join(dir, "killed.yaml"), config("killed", 60));
    const child = spawn(join(ROOT, "node_modules", ".bin", "deno"), [
      "run",
      "-A",
      "cli/main.ts",
      "experiment",
      "--config",
      join(dir, "killed.yaml"),
      "--executor",
      "local",
      "--workers",
      "4",
      "--json",
    ], { cwd: ROOT, env: { ...process.env, NO_COLOR: "1" } });
    let stdout = "", stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
    // the victim: a worker holding a cell whose run has reported an epoch
    let victim: any;
    for (const deadline = Date.now() + 120_000; !victim && Date.now() < deadline;) {
      await new Promise((done) => setTimeout(done, 50));
      if (!existsSync(join(dir, "killed", "claims"))) continue;
      const running = claimsOf("killed").filter((c) => c.state === "running" && c.key !== "after-cells");
      const started = new Map(runsOf("killed").filter((run) => run.status === "running").map((run) => [run.experiment.cell_id, run.id]));
      victim = running.find((c) => {
        const id = started.get(c.key);
        return id && existsSync(join(dir, "runs-killed", id, "metrics.jsonl"));
      });
    }
    if (!victim) child.kill("SIGKILL");
    expect(victim, stderr).toBeDefined();
    process.kill(victim.pid, "SIGKILL");
    expect(await exited, `${stdout}\n${stderr}`).toBe(0);
    expect(JSON.parse(lastLine(stdout))).toMatchObject({ cells: 8, finished: 8, failed: 0 });
    expect(stderr).toContain(`worker ${victim.task} (pid ${victim.pid}) was killed by SIGKILL`);
    const claim = claimsOf("killed").find((c) => c.key === victim.key);
    expect(claim).toMatchObject({ state: "finished", attempt: 2, took_over: { worker: victim.worker, task: victim.task } });
    expect(claim.took_over.reason).toBe(`its process ${victim.pid} on ${victim.host} is gone`);
    expect(claim.worker).not.toBe(victim.worker);
    const runs = runsOf("killed");
    for (const cellId of new Set(runs.map((run) => run.experiment.cell_id))) {
      const mine = runs.filter((run) => run.experiment.cell_id === cellId);
      expect(mine.filter((run) => run.status === "finished")).toHaveLength(1);
      // the killed cell keeps its interrupted run (failed by the worker that took it over); every other cell ran once
      if (cellId === victim.key) {
        expect(mine).toHaveLength(2);
        expect(["failed", "interrupted"]).toContain(mine.find((run) => run.status !== "finished")!.status); // never left running
      } else expect(mine).toHaveLength(1);
    }
    const report = JSON.parse(readFileSync(join(dir, "killed", "report.json"), "utf8"));
    expect(report.cells.map((c: any) => c.status)).toEqual(Array(8).fill("finished"));
  });

  it("a claim whose heartbeat lapsed on another host is taken over by the next worker", async () => {
    writeFileSync(join(dir, "lapsed.yaml"), config("lapsed", 2).replace("seeds: [1, 2, 3, 4]", "seeds: [1]"));
    const planned = await mf(["experiment", "--config", join(dir, "lapsed.yaml"), "--status", "--json"]);
    const cells = JSON.parse(lastLine(planned.stdout)).status.map((s: any) => s.cell_id);
    mkdirSync(join(dir, "lapsed", "claims"), { recursive: true });
    const at = new Date(Date.now() - 10_000).toISOString();
    const stale = {
      key: cells[0],
      state: "running",
      worker: "slurm-77[3]@node-elsewhere:4242",
      task: 3,
      submission: "slurm-77",
      host: "node-elsewhere",
      pid: 4242,
      token: "t",
      claimed_at: at,
      alive_at: at,
      heartbeat_s: 5,
      attempt: 1,
    };
    writeFileSync(join(dir, "lapsed", "claims", `${cells[0]}.json`), JSON.stringify(stale));
    const r = await mf(["experiment", "--config", join(dir, "lapsed.yaml"), "--worker", "--json"]);
    expect(r.code, show(r)).toBe(0);
    const claim = claimsOf("lapsed").find((c) => c.key === cells[0]);
    expect(claim).toMatchObject({ state: "finished", attempt: 2, took_over: { worker: stale.worker, task: 3 } });
    expect(claim.took_over.reason).toMatch(/^no heartbeat for 1\d s \(timeout 5 s\)$/);
  });

  it("--emit slurm writes the array script and marks the shared folders; bad input: one clear error each", async () => {
    const file = join(dir, "eight.sbatch");
    const emitted = await mf(["experiment", "--config", join(dir, "four.yaml"), "--emit", "slurm", file, "--workers", "5", "--array-parallel", "2"]);
    expect(emitted.code, show(emitted)).toBe(0);
    const script = readFileSync(file, "utf8");
    expect(script).toContain("#SBATCH --array=0-4%2");
    const token = /--shared-marker (\w+)/.exec(script)![1];
    for (const folder of [join(dir, "runs-four"), join(dir, "four")]) expect(existsSync(join(folder, `.mf-shared-${token}`))).toBe(true);
    expect(script).toMatch(/experiment --config \S+four\.yaml --shared-marker \w+ --worker --task "\$SLURM_ARRAY_TASK_ID" --tasks 5/);

    // the Kubernetes Job: paths relative to the mounted folder, an absolute one refused
    const relativeConfig = relative(ROOT, join(dir, "four.yaml"));
    const k8s = await mf(["experiment", "--config", relativeConfig, "--emit", "k8s", join(dir, "job.yaml"), "--image", "mf:1", "--workers", "3"]);
    expect(k8s.code, show(k8s)).toBe(0);
    const job = parse(readFileSync(join(dir, "job.yaml"), "utf8"));
    expect(job).toMatchObject({ apiVersion: "batch/v1", kind: "Job", spec: { completionMode: "Indexed", completions: 3, parallelism: 3 } });
    expect(job.spec.template.spec.containers[0].args.slice(0, 4)).toEqual(["experiment", "--config", relativeConfig, "--worker"]);
    const absolute = await mf(["experiment", "--config", join(dir, "four.yaml"), "--emit", "k8s", join(dir, "job2.yaml"), "--image", "mf:1"]);
    expect(errorMessage(absolute.stderr)).toMatch(
      /--emit k8s: ".*four\.yaml" is an absolute path of this machine; give paths relative to the folder mounted at \/work/,
    );
    expect(existsSync(join(dir, "job2.yaml"))).toBe(false);
    const noImage = await mf(["experiment", "--config", relativeConfig, "--emit", "k8s", join(dir, "job3.yaml")]);
    expect(errorMessage(noImage.stderr)).toMatch(/--emit k8s needs --image IMAGE/);

    // no sbatch on the PATH
    const noSlurm = await mf(["experiment", "--config", join(dir, "four.yaml"), "--executor", "slurm", "--wait"], 240_000, { PATH: join(dir, "empty-bin") });
    expect(noSlurm.code).toBe(1);
    expect(errorMessage(noSlurm.stderr)).toMatch(/--executor slurm: sbatch, squeue, scontrol are not on the PATH/);

    // a worker that does not see the submitter's folder: the marker is not there
    const unshared = await mf([
      "experiment",
      "--config",
      join(dir, "four.yaml"),
      "--worker",
      "--task",
      "1",
      "--tasks",
      "5",
      "--shared-marker",
      "feedfacefeedface",
    ]);
    expect(unshared.code).toBe(1);
    expect(errorMessage(unshared.stderr)).toMatch(
      new RegExp(`array task 1 of .* does not see the folder the submitting process wrote: .*runs-four on .* has no marker feedfacefeedface.*${token}`),
    );

    // an array task index outside the array the script was written for
    const outside = await mf(["experiment", "--config", join(dir, "four.yaml"), "--worker", "--tasks", "5"], 240_000, { SLURM_ARRAY_TASK_ID: "7" });
    expect(outside.code).toBe(1);
    expect(errorMessage(outside.stderr)).toBe(
      "error: array task index 7 is out of range: this submission was written for 5 tasks, indexes 0-4; submit it with --array=0-4 (or write the script again with --workers N)",
    );

    const both = await mf(["experiment", "--config", join(dir, "four.yaml"), "--worker", "--executor", "local"]);
    expect(errorMessage(both.stderr)).toMatch(/--worker is what the submitted workers run; leave out --executor and --emit/);
    const wrong = await mf(["experiment", "--config", join(dir, "four.yaml"), "--executor", "pbs"]);
    expect(errorMessage(wrong.stderr)).toMatch(/--executor must be local or slurm, got "pbs"/);
  });
});
