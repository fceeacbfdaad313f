// deno-lint-ignore-file no-explicit-any -- parsed JSON of registry records and CLI results, read loosely by the tests
/// <reference types="node" />
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliResult, column, errorMessage, lastLine, mf, quick, readRows, show, tempDir, tinySplits, writeSplits, writeTable } from "./helpers.ts";

// mf registry end to end on a run trained by mf train: register, aliases and their history, show, delete,
// the bad inputs, predicting by NAME@ALIAS (also after the run is deleted), and two processes registering at once.
const { dir, cleanup } = tempDir("registry");
afterAll(cleanup);
const splits = tinySplits();
const data = join(dir, "data");
mkdirSync(data);
const paths = writeSplits(data, splits);
let runDir: string;

beforeAll(async () => {
  const r = await mf(["train", "--data", data, "--model", "logistic", "--horizon", "5", "--seed", "5", "--json", ...quick(join(dir, "runs"))]);
  if (r.code !== 0) throw new Error(`training failed: ${show(r)}`);
  runDir = JSON.parse(lastLine(r.stdout)).run_dir;
});

/** `mf registry SUB ARGS --registry REG --json`, its last stdout line parsed (the command must succeed). */
async function reg(registry: string, ...args: string[]): Promise<any> {
  const r = await mf(["registry", ...args, "--registry", registry, "--json"]);
  expect(r.code, show(r)).toBe(0);
  return JSON.parse(lastLine(r.stdout));
}

/** A failed command's one error line. */
function failure(r: CliResult): string {
  expect(r.code, show(r)).not.toBe(0);
  expect(r.stderr, "a stack trace reached the user").not.toMatch(/^\s+at |Uncaught/m);
  return errorMessage(r.stderr);
}

/** A copy of the trained run with run.json's status changed. */
function runWithStatus(status: string, id: string): string {
  const copy = join(dir, "runs-status", id);
  cpSync(runDir, copy, { recursive: true });
  const record = JSON.parse(readFileSync(join(copy, "run.json"), "utf8"));
  writeFileSync(join(copy, "run.json"), JSON.stringify({ ...record, id, status, ...(status === "failed" ? { error: "Out of memory" } : {}) }));
  return copy;
}

