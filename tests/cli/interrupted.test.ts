/// <reference types="node" />
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeBundle } from "../../core/bundle/decode.ts";
import { encodeBundle } from "../../core/bundle/encode.ts";
import { BundleRunReader } from "../../core/bundle/reader.ts";
import { MemoryRunStore } from "../../core/memory_store.ts";
import { readRunRows } from "../../web/runs/run_data.ts";
import { flattenRun } from "../../web/runs/run_columns.ts";
import { copyFolder, expectUserError, trainGoodRuns, treeDigest } from "./good_runs.ts";
import { lastLine, mf, ROOT, show, tempDir } from "./helpers.ts";

// kill -9 of a training at a random moment: the next `mf runs list` shows the run interrupted at once, the exported
// viewer shows it so, and predict says what it does with it. kill -9 of `mf import` at random moments: importing the
// same bundle again leaves every run present and complete.
const { dir, cleanup } = tempDir("kill");
afterAll(cleanup);
let good: Awaited<ReturnType<typeof trainGoodRuns>>;
beforeAll(async () => {
  good = await trainGoodRuns(dir);
});

/** `mf ARGS` as a child process that can be killed. */
function start(args: string[]): ChildProcess {
  return spawn(join(ROOT, "node_modules", ".bin", "deno"), ["run", "-A", "cli/main.ts", ...args], {
    cwd: ROOT,
    stdio: "ignore",
    env: { ...process.env, NO_COLOR: "1" },
  });
}

/** Kills a child with SIGKILL and waits until it is reaped. */
function killNow(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    child.once("exit", () => done());
    child.kill("SIGKILL");
  });
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

async function until(check: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`not reached within ${timeoutMs} ms`);
    await sleep(25);
  }
}

