/// <reference types="node" />
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WriteColumn } from "../../core/data/parquet_write.ts";
import type { SynthSplits, SynthTable } from "../../core/data/synth.ts";
import { type CliResult, column, errorMessage, lastLine, mf, quick, runJson, runStatuses, show, tempDir, tinySplits, writeSplits } from "./helpers.ts";

const { dir, cleanup } = tempDir("bad");
afterAll(cleanup);

const base = tinySplits();
let counter = 0;

/** A fresh case folder: a data dir holding the splits (edited by `edit`) and an empty runs dir path. */
function dataset(edit: (splits: SynthSplits) => void = () => {}) {
  const root = join(dir, `case-${++counter}`);
  const data = join(root, "data");
  mkdirSync(data, { recursive: true });
  const splits = tinySplits();
  edit(splits);
  return { root, data, runs: join(root, "runs"), paths: writeSplits(data, splits) };
}

/** A copy of a column's values that can be edited (the generated arrays are shared per call, but be safe). */
function editable(columns: WriteColumn[], name: string): WriteColumn {
  const c = column(columns, name);
  c.data = Array.isArray(c.data) ? [...c.data] : (c.data as Float32Array).slice();
  return c;
}

/** Keeps only the rows of a table for which `keep(row)` is true. */
function filterRows(table: SynthTable, keep: (row: number) => boolean): void {
  const rows = Array.from({ length: table.rows }, (_, r) => r).filter(keep);
  table.columns = table.columns.map((c) => ({ ...c, data: rows.map((r) => c.data[r]) }));
  table.rows = rows.length;
}

/**
 * A failure reported cleanly: exit code not 0, exactly one `error:` line (plus indented detail
 * lines), no stack trace, and (when training) no run in `runs` left "finished". Returns the error message.
 */
function expectCleanFailure(r: CliResult, runs?: string): string {
  expect(r.code, show(r)).not.toBe(0);
  expect(r.stderr, "a stack trace or an uncaught error reached the user").not.toMatch(/^\s+at |Uncaught/m);
  const message = errorMessage(r.stderr);
  for (const status of runs ? runStatuses(runs) : []) expect(status, `a run was left "${status}" after: ${message}`).toBe("failed");
  return message;
}

const train = (data: string, runs: string, ...extra: string[]) => mf(["train", "--data", data, "--model", "logistic", ...quick(runs), ...extra]);

