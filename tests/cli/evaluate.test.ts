/// <reference types="node" />
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorMessage, lastLine, mf, quick, show, tempDir, tinySplits, writeSplits, writeTable } from "./helpers.ts";

const { dir, cleanup } = tempDir("evaluate");
afterAll(cleanup);

const splits = tinySplits();
const data = join(dir, "data");
mkdirSync(data);
writeSplits(data, splits);
const runs = join(dir, "runs");

/** The logistic run every test evaluates: trained once. */
let runDir: string;
let runId: string;

beforeAll(async () => {
  const r = await mf(["train", "--data", data, "--model", "logistic", "--horizon", "5", "--seed", "3", "--json", ...quick(runs)]);
  if (r.code !== 0) throw new Error(`training failed: ${show(r)}`);
  ({ run_dir: runDir, run_id: runId } = JSON.parse(lastLine(r.stdout)));
});

const readJson = (path: string) => JSON.parse(readFileSync(path, "utf8"));

describe("mf evaluate", () => {
  it("--data DIR scores its test.parquet, stores evaluations/test.json, and reproduces the run's test metrics", async () => {
    const r = await mf(["evaluate", "--run", runDir, "--data", data, "--backend", "cpu", "--json"]);
    expect(r.code, show(r)).toBe(0);
    const out = JSON.parse(lastLine(r.stdout));
    const path = join(runDir, "evaluations", "test.json");
    expect(out).toMatchObject({ run_id: runId, name: "test", path });
    const stored = readJson(path);
    const own = readJson(join(runDir, "metrics.json")).test;
    expect(stored.metrics).toEqual(own);
    expect(out.metrics).toEqual(own);
    expect(stored).toMatchObject({ name: "test", run_id: runId, model: "linear:logistic", horizon: 5, backend: "cpu" });
    expect(stored.data).toMatchObject({
      file: join(data, "test.parquet"),
      rows: readJson(join(runDir, "run.json")).dataset.files.test.rows,
      symbols: ["SYM00", "SYM01"],
    });
    expect(Date.parse(stored.created_at)).not.toBeNaN();
  });

  it("by run id with --runs, --test FILE and --name, prints a table beside the run's test metrics", async () => {
    const other = join(dir, "other.parquet");
    writeTable(other, splits.val.columns);
    const r = await mf(["evaluate", "--run", runId, "--runs", runs, "--test", other, "--name", "val-as-other", "--backend", "cpu"]);
    expect(r.code, show(r)).toBe(0);
    const stored = readJson(join(runDir, "evaluations", "val-as-other.json"));
    // the val file scored again gives the run's val metrics
    expect(stored.metrics).toEqual(readJson(join(runDir, "metrics.json")).val);
    expect(r.stdout).toMatch(/metric\s+val-as-other\s+run test/);
    const f1Row = r.stdout.split("\n").find((l) => l.startsWith("f1_macro"))!;
    expect(f1Row.split(/\s+/)[1]).toBe(stored.metrics.f1_macro.toFixed(4));
    expect(r.stdout).toContain(join(runDir, "evaluations", "val-as-other.json"));
  });

  it("an existing name is an error without --force and replaced with it", async () => {
    const path = join(runDir, "evaluations", "again.json");
    const args = ["evaluate", "--run", runDir, "--data", data, "--name", "again", "--backend", "cpu", "--json"];
    expect((await mf(args)).code).toBe(0);
    const before = readJson(path).created_at;
    const refused = await mf(args);
    expect(refused.code, show(refused)).toBe(1);
    expect(errorMessage(refused.stderr)).toMatch(/already has an evaluation named "again".*--force/);
    expect(readJson(path).created_at).toBe(before);
    const forced = await mf([...args, "--force"]);
    expect(forced.code, show(forced)).toBe(0);
    expect(readJson(path).created_at).not.toBe(before);
  });

  it("a bad --run, missing data or a file without labels is one error line and exit code 1", async () => {
    const unlabelled = writeTable(join(dir, "unlabelled.parquet"), splits.test.columns.filter((c) => c.name !== "label_h5"));
    const cases: [string[], RegExp][] = [
      [["--run", join(dir, "nowhere"), "--data", data], /No run at .*nowhere/],
      [["--run", "no-such-run", "--runs", runs, "--data", data], new RegExp(`^error: No run no-such-run in ${runs}$`)],
      [["--run", runDir, "--data", join(dir, "missing")], /Data not found: .*missing/],
      [["--run", runDir, "--test", join(dir, "missing.parquet")], /File not found: .*missing\.parquet/],
      [["--run", runDir], /--data DIR .* or --test FILE/],
      [["--run", runDir, "--test", unlabelled], /"label_h5" not found in .*unlabelled\.parquet/],
      [["--run", runDir, "--test", unlabelled, "--name", "../x"], /Evaluation name "\.\.\/x"/],
    ];
    for (const [args, pattern] of cases) {
      const r = await mf(["evaluate", ...args, "--backend", "cpu"]);
      expect(r.code, show(r)).toBe(1);
      expect(errorMessage(r.stderr), args.join(" ")).toMatch(pattern);
    }
    expect(existsSync(join(runDir, "evaluations", "unlabelled.json"))).toBe(false);
  });
});