describe("kill -9 of a training", () => {
  it("at a random moment: mf runs list --json shows the run interrupted at once, the viewer too, and predict says what it uses", async () => {
    const runs = join(dir, "killed-runs");
    const config = join(dir, "long.json");
    writeFileSync(config, JSON.stringify({ trainer: { epochs: 5000, patience: 0 }, params: { hidden: [64] } }));
    const seed = Math.floor(Math.random() * 1e9);
    const delay = 200 + (seed % 2500);
    const child = start(["train", "--data", good.data, "--model", "mlp", "--backend", "cpu", "--config", config, "--out", runs]);
    // the run exists once its folder has run.json (and, written before it, the heartbeat); then a random moment
    const runDir = () => (existsSync(runs) ? readdirSync(runs).map((n) => join(runs, n)).find((d) => existsSync(join(d, "run.json"))) : undefined);
    await until(() => runDir() !== undefined, 120_000);
    expect(existsSync(join(runDir()!, "heartbeat.json")), "the heartbeat is written before run.json").toBe(true);
    await sleep(delay);
    await killNow(child);
    const t0 = Date.now();
    const listed = await mf(["runs", "list", "--runs", runs, "--json"]);
    const elapsed = Date.now() - t0;
    expect(listed.code, show(listed)).toBe(0);
    const [run] = JSON.parse(lastLine(listed.stdout)).runs;
    expect(run.status, `killed ${delay} ms after the run existed (seed ${seed})`).toBe("interrupted");
    expect(run.error).toMatch(/^interrupted: its process \(pid \d+ on .+\) ended before the run did$/);
    // the first listing after the kill already says so: no waiting for a heartbeat to go stale (mf startup included)
    expect(elapsed, `mf runs list took ${elapsed} ms`).toBeLessThan(5_000);
    console.log(`kill -9 ${delay} ms into the run: mf runs list showed it interrupted ${elapsed} ms after the kill`);
    // the listing rewrote run.json, so any later reader (and the viewer of an export) sees the same
    const stored = JSON.parse(readFileSync(join(runDir()!, "run.json"), "utf8"));
    expect(stored.status).toBe("interrupted");
    expect(existsSync(join(runDir()!, "heartbeat.json"))).toBe(false);

    const site = join(dir, "killed-site");
    const exported = await mf(["export", "--runs", runs, "--out", site]);
    expect(exported.code, show(exported)).toBe(0);
    const rows = await readRunRows(new BundleRunReader(decodeBundle(readFileSync(join(site, "runs.mfbundle")))));
    expect(rows.map((r) => flattenRun(r).cells.status)).toEqual(["interrupted"]);

    const out = join(dir, "killed-pred.parquet");
    const jsonl = join(runDir()!, "metrics.jsonl"); // absent when it was killed before its first epoch ended
    const epochs = existsSync(jsonl) ? readFileSync(jsonl, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l)) : [];
    // a checkpoint is there once its preprocess.json (written after the model's files) is
    const best = existsSync(join(runDir()!, "model", "preprocess.json")) ? epochs.filter((e) => e.best).at(-1) : undefined;
    const refused = expectUserError(await mf(["predict", "--backend", "cpu", "--run", runDir()!, "--input", join(good.data, "test.parquet"), "--out", out]));
    expect(refused).toMatch(/is interrupted \(its process \(pid \d+ on .+\) ended before the run did\), not finished/);
    const scored = await mf([
      "predict",
      "--backend",
      "cpu",
      "--run",
      runDir()!,
      "--input",
      join(good.data, "test.parquet"),
      "--out",
      out,
      "--allow-unfinished",
      "--json",
    ]);
    if (best) {
      expect(refused).toContain(`its saved model is the checkpoint of epoch ${best.epoch + 1}`);
      expect(refused).toContain("--allow-unfinished");
      expect(scored.code, show(scored)).toBe(0);
      expect(JSON.parse(lastLine(scored.stdout))).toMatchObject({ status: "interrupted", checkpoint_epoch: best.epoch });
      expect(scored.stderr).toContain(`scoring with the checkpoint of epoch ${best.epoch + 1}`);
    } else {
      // killed before its first epoch ended: nothing to score with, allowed or not, and it says so
      expect(refused).toMatch(/and it saved no checkpoint \(\d+ epoch\(s\) ran\): there is no model to score with$/);
      expect(expectUserError(scored)).toBe(refused);
    }
  });

  it("a stale heartbeat from another host reads as interrupted in the app and the viewer, which cannot ask about processes", async () => {
    const runs = copyFolder(good.runs, join(dir, "stale-runs"));
    const id = good.ids[0];
    const record = JSON.parse(readFileSync(join(runs, id, "run.json"), "utf8"));
    writeFileSync(join(runs, id, "run.json"), JSON.stringify({ ...record, status: "running" }));
    const beat = { host: "elsewhere", pid: 4242, at: new Date(Date.now() - 10 * 60_000).toISOString(), interval_s: 5 };
    writeFileSync(join(runs, id, "heartbeat.json"), JSON.stringify(beat));
    const store = new MemoryRunStore();
    for (const name of ["run.json", "heartbeat.json"]) await store.write(id, name, readFileSync(join(runs, id, name)));
    const [row] = await readRunRows(store);
    expect(row.record).toMatchObject({ status: "interrupted", error: expect.stringMatching(/pid 4242 on elsewhere\) last gave a sign of life/) });
    // and mf rewrites it: the heartbeat is 10 minutes old
    const listed = JSON.parse(lastLine((await mf(["runs", "list", "--runs", runs, "--json"])).stdout));
    expect(listed.runs.find((r: { id: string }) => r.id === id).status).toBe("interrupted");
  });
});