describe("mf train on bad input fails with one clear error line", () => {
  it("names a split file that does not exist", async () => {
    const { paths, runs, root } = dataset();
    const missing = join(root, "nope", "train.parquet");
    const r = await mf(["train", "--train", missing, "--val", paths.val, "--test", paths.test, "--model", "logistic", ...quick(runs)]);
    const message = expectCleanFailure(r, runs);
    expect(message).toContain(missing);
    expect(message).toMatch(/not found/i);
  });

  it("names a --data directory that does not exist", async () => {
    const { runs, root } = dataset();
    const missing = join(root, "no-such-dir");
    const message = expectCleanFailure(await train(missing, runs), runs);
    expect(message).toContain(missing);
  });

  it("says a CSV renamed to .parquet is not a Parquet file", async () => {
    const { data, runs, paths } = dataset();
    writeFileSync(paths.train, "datetime,symbol,f_000,label_h5\n2024-01-01T00:00:00Z,SYM00,0.5,1\n2024-01-01T00:05:00Z,SYM00,0.1,0\n");
    const message = expectCleanFailure(await train(data, runs), runs);
    expect(message).toContain(paths.train);
    expect(message).toMatch(/not a Parquet file/);
  });

  it("says a truncated Parquet file (its first half) is truncated or corrupt", async () => {
    const { data, runs, paths } = dataset();
    const bytes = readFileSync(paths.val);
    writeFileSync(paths.val, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const message = expectCleanFailure(await train(data, runs), runs);
    expect(message).toContain(paths.val);
    expect(message).toMatch(/truncated|corrupt/);
  });

  it("lists the label columns present when --horizon asks for a missing one", async () => {
    const { data, runs, paths } = dataset();
    const message = expectCleanFailure(await train(data, runs, "--horizon", "7"), runs);
    expect(message).toContain("label_h7");
    expect(message).toContain(paths.train);
    expect(message).toMatch(/label_h5, label_h20|label_h20, label_h5/);
  });

  it("names the column, value and row of a label outside -1/0/1", async () => {
    const { data, runs, paths } = dataset((s) => {
      (editable(s.train.columns, "label_h5").data as (number | null)[])[10] = 2;
    });
    const message = expectCleanFailure(await train(data, runs), runs);
    expect(message).toContain(paths.train);
    expect(message).toContain('"label_h5"');
    expect(message).toMatch(/\b2 at row 10\b/);
  });

  it("names the column and first row of a NaN feature, and the nan_policy ffill or drop config trains anyway", async () => {
    const { root, data, runs, paths } = dataset((s) => {
      const f2 = editable(s.train.columns, "f_002").data as Float32Array;
      const f5 = editable(s.train.columns, "f_005").data as Float32Array;
      f2[17] = NaN;
      f2[40] = NaN;
      f5[30] = NaN;
    });
    const message = expectCleanFailure(await train(data, runs), runs);
    expect(message).toContain(paths.train);
    expect(message).toContain('"f_002"');
    expect(message).toMatch(/\brow 17\b/);
    expect(message).toMatch(/\b2 feature column/);
    expect(message).toContain("nan_policy");

    for (const policy of ["ffill", "drop"]) {
      const config = join(root, `${policy}.json`);
      writeFileSync(config, JSON.stringify({ dataset: { nan_policy: policy } }));
      const policyRuns = join(root, `runs-${policy}`);
      const r = await train(data, policyRuns, "--config", config, "--json");
      expect(r.code, show(r)).toBe(0);
      const run = runJson(JSON.parse(lastLine(r.stdout)).run_dir);
      expect(run.status).toBe("finished");
      expect(run.config.dataset.nan_policy).toBe(policy);
      // drop removes the three rows holding a NaN; ffill keeps every row
      expect(run.dataset.files.train.rows).toBe(policy === "drop" ? base.train.rows - 3 : base.train.rows);
    }
  });

  it("names the column and row of an infinite feature value", async () => {
    const { data, runs, paths } = dataset((s) => {
      (editable(s.val.columns, "f_004").data as Float32Array)[25] = -Infinity;
    });
    const message = expectCleanFailure(await train(data, runs), runs);
    expect(message).toContain(paths.val);
    expect(message).toContain('"f_004"');
    expect(message).toMatch(/-Infinity at row 25\b/);
  });

  it("names a feature missing from val and one only in val", async () => {
    const lacking = dataset((s) => {
      s.val.columns = s.val.columns.filter((c) => c.name !== "f_003");
    });
    const m1 = expectCleanFailure(await train(lacking.data, lacking.runs), lacking.runs);
    expect(m1).toContain(lacking.paths.val);
    expect(m1).toMatch(/missing from val: f_003\b/);

    const extra = dataset((s) => {
      s.val.columns = [...s.val.columns, { name: "f_extra", type: "float32", data: new Float32Array(s.val.rows) }];
    });
    const m2 = expectCleanFailure(await train(extra.data, extra.runs), extra.runs);
    expect(m2).toContain(extra.paths.val);
    expect(m2).toMatch(/only in val: f_extra\b/);
  });

  it("skips a symbol shorter than --seq-len with a warning naming it, and fails when no symbol is long enough", async () => {
    // SYM01 keeps only 30 rows per split; SYM00 keeps 540 / 100 / 120 (train / val / test)
    const { data, runs } = dataset((s) => {
      for (const table of [s.train, s.val, s.test]) {
        const symbol = table.columns.find((c) => c.name === "symbol")!.data as string[];
        const first = symbol.indexOf("SYM01");
        filterRows(table, (r) => symbol[r] === "SYM00" || r < first + 30);
      }
    });
    const ok = await train(data, runs, "--seq-len", "50", "--json");
    expect(ok.code, show(ok)).toBe(0);
    expect(ok.stderr).toMatch(/^warning: .*\bSYM01\b/m);
    expect(ok.stderr).not.toMatch(/^warning: .*\bSYM00\b/m);
    const run = runJson(JSON.parse(lastLine(ok.stdout)).run_dir);
    expect(run.status).toBe("finished");
    expect(run.seq_len).toBe(50);

    const tooLongRuns = join(runs, "..", "runs-too-long");
    const message = expectCleanFailure(await train(data, tooLongRuns, "--seq-len", "150"), tooLongRuns);
    expect(message).toContain("150");
    expect(message).toMatch(/no samples|no symbol/);
  });

  it("lists the available models for an unknown one and suggests the closest for a typo", async () => {
    const { data, runs } = dataset();
    const typo = expectCleanFailure(await mf(["train", "--data", data, "--model", "logistc", ...quick(runs)]), runs);
    expect(typo).toContain('"logistc"');
    expect(typo).toMatch(/did you mean "(linear:)?logistic"/);
    expect(typo).toContain("linear:logistic");
    expect(typo).toContain("neural:mlp");

    const unknown = expectCleanFailure(await mf(["train", "--data", data, "--model", "transformer_xl_9000", ...quick(runs)]), runs);
    expect(unknown).toContain("linear:logistic");
    expect(unknown).toContain("neural:mlp");
  });

  it("rejects --epochs 0 naming the flag, the value and the allowed range", async () => {
    const { data, runs } = dataset();
    const r = await mf(["train", "--data", data, "--model", "logistic", "--backend", "cpu", "--out", runs, "--epochs", "0"]);
    const message = expectCleanFailure(r, runs);
    // flags go through the same zod schema as config files, so both report the schema's own range
    expect(message).toMatch(/epochs: expected an integer from 1 to 100000 \(got 0\)/);
  });

  it("states the real range of --epochs (the trainer accepts 1 to 100000), not the largest safe integer", async () => {
    const { data, runs } = dataset();
    const message = expectCleanFailure(await train(data, runs, "--epochs", "0"), runs);
    expect(message).toMatch(/from 1 to 100000\b/);
  });

  it("rejects config values out of range naming the key, the value and the allowed range", async () => {
    const { root, data, runs } = dataset();
    const cases = [
      { config: { trainer: { epochs: -1 } }, key: "epochs", value: "-1", range: /from 1 to 100000/ },
      { config: { params: { learning_rate: -1 } }, key: "learning_rate", value: "-1", range: /> 0 and <= 10/ },
    ];
    for (const [i, c] of cases.entries()) {
      const file = join(root, `config-${i}.json`);
      writeFileSync(file, JSON.stringify(c.config));
      const r = await mf(["train", "--data", data, "--model", "logistic", "--backend", "cpu", "--out", runs, "--config", file]);
      const message = expectCleanFailure(r, runs);
      expect(message).toContain(c.key);
      expect(message).toMatch(new RegExp(`got ${c.value}\\b`));
      expect(message).toMatch(c.range);
    }
  });

  it("rejects an unknown config key and suggests the closest valid one", async () => {
    const { root, data, runs } = dataset();
    const file = join(root, "typo.json");
    writeFileSync(file, JSON.stringify({ trainer: { epoch: 3 } }));
    const r = await mf(["train", "--data", data, "--model", "logistic", "--backend", "cpu", "--out", runs, "--config", file]);
    const message = expectCleanFailure(r, runs);
    expect(message).toContain('"epoch"');
    expect(message).toContain('did you mean "epochs"');
  });

  it("rejects an unknown flag and suggests the closest one", async () => {
    const { data, runs } = dataset();
    const r = await mf(["train", "--data", data, "--model", "logistic", "--backend", "cpu", "--out", runs, "--epoch", "3"]);
    const message = expectCleanFailure(r, runs);
    expect(message).toContain("--epoch");
    expect(message).toContain("did you mean --epochs?");
  });
});

describe("mf predict on bad input fails with one clear error line", () => {
  const { root, data, paths } = dataset((s) => {
    (editable(s.train.columns, "f_002").data as Float32Array)[17] = NaN;
    (editable(s.test.columns, "f_002").data as Float32Array)[17] = NaN;
  });
  let runDir = "";

  beforeAll(async () => {
    const config = join(root, "ffill.json");
    writeFileSync(config, JSON.stringify({ dataset: { nan_policy: "ffill" } }));
    const r = await train(data, join(root, "runs"), "--config", config, "--json");
    if (r.code !== 0) throw new Error(`training the ffill run failed: ${show(r)}`);
    runDir = JSON.parse(lastLine(r.stdout)).run_dir;
  });

  const predict = (...args: string[]) => mf(["predict", "--backend", "cpu", ...args]);

  it("scores a file with NaN features the way the run was trained (nan_policy ffill)", async () => {
    const out = join(root, "ffill-pred.parquet");
    const r = await predict("--run", runDir, "--input", paths.test, "--out", out, "--json");
    expect(r.code, show(r)).toBe(0);
    expect(existsSync(out)).toBe(true);
  });

  it("names a --run path that holds no run", async () => {
    const missing = join(root, "no-such-run");
    const r = await predict("--run", missing, "--input", paths.test, "--out", join(root, "never.parquet"));
    const message = expectCleanFailure(r);
    expect(message).toContain("no-such-run");
  });

  it("names an --out directory that does not exist, or creates it", async () => {
    const out = join(root, "no", "such", "dir", "pred.parquet");
    const r = await predict("--run", runDir, "--input", paths.val, "--out", out);
    if (r.code === 0) {
      expect(existsSync(out)).toBe(true);
    } else {
      expect(expectCleanFailure(r)).toContain(join(root, "no", "such", "dir"));
    }
  });

  it("says an --input that is not Parquet is not a Parquet file", async () => {
    const csv = join(root, "input.parquet");
    writeFileSync(csv, "datetime,symbol,f_000\n2024-01-01T00:00:00Z,SYM00,0.5\n");
    const r = await predict("--run", runDir, "--input", csv, "--out", join(root, "never.parquet"));
    const message = expectCleanFailure(r);
    expect(message).toContain(csv);
    expect(message).toMatch(/not a Parquet file/);
    expect(existsSync(join(root, "never.parquet"))).toBe(false);
  });
});