describe("mf registry", () => {
  it("register, alias, unalias and history: versions 1..n, aliases moved with every move kept, --json results as the issue gives them", async () => {
    const R = join(dir, "reg-basic");
    expect(await reg(R, "register", "--run", runDir, "--name", "btc-h5", "--alias", "champion", "--tag", "team=rates", "--description", "first"))
      .toEqual({ name: "btc-h5", version: 1, aliases: ["champion"] });
    expect(await reg(R, "register", "--run", runDir, "--name", "btc-h5", "--alias", "challenger")).toEqual({
      name: "btc-h5",
      version: 2,
      aliases: ["challenger"],
    });
    expect(await reg(R, "alias", "btc-h5", "champion", "2", "--note", "v2 is better")).toMatchObject({
      alias: "champion",
      from: 1,
      to: 2,
      note: "v2 is better",
    });
    expect(await reg(R, "unalias", "btc-h5", "challenger")).toMatchObject({ alias: "challenger", from: 2, to: null });
    const history = await reg(R, "history", "btc-h5");
    expect(history.name).toBe("btc-h5");
    expect(history.history.map((h: any) => [h.alias, h.from, h.to, h.note])).toEqual([
      ["champion", null, 1, "registered"],
      ["challenger", null, 2, "registered"],
      ["champion", 1, 2, "v2 is better"],
      ["challenger", 2, null, ""],
    ]);
    for (const h of history.history) expect(Number.isNaN(Date.parse(h.at))).toBe(false);
    const shown = await reg(R, "show", "btc-h5");
    expect(shown.name).toBe("btc-h5");
    expect(shown.aliases).toEqual({ champion: 2 });
    expect(shown.versions.map((v: any) => [v.version, v.aliases])).toEqual([[1, []], [2, ["champion"]]]);
    const runId = runDir.split("/").at(-1);
    for (const v of shown.versions) {
      expect(v.run_id).toBe(runId);
      expect(typeof v.metrics.test.f1_macro).toBe("number");
      expect(typeof v.metrics.val.sharpe).toBe("number");
    }
    expect(shown.versions[0].tags).toEqual({ team: "rates" });
    const one = await reg(R, "show", "btc-h5@champion");
    expect(one.versions).toHaveLength(1);
    expect(one.versions[0].version).toBe(2);
    expect(one.versions[0].signature).toMatchObject({
      horizon: 5,
      window_length: 1,
      classes: [-1, 0, 1],
      features: Array.from({ length: 8 }, (_, j) => `f_00${j}`),
    });
    expect(one.versions[0].lineage).toMatchObject({ run_id: runId, model: "linear:logistic", seed: 5 });
    expect(one.versions[0].lineage.dataset.files.test.name).toBe(paths.test);
    expect((await reg(R, "list")).models.map((m: any) => [m.name, m.versions])).toEqual([["btc-h5", [1, 2]]]);
    // the layout on disk: experiments/registry/<name>/ with the record and a folder per version, no lock left behind
    expect(readdirSync(join(R, "btc-h5")).sort()).toEqual(["registered_model.json", "versions"]);
  });

  it("delete is refused while an alias points at the version, and --force removes the alias too", async () => {
    const R = join(dir, "reg-delete");
    await reg(R, "register", "--run", runDir, "--name", "m", "--alias", "champion");
    await reg(R, "register", "--run", runDir, "--name", "m");
    const refused = failure(await mf(["registry", "delete", "m/1", "--registry", R]));
    expect(refused).toContain("Version m/1 is what m@champion points at");
    expect(refused).toContain("--force");
    expect(await reg(R, "delete", "m/2")).toEqual({ name: "m", version: 2, removed_aliases: [] });
    expect(await reg(R, "delete", "m/1", "--force")).toEqual({ name: "m", version: 1, removed_aliases: ["champion"] });
    const shown = await reg(R, "show", "m");
    expect(shown.versions).toEqual([]);
    expect(shown.aliases).toEqual({});
    expect((await reg(R, "history", "m")).history.at(-1)).toMatchObject({ alias: "champion", from: 1, to: null, note: "version 1 deleted" });
    expect((await reg(R, "register", "--run", runDir, "--name", "m")).version).toBe(3);
  });

  it("bad inputs: unknown name, alias or version list what exists; running or failed runs and bad names are refused", async () => {
    const R = join(dir, "reg-bad");
    await reg(R, "register", "--run", runDir, "--name", "known", "--alias", "champion");
    const run = (...args: string[]) => mf(["registry", ...args, "--registry", R]);
    expect(failure(await run("show", "nope"))).toBe('error: No registered model "nope" (models: known)');
    expect(failure(await run("show", "known@prod"))).toBe('error: Model "known" has no alias "prod" (aliases: champion -> 1)');
    expect(failure(await run("show", "known/4"))).toBe('error: Model "known" has no version 4 (versions: 1)');
    expect(failure(await run("alias", "known", "champion", "9"))).toContain("has no version 9 (versions: 1)");
    expect(failure(await run("register", "--run", runWithStatus("running", "r-running"), "--name", "known"))).toContain(
      "Run r-running is still running: only a finished run can be registered",
    );
    expect(failure(await run("register", "--run", runWithStatus("failed", "r-failed"), "--name", "known"))).toContain("Run r-failed failed (Out of memory)");
    for (const name of ["a b", "x/y", ".hidden"]) {
      expect(failure(await run("register", "--run", runDir, "--name", name)), name).toContain(
        "a name holds up to 100 letters, digits, '.', '_' and '-', starting with a letter or digit",
      );
    }
    expect(failure(await run("alias", "known", "1st", "1"))).toContain("an alias holds up to 64 letters, digits, '_' and '-', starting with a letter");
    expect(failure(await run("show"))).toContain("mf registry show takes NAME[@ALIAS|/VERSION] (got none)");
    expect(failure(await run("frobnicate"))).toContain('unknown subcommand "frobnicate"');
    // nothing was written by the refusals
    expect((await reg(R, "show", "known")).versions.map((v: any) => v.version)).toEqual([1]);
  });

  it("a corrupt record is named and the rest of the registry still reads", async () => {
    const R = join(dir, "reg-corrupt");
    await reg(R, "register", "--run", runDir, "--name", "good");
    await reg(R, "register", "--run", runDir, "--name", "good");
    await reg(R, "register", "--run", runDir, "--name", "broken");
    writeFileSync(join(R, "broken", "registered_model.json"), "{ half a rec");
    writeFileSync(join(R, "good", "versions", "2", "version.json"), '{"name": "good"}');
    const r = await mf(["registry", "list", "--registry", R, "--json"]);
    expect(r.code, show(r)).toBe(0);
    const listed = JSON.parse(lastLine(r.stdout));
    expect(listed.models.map((m: any) => m.name)).toEqual(["good"]);
    expect(listed.problems[0]).toContain(join(R, "broken", "registered_model.json"));
    expect(r.stderr).toContain(`warning: Registry record ${join(R, "broken", "registered_model.json")} is not valid JSON`);
    const s = await mf(["registry", "show", "good", "--registry", R, "--json"]);
    expect(s.code, show(s)).toBe(0);
    const shown = JSON.parse(lastLine(s.stdout));
    expect(shown.versions.map((v: any) => v.version)).toEqual([1]);
    expect(shown.problems[0]).toContain(join(R, "good", "versions", "2", "version.json"));
    expect(failure(await mf(["registry", "show", "broken", "--registry", R]))).toContain("is not valid JSON");
  });
});

const key = (row: Record<string, unknown>) => `${row.symbol}|${(row.datetime as Date).getTime()}`;