describe("kill -9 of mf import", () => {
  it("at random moments, then the same import again: every run of the bundle is present and complete, staged folders and a partial one cleared", async () => {
    // a bundle of 240 runs: copies of the good logistic run under their own ids
    const source = new MemoryRunStore();
    const base = join(good.runs, good.ids.find((id) => id.includes("-logistic-"))!);
    const files = Object.keys(treeDigest(base));
    const ids = Array.from({ length: 240 }, (_, i) => `20990101-000${String(i).padStart(3, "0")}-copy-h5-${i.toString(16).padStart(4, "0")}`);
    for (const id of ids) {
      for (const path of files) {
        const bytes = readFileSync(join(base, path));
        await source.write(id, path, path === "run.json" ? JSON.stringify({ ...JSON.parse(bytes.toString()), id }, null, 2) : bytes);
      }
    }
    const bundle = join(dir, "many.mfbundle");
    writeFileSync(bundle, await encodeBundle(source, ids, { createdBy: "test", predictions: true }));
    const expected = new BundleRunReader(decodeBundle(readFileSync(bundle)));

    const runs = join(dir, "import-runs");
    mkdirSync(join(runs, ids[7], "model"), { recursive: true });
    writeFileSync(join(runs, ids[7], "model", "weights.bin"), "half of an old import"); // an older crash's partial folder
    // each import is killed when a random number of runs is in place (or, once, at a random time from its start)
    const kills: string[] = [];
    const inPlace = () => (existsSync(runs) ? readdirSync(runs).filter((n) => !n.startsWith(".") && existsSync(join(runs, n, "run.json"))).length : 0);
    for (let k = 0; k < 5; k++) {
      const have = inPlace();
      if (have >= ids.length) break;
      const target = k === 0 ? 0 : have + 1 + Math.floor(Math.random() * (ids.length - have - 1));
      const delay = Math.floor(Math.random() * 1500);
      const child = start(["import", bundle, "--runs", runs]);
      const t0 = Date.now();
      if (target === 0) await sleep(delay);
      else await until(() => inPlace() >= target || child.exitCode !== null, 120_000);
      const finished = child.exitCode !== null;
      await killNow(child);
      const staged = readdirSync(runs).filter((n) => n.startsWith(".staging-") || n.startsWith(".replaced-")).length;
      kills.push(
        `${target ? `at ${target} runs` : `after ${delay} ms`} (${Date.now() - t0} ms)${
          finished ? " had finished" : ""
        }: ${inPlace()} in place, ${staged} staged`,
      );
    }
    console.log(`mf import of ${ids.length} runs killed ${kills.join("; ")}`);
    expect(kills.filter((line) => !line.includes("had finished")).length, "no kill landed before the import finished").toBeGreaterThan(0);
    const r = await mf(["import", bundle, "--runs", runs, "--json"]);
    expect(r.code, show(r)).toBe(0);
    const summary = JSON.parse(lastLine(r.stdout));
    expect([...summary.imported, ...summary.skipped.map((s: string) => s.split(":")[0])].sort()).toEqual(ids);
    // every run complete, byte for byte what the bundle holds; no staging folder, no partial run left
    expect(readdirSync(runs).sort()).toEqual(ids);
    for (const id of ids) {
      const listedFiles = await expected.files(id);
      expect(treeKeys(join(runs, id)), id).toEqual([...listedFiles].sort());
      for (const path of ["run.json", "model/weights.bin", "model/preprocess.json", "metrics.jsonl"]) {
        expect(Buffer.from(await expected.read(id, path)).equals(readFileSync(join(runs, id, path))), `${id}/${path}`).toBe(true);
      }
    }
    const listed = JSON.parse(lastLine((await mf(["runs", "list", "--runs", runs, "--json"])).stdout));
    expect(listed.runs).toHaveLength(ids.length);
    expect(listed.damaged).toEqual([]);
    // and importing once more changes nothing
    const before = treeDigest(runs);
    const again = await mf(["import", bundle, "--runs", runs, "--json"]);
    expect(JSON.parse(lastLine(again.stdout)).imported).toEqual([]);
    expect(treeDigest(runs)).toEqual(before);
  });
});

/** Relative paths of every file under a folder, sorted. */
function treeKeys(root: string): string[] {
  return Object.keys(treeDigest(root)).sort();
}
