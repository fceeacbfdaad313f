// deno-lint-ignore-file no-explicit-any -- parsed journal lines and run files, read loosely by the tests
/// <reference types="node" />
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lastLine, mf, ROOT, show, tempDir, writeSplits } from "./helpers.ts";

const { dir, cleanup } = tempDir("tune");
afterAll(cleanup);
const data = join(dir, "data"), studies = join(dir, "studies"), runs = join(dir, "runs");
const space = join(dir, "space.json"), long = join(dir, "long.json");

beforeAll(() => {
  mkdirSync(data);
  writeSplits(data);
  writeFileSync(
    space,
    JSON.stringify({
      "params.learning_rate": { type: "float", low: 1e-4, high: 0.1, log: true },
      "params.l2": { type: "float", low: 1e-5, high: 1e-2, log: true },
    }),
  );
  writeFileSync(long, JSON.stringify({ trainer: { patience: 100000 } }));
});

const journal = (name: string) => readFileSync(join(studies, name, "journal.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
const tune = (
  study: string,
  more: string[] = [],
) => ["tune", "--model", "logistic", "--horizon", "5", "--data", data, "--space", space, "--studies", studies, "--out", runs, "--study", study, ...more];

/** Starts `mf ARGS` as a child process (for kill -9); resolves with its exit code and stderr when it ends. */
function start(args: string[]) {
  const child = spawn(join(ROOT, "node_modules", ".bin", "deno"), ["run", "-A", "cli/main.ts", ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: "1" } });
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr += chunk));
  child.stdout.on("data", () => undefined);
  const done = new Promise<{ code: number | null; signal: string | null; stderr: string }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal, stderr }))
  );
  return { child, done };
}