describe("mf predict --model", () => {
  it("by NAME@champion equals the run's own test predictions, and the same after the run folder is deleted", async () => {
    const R = join(dir, "reg-predict");
    const moved = join(dir, "runs-doomed", runDir.split("/").at(-1)!);
    cpSync(runDir, moved, { recursive: true });
    await reg(R, "register", "--run", moved, "--name", "btc-h5", "--alias", "champion");
    const reference = await readRows(join(moved, "predictions", "test.parquet"));
    const predict = async (out: string) => {
      const r = await mf(["predict", "--model", "btc-h5@champion", "--registry", R, "--input", paths.test, "--out", out, "--backend", "cpu", "--json"]);
      expect(r.code, show(r)).toBe(0);
      expect(JSON.parse(lastLine(r.stdout))).toMatchObject({ registered_model: "btc-h5", version: 1, alias: "champion", model: "linear:logistic" });
      return readRows(out);
    };
    const before = await predict(join(dir, "by-name.parquet"));
    const byKey = new Map(before.map((row) => [key(row), row]));
    expect(reference.length).toBeGreaterThan(100);
    for (const ref of reference) {
      const row = byKey.get(key(ref))!;
      expect(row, key(ref)).toBeDefined();
      for (const p of ["prob_short", "prob_neutral", "prob_long"]) expect(Math.abs((row[p] as number) - (ref[p] as number))).toBeLessThanOrEqual(1e-6);
      expect(row.prediction).toBe(ref.prediction);
    }
    rmSync(moved, { recursive: true });
    const after = await predict(join(dir, "by-name-after.parquet"));
    expect(after).toEqual(before);
  });

  it("checks the input against the version's signature, naming the first mismatching column", async () => {
    const R = join(dir, "reg-signature");
    await reg(R, "register", "--run", runDir, "--name", "sig");
    const input = writeTable(join(dir, "no-f002.parquet"), splits.test.columns.filter((c) => c.name !== "f_002"));
    const out = join(dir, "never.parquet");
    const message = failure(await mf(["predict", "--model", "sig/1", "--registry", R, "--input", input, "--out", out, "--backend", "cpu"]));
    expect(message).toBe(
      `error: ${input} does not match the signature of sig/1 (8 features in order): column "f_002" (position 2) is missing; "f_003" is there instead`,
    );
    expect(existsSync(out)).toBe(false);
    // a feature turned to text is no feature column: the same check names it
    const textual = writeTable(join(dir, "f000-text.parquet"), [
      ...splits.test.columns.filter((c) => c.name !== "f_000").slice(0, 2),
      { name: "f_000", data: Array.from(column(splits.test.columns, "f_000").data as ArrayLike<number>, String), type: "string" },
      ...splits.test.columns.filter((c) => c.name !== "f_000").slice(2),
    ]);
    expect(failure(await mf(["predict", "--model", "sig/1", "--registry", R, "--input", textual, "--out", out, "--backend", "cpu"]))).toContain(
      'column "f_000" (position 0) is missing',
    );
    expect(failure(await mf(["predict", "--model", "sig", "--registry", R, "--input", paths.test, "--out", out]))).toContain("give sig@ALIAS or sig/VERSION");
  });
});

describe("concurrent registration", () => {
  it("two processes registering the same name at once get n and n+1, 20 times over, and the registry stays readable", async () => {
    const R = join(dir, "reg-race");
    const started = Date.now();
    for (let i = 0; i < 20; i++) {
      const results = await Promise.all([0, 1].map(() => mf(["registry", "register", "--run", runDir, "--name", "race", "--registry", R, "--json"])));
      const versions = results.map((r) => {
        expect(r.code, show(r)).toBe(0);
        return JSON.parse(lastLine(r.stdout)).version;
      });
      expect(versions.sort((a, b) => a - b), `iteration ${i}`).toEqual([2 * i + 1, 2 * i + 2]);
    }
    const shown = await reg(R, "show", "race");
    expect(shown.versions.map((v: any) => v.version)).toEqual(Array.from({ length: 40 }, (_, k) => k + 1));
    expect(shown.problems).toEqual([]);
    expect(existsSync(join(R, "race", ".lock"))).toBe(false);
    console.log(`20 x 2 concurrent registrations: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  it("a lock left by a killed process is broken: by its dead pid, or by its age", async () => {
    const R = join(dir, "reg-stale");
    await reg(R, "register", "--run", runDir, "--name", "s");
    const { spawnSync } = await import("node:child_process");
    const { hostname } = await import("node:os");
    const dead = spawnSync(process.execPath, ["-e", ""]).pid!;
    writeFileSync(join(R, "s", ".lock"), JSON.stringify({ pid: dead, host: hostname(), at: new Date().toISOString(), token: "gone" }));
    expect((await reg(R, "register", "--run", runDir, "--name", "s")).version).toBe(2);
    expect(existsSync(join(R, "s", ".lock"))).toBe(false);
    // a live holder (this test's own process) whose lock is older than ten minutes
    const { utimesSync } = await import("node:fs");
    writeFileSync(join(R, "s", ".lock"), JSON.stringify({ pid: process.pid, host: hostname(), at: "2020-01-01T00:00:00Z", token: "old" }));
    utimesSync(join(R, "s", ".lock"), new Date(Date.now() - 3_600_000), new Date(Date.now() - 3_600_000));
    expect((await reg(R, "register", "--run", runDir, "--name", "s")).version).toBe(3);
  });
});