describe("mf tune", () => {
  it("three processes on one study asking for 30 trials make exactly 30, with unique numbers and every intermediate value kept", async () => {
    const args = tune("three", ["--trials", "30", "--epochs", "3", "--sampler", "random", "--pruner", "median:n_warmup_steps=0", "--json"]);
    const results = await Promise.all([mf(args), mf(args), mf(args)]);
    for (const r of results) expect(r.code, show(r)).toBe(0);
    const lines = journal("three");
    expect(lines[0].pruner).toEqual({ name: "median", n_startup_trials: 5, n_warmup_steps: 0, interval_steps: 1, n_min_trials: 1 }); // as --pruner gave it
    const numbers = lines.filter((l) => l.op === "create_trial").map((l) => l.number).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 30 }, (_, k) => k));
    const workers = new Set(lines.filter((l) => l.op === "create_trial").map((l) => l.worker));
    expect(workers.size).toBeGreaterThan(1);
    const ran = results.map((r) => JSON.parse(lastLine(r.stdout)).ran as number);
    expect(ran.reduce((a, b) => a + b, 0)).toBe(30);
    const finishes = lines.filter((l) => l.op === "finish");
    expect(finishes).toHaveLength(30);
    expect(finishes.every((l) => l.state === "complete" || l.state === "pruned")).toBe(true);
    // every epoch's validation loss of every run is in the journal as that trial's intermediate value
    for (const finish of finishes) {
      const run = join(runs, finish.run_id);
      const record = JSON.parse(readFileSync(join(run, "run.json"), "utf8"));
      expect(record.study).toEqual({ name: "three", trial: finish.trial });
      expect(record.status).toBe(finish.state === "pruned" ? "pruned" : "finished");
      expect(record.test_scored).toBe(false);
      expect(existsSync(join(run, "predictions", "test.parquet"))).toBe(false);
      const epochs = readFileSync(join(run, "metrics.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
      const reports = lines.filter((l) => l.op === "report" && l.trial === finish.trial);
      expect(reports.map((l) => [l.step, l.value])).toEqual(epochs.map((e) => [e.epoch, -e.val_loss]));
    }
    const shown = await mf(["study", "show", "three", "--studies", studies, "--json"]);
    expect(shown.code, show(shown)).toBe(0);
    const summary = JSON.parse(lastLine(shown.stdout));
    expect(summary).toMatchObject({ name: "three", model: "linear:logistic", direction: "maximize" });
    expect(summary.trials).toHaveLength(30);
    const best = summary.trials.filter((t: any) => t.state === "complete").sort((a: any, b: any) => b.value - a.value)[0];
    expect(summary.best).toEqual({ number: best.number, value: best.value, params: best.params });
    const listed = await mf(["study", "list", "--studies", studies]);
    expect(listed.stdout).toMatch(/three\s+linear:logistic\s+h5\s+f1_macro \(max\)\s+30/);
  });

  it("mf train --config with the best trial's config reproduces its validation objective", async () => {
    const config = join(studies, "three", "best_config.json");
    const shown = JSON.parse(lastLine((await mf(["study", "show", "three", "--studies", studies, "--json"])).stdout));
    const r = await mf(["train", "--config", config, "--data", data, "--out", join(dir, "repro"), "--json"]);
    expect(r.code, show(r)).toBe(0);
    expect(JSON.parse(lastLine(r.stdout)).val.f1_macro).toBeCloseTo(shown.best.value, 10);
  });

  it("kill -9 of a worker mid-trial: its trial ends failed through the heartbeat and the others complete the study", async () => {
    const args = tune("killed", ["--trials", "4", "--epochs", "300", "--config", long, "--sampler", "random", "--pruner", "none", "--heartbeat", "2"]);
    const victim = start(args);
    // wait until the victim has a trial under way (it reported an epoch)
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const path = join(studies, "killed", "journal.jsonl");
      if (existsSync(path) && readFileSync(path, "utf8").includes('"op":"report"')) break;
      await new Promise((done) => setTimeout(done, 20));
    }
    victim.child.kill("SIGKILL");
    const ended = await victim.done;
    expect(ended.signal).toBe("SIGKILL");
    const others = await Promise.all([mf(args), mf(args)]);
    for (const r of others) expect(r.code, show(r)).toBe(0);
    const lines = journal("killed");
    const victimWorker = lines.find((l) => l.op === "create_trial" && l.number === 0).worker;
    const finishes = new Map(lines.filter((l) => l.op === "finish").map((l) => [l.trial, l]));
    expect(finishes.get(0)).toMatchObject({ state: "failed", reason: "heartbeat" });
    const trials = lines.filter((l) => l.op === "create_trial");
    expect(trials).toHaveLength(5); // the dead worker's slot was run again
    expect(trials.slice(1).every((l) => l.worker !== victimWorker)).toBe(true);
    expect([...finishes.values()].filter((l) => l.state === "complete")).toHaveLength(4);
    const shown = JSON.parse(lastLine((await mf(["study", "show", "killed", "--studies", studies, "--json"])).stdout));
    expect(shown.trials.map((t: any) => t.state)).toEqual(["failed", "complete", "complete", "complete", "complete"]);
    // the dead worker's run, tagged with trial 0, no longer says running
    const victimRuns = readdirSync(runs).map((id) => JSON.parse(readFileSync(join(runs, id, "run.json"), "utf8"))).filter((r) =>
      r.study?.name === "killed" && r.study.trial === 0
    );
    expect(victimRuns).toHaveLength(1);
    expect(victimRuns[0].status).toBe("failed");
    expect(victimRuns[0].error).toMatch(/lost its worker/);
  });

  it("bad input: another model on a study, a corrupt journal line, a bad space: one clear error each, no study damaged", async () => {
    const first = await mf(tune("guarded", ["--trials", "2", "--epochs", "2", "--sampler", "random"]));
    expect(first.code, show(first)).toBe(0);
    const path = join(studies, "guarded", "journal.jsonl");
    const before = readFileSync(path, "utf8");

    const other = await mf([
      "tune",
      "--model",
      "mlp",
      "--horizon",
      "5",
      "--data",
      data,
      "--studies",
      studies,
      "--out",
      runs,
      "--study",
      "guarded",
      "--space",
      space,
    ]);
    expect(other.code).toBe(1);
    expect(other.stderr.trim().split("\n")).toHaveLength(1);
    expect(other.stderr).toContain('Study "guarded" was created with model "linear:logistic", not "neural:mlp"');
    expect(readFileSync(path, "utf8")).toBe(before);

    const horizon = await mf(tune("guarded", ["--trials", "3"]).map((a) => (a === "5" ? "20" : a)));
    expect(horizon.stderr).toContain("was created with horizon 5, not 20");
    expect(readFileSync(path, "utf8")).toBe(before);

    const lines = before.split("\n");
    lines[2] = lines[2].slice(0, 15);
    writeFileSync(path, lines.join("\n"));
    const corrupt = await mf(tune("guarded", ["--trials", "3", "--epochs", "2"]));
    expect(corrupt.code).toBe(1);
    expect(corrupt.stderr.trim().split("\n")).toHaveLength(1);
    expect(corrupt.stderr).toContain("study guarded journal line 3 is corrupt");
    expect(readFileSync(path, "utf8")).toBe(lines.join("\n"));
    const showCorrupt = await mf(["study", "show", "guarded", "--studies", studies]);
    expect(showCorrupt.stderr).toContain("line 3 is corrupt");

    writeFileSync(join(dir, "bad_space.json"), JSON.stringify({ "params.momentum": { type: "float", low: 0, high: 1 } }));
    const badSpace = await mf(tune("fresh", ["--trials", "1"]).map((a) => (a === space ? join(dir, "bad_space.json") : a)));
    expect(badSpace.code).toBe(1);
    expect(badSpace.stderr).toContain('"params.momentum"');
    expect(existsSync(join(studies, "fresh"))).toBe(false);

    const floatGrid = await mf(tune("grid-bad", ["--trials", "2", "--sampler", "grid"]));
    expect(floatGrid.code).toBe(1);
    expect(floatGrid.stderr).toContain('Cannot search "params.learning_rate" on a grid');
    expect(existsSync(join(studies, "grid-bad"))).toBe(false);

    const badName = await mf(tune("../escape", ["--trials", "1"]));
    expect(badName.code).toBe(1);
    expect(badName.stderr).toContain('Study name "../escape" is not allowed');
    const noName = await mf(["study", "show", "--studies", studies]);
    expect(noName.stderr).toContain("mf study show: name the study");

    const missing = await mf(["study", "show", "nope", "--studies", studies]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('No study "nope"');
  });

  it("--sampler grid visits each point once, and --timeout stops claiming trials", async () => {
    const grid = join(dir, "grid.json");
    writeFileSync(
      grid,
      JSON.stringify({
        "params.learning_rate": { type: "float", low: 0.01, high: 0.03, step: 0.01 },
        "params.l2": { type: "categorical", choices: [1e-4, 1e-3] },
      }),
    );
    const over = await mf(tune("grid", ["--trials", "7", "--sampler", "grid"]).map((a) => (a === space ? grid : a)));
    expect(over.stderr).toContain("--trials 7 is more than the grid's 6 points");
    const r = await mf(
      tune("grid", ["--trials", "6", "--sampler", "grid", "--pruner", "none", "--epochs", "2", "--json"]).map((a) => (a === space ? grid : a)),
    );
    expect(r.code, show(r)).toBe(0);
    const points = journal("grid").filter((l) => l.op === "set_params").map((l) => JSON.stringify(l.params));
    expect(new Set(points).size).toBe(6);

    const timed = await mf(tune("timed", ["--trials", "50", "--epochs", "300", "--config", long, "--sampler", "random", "--timeout", "0.5", "--json"]));
    expect(timed.code, show(timed)).toBe(0);
    const ran = JSON.parse(lastLine(timed.stdout)).ran;
    expect(ran).toBeGreaterThanOrEqual(1);
    expect(ran).toBeLessThan(50);
  });

  it("--cv walk_forward:K scores each trial over K folds, one run per fold, test never scored; a bad --cv is one clear error", async () => {
    const r = await mf(tune("cv", ["--trials", "2", "--epochs", "2", "--cv", "walk_forward:3,embargo=1", "--json"]));
    expect(r.code, show(r)).toBe(0);
    const [header] = journal("cv");
    expect(header.settings.cv).toEqual({ folds: 3, window: "expanding", embargo: 1 });
    expect(header.pruner).toMatchObject({ name: "median", n_warmup_steps: 0 });
    const finishes = journal("cv").filter((l) => l.op === "finish");
    expect(finishes).toHaveLength(2);
    for (const finish of finishes) {
      expect(finish.runs).toHaveLength(3);
      finish.runs.forEach((id: string, fold: number) => {
        const record = JSON.parse(readFileSync(join(runs, id, "run.json"), "utf8"));
        expect(record.study).toEqual({ name: "cv", trial: finish.trial, fold });
        expect(record.test_scored).toBe(false);
        expect(existsSync(join(runs, id, "predictions", "test.parquet"))).toBe(false);
      });
    }
    for (const bad of ["walk_forward:1", "kfold:3", "walk_forward:3,window=random"]) {
      const e = await mf(tune(`cv-bad`, ["--trials", "1", "--cv", bad]));
      expect(e.code).toBe(1);
      expect(e.stderr.trim().split("\n"), bad).toHaveLength(1);
      expect(e.stderr).toMatch(/--cv/);
    }
    expect(existsSync(join(studies, "cv-bad"))).toBe(false);
  });
});
