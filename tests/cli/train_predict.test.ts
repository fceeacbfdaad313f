// deno-lint-ignore-file no-explicit-any -- parsed JSON of run files, read loosely by the tests
/// <reference types="node" />
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WriteColumn } from "../../core/data/parquet_write.ts";
import { errorMessage, lastLine, mf, quick, readRows, runDirs, runJson, show, tempDir, tinySplits, writeSplits, writeTable } from "./helpers.ts";

const { dir, cleanup } = tempDir("train");
afterAll(cleanup);

const FEATURES = ["f_000", "f_001", "f_002", "f_003", "f_004", "f_005", "f_006", "f_007"];
const CLASSES = ["-1", "0", "1"];
const PRED_COLUMNS = ["datetime", "symbol", "horizon", "prediction", "prob_short", "prob_neutral", "prob_long"];

const splits = tinySplits();
const data = join(dir, "data");
mkdirSync(data);
const paths = writeSplits(data, splits);

/** The logistic run every test below reads: trained once, with --json. */
let trained: { stdout: string; stderr: string; summary: Record<string, any>; runDir: string };

beforeAll(async () => {
  const runs = join(dir, "runs");
  const r = await mf(["train", "--data", data, "--model", "logistic", "--horizon", "5", "--seed", "5", "--json", ...quick(runs)]);
  if (r.code !== 0) throw new Error(`training failed: ${show(r)}`);
  const summary = JSON.parse(lastLine(r.stdout));
  trained = { ...r, summary, runDir: summary.run_dir };
});

const key = (row: Record<string, unknown>) => `${row.symbol}|${(row.datetime as Date).getTime()}`;

/** Every row of the run's predictions/test.parquet has a predicted row (same symbol and time) with probabilities within 1e-6. */
async function expectSameAsTraining(predicted: Record<string, unknown>[], runDir: string): Promise<void> {
  const byKey = new Map(predicted.map((row) => [key(row), row]));
  const reference = await readRows(join(runDir, "predictions", "test.parquet"));
  expect(reference.length).toBeGreaterThan(100);
  for (const ref of reference) {
    const row = byKey.get(key(ref));
    expect(row, `no prediction for ${key(ref)}`).toBeDefined();
    for (const p of ["prob_short", "prob_neutral", "prob_long"]) {
      expect(Math.abs((row![p] as number) - (ref[p] as number)), `${p} at ${key(ref)}`).toBeLessThanOrEqual(1e-6);
    }
    expect(row!.prediction).toBe(ref.prediction);
  }
}

function expectSplitMetrics(m: Record<string, any>, split: string): void {
  for (const k of ["accuracy", "f1_macro", "log_loss", "sharpe", "max_drawdown", "win_rate", "profit_factor", "n_trades"]) {
    expect(typeof m[k], `${split}.${k}`).toBe("number");
  }
  expect(m.accuracy).toBeGreaterThanOrEqual(0);
  expect(m.accuracy).toBeLessThanOrEqual(1);
  expect(m.f1_macro).toBeGreaterThanOrEqual(0);
  expect(m.f1_macro).toBeLessThanOrEqual(1);
  expect(m.log_loss).toBeGreaterThan(0);
  expect(Number.isInteger(m.n_trades)).toBe(true);
  for (const k of ["precision", "recall", "f1"]) {
    expect(Object.keys(m[k]).sort(), `${split}.${k}`).toEqual([...CLASSES].sort());
    for (const c of CLASSES) expect(typeof m[k][c], `${split}.${k}[${c}]`).toBe("number");
  }
  expect(m.confusion).toHaveLength(3);
  for (const row of m.confusion) {
    expect(row).toHaveLength(3);
    for (const v of row) expect(Number.isInteger(v)).toBe(true);
  }
  const total = m.confusion.flat().reduce((a: number, b: number) => a + b, 0);
  const diagonal = m.confusion[0][0] + m.confusion[1][1] + m.confusion[2][2];
  expect(m.accuracy).toBeCloseTo(diagonal / total, 10);
}

describe("mf train", () => {
  it("--json prints one JSON object on the last stdout line with run_id, run_dir, model, horizon, backend and val/test metrics", () => {
    const s = trained.summary;
    expect(trained.stdout.trim().split("\n").at(-1)!.trim().startsWith("{")).toBe(true);
    expect(typeof s.run_id).toBe("string");
    expect(basename(s.run_dir)).toBe(s.run_id);
    expect(dirname(s.run_dir)).toBe(join(dir, "runs"));
    expect(s.model).toBe("linear:logistic");
    expect(s.horizon).toBe(5);
    expect(s.backend).toBe("cpu");
    expectSplitMetrics(s.val, "val");
    expectSplitMetrics(s.test, "test");
    // the JSON goes to stdout; progress goes to stderr
    expect(trained.stderr).toMatch(/epoch\s+2\/2/);
  });

  it("writes run.json (finished, backend, seed, dataset fingerprint with the features)", () => {
    const run = runJson(trained.runDir);
    expect(run.id).toBe(trained.summary.run_id);
    expect(run.status).toBe("finished");
    expect(run.model).toBe("linear:logistic");
    expect(run.horizon).toBe(5);
    expect(run.backend.name).toBe("cpu");
    expect(run.seed).toBe(5);
    expect(run.config.trainer.epochs).toBe(2);
    expect(run.dataset.features).toEqual(FEATURES);
    expect(run.dataset.symbols).toEqual(["SYM00", "SYM01"]);
    expect(run.dataset.label_column).toBe("label_h5");
    expect(run.dataset.files.train.rows).toBe(splits.train.rows);
  });

  it("writes metrics.jsonl with one line per epoch, metrics.json with val and test, and the model files", () => {
    const lines = readFileSync(join(trained.runDir, "metrics.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2);
    lines.forEach((line, i) => {
      expect(line.epoch).toBe(i);
      expect(Number.isFinite(line.train_loss)).toBe(true);
      expect(Number.isFinite(line.val_loss)).toBe(true);
    });
    const metrics = JSON.parse(readFileSync(join(trained.runDir, "metrics.json"), "utf8"));
    expect(metrics.val).toEqual(trained.summary.val);
    expect(metrics.test).toEqual(trained.summary.test);
    for (const file of ["model/model.json", "model/weights.bin", "model/preprocess.json"]) {
      expect(existsSync(join(trained.runDir, file)), file).toBe(true);
    }
    const preprocess = JSON.parse(readFileSync(join(trained.runDir, "model/preprocess.json"), "utf8"));
    expect(preprocess.features).toEqual(FEATURES);
    expect(preprocess.horizon).toBe(5);
  });

  it("writes predictions/val.parquet and test.parquet: one row per sample, probabilities summing to 1", async () => {
    for (const split of ["val", "test"] as const) {
      const rows = await readRows(join(trained.runDir, "predictions", `${split}.parquet`));
      expect(Object.keys(rows[0])).toEqual(PRED_COLUMNS);
      expect(rows).toHaveLength(trained.summary[split].n);
      for (const row of rows) {
        const p = [row.prob_short, row.prob_neutral, row.prob_long] as number[];
        expect(p[0] + p[1] + p[2]).toBeCloseTo(1, 5);
        expect(row.horizon).toBe(5);
        expect(row.prediction).toBe(p.indexOf(Math.max(...p)) - 1);
      }
    }
  });

  it("trains --model mlp and --model neural:mlp (the full name), and the saved MLP reproduces its predictions", async () => {
    // separate runs folders: two runs started in the same second differ only by a random suffix
    const results = await Promise.all(
      ["mlp", "neural:mlp"].map((model, i) => mf(["train", "--data", data, "--model", model, "--json", ...quick(join(dir, `runs-mlp-${i}`))])),
    );
    for (const r of results) {
      expect(r.code, show(r)).toBe(0);
      const s = JSON.parse(lastLine(r.stdout));
      expect(s.model).toBe("neural:mlp");
      expect(runJson(s.run_dir).status).toBe("finished");
      expect(existsSync(join(s.run_dir, "model", "weights.bin"))).toBe(true);
    }
    // the saved MLP (hidden layers, dropout off at inference) reproduces its test predictions
    const runDir = JSON.parse(lastLine(results[1].stdout)).run_dir;
    const out = join(dir, "pred-mlp.parquet");
    const p = await mf(["predict", "--run", runDir, "--input", paths.test, "--out", out, "--backend", "cpu"]);
    expect(p.code, show(p)).toBe(0);
    await expectSameAsTraining(await readRows(out), runDir);
  });

  it("without --json prints the run directory and a summary table", async () => {
    const runs = join(dir, "runs-table");
    const r = await mf(["train", "--data", data, "--model", "logistic", ...quick(runs)]);
    expect(r.code, show(r)).toBe(0);
    const [runDir] = runDirs(runs);
    expect(r.stdout).toContain(runDir);
    expect(r.stdout).toMatch(/^metric\s+val\s+test$/m);
    expect(r.stdout).toMatch(/^f1_macro\s+\d\.\d{4}\s+\d\.\d{4}$/m);
    expect(r.stdout).not.toMatch(/^\{/m);
  });

  it("takes --train/--val/--test FILE instead of --data", async () => {
    const runs = join(dir, "runs-files");
    const r = await mf(["train", "--train", paths.train, "--val", paths.val, "--test", paths.test, "--model", "logistic", "--json", ...quick(runs)]);
    expect(r.code, show(r)).toBe(0);
    const s = JSON.parse(lastLine(r.stdout));
    const run = runJson(s.run_dir);
    expect(run.status).toBe("finished");
    expect(run.dataset.files.val.name).toBe(paths.val);
    expect(run.dataset.files.test.name).toBe(paths.test);
  });
});

describe("mf predict", () => {
  it("scores a file with a saved run and reproduces the trained model's test predictions within 1e-6", async () => {
    const out = join(dir, "pred.parquet");
    const r = await mf(["predict", "--run", trained.runDir, "--input", paths.test, "--out", out, "--backend", "cpu", "--json"]);
    expect(r.code, show(r)).toBe(0);
    const summary = JSON.parse(lastLine(r.stdout));
    expect(summary.output).toBe(out);
    expect(summary.model).toBe("linear:logistic");
    const predicted = await readRows(out);
    expect(summary.rows).toBe(predicted.length);
    // prediction needs no label, so it also scores the unlabelled tail rows training skipped
    expect(predicted.length).toBe(splits.test.rows);
    expect(Object.keys(predicted[0])).toEqual(PRED_COLUMNS);
    await expectSameAsTraining(predicted, trained.runDir);
  });

  it("finds a run by id with --run ID --runs DIR", async () => {
    const out = join(dir, "pred-by-id.parquet");
    const r = await mf([
      "predict",
      "--run",
      trained.summary.run_id,
      "--runs",
      join(dir, "runs"),
      "--input",
      paths.val,
      "--out",
      out,
      "--backend",
      "cpu",
      "--json",
    ]);
    expect(r.code, show(r)).toBe(0);
    expect(JSON.parse(lastLine(r.stdout)).run_id).toBe(trained.summary.run_id);
    expect((await readRows(out)).length).toBe(splits.val.rows);
  });

  const withColumns = (name: string, edit: (columns: WriteColumn[]) => WriteColumn[]) => writeTable(join(dir, name), edit([...splits.test.columns]));

  it("rejects an input that lacks one of the run's features, naming it", async () => {
    const input = withColumns("no-f003.parquet", (cs) => cs.filter((c) => c.name !== "f_003"));
    const out = join(dir, "never1.parquet");
    const r = await mf(["predict", "--run", trained.runDir, "--input", input, "--out", out, "--backend", "cpu"]);
    expect(r.code, show(r)).not.toBe(0);
    const message = errorMessage(r.stderr);
    expect(message).toContain(input);
    expect(message).toMatch(/missing: f_003\b/);
    expect(existsSync(out)).toBe(false);
  });

  it("rejects an input whose features are in another order, naming the columns", async () => {
    const input = withColumns("swapped.parquet", (cs) => {
      const [i, j] = [cs.findIndex((c) => c.name === "f_000"), cs.findIndex((c) => c.name === "f_001")];
      [cs[i], cs[j]] = [cs[j], cs[i]];
      return cs;
    });
    const out = join(dir, "never2.parquet");
    const r = await mf(["predict", "--run", trained.runDir, "--input", input, "--out", out, "--backend", "cpu"]);
    expect(r.code, show(r)).not.toBe(0);
    const message = errorMessage(r.stderr);
    expect(message).toContain('"f_000"');
    expect(message).toContain('"f_001"');
    expect(existsSync(out)).toBe(false);
  });
});

describe("mf models", () => {
  it("--json lists linear:logistic and neural:mlp with family, input, wants_gpu and description", async () => {
    const r = await mf(["models", "--json"]);
    expect(r.code, show(r)).toBe(0);
    const models = JSON.parse(lastLine(r.stdout)) as Record<string, unknown>[];
    const byName = new Map(models.map((m) => [m.name, m]));
    expect(byName.get("linear:logistic")).toMatchObject({ family: "linear", input: "flat", wants_gpu: false });
    expect(byName.get("neural:mlp")).toMatchObject({ family: "neural", input: "flat" });
    for (const m of models) {
      expect(typeof m.description).toBe("string");
      expect((m.description as string).length).toBeGreaterThan(10);
      expect(typeof m.wants_gpu).toBe("boolean");
      expect(m.name).toBe(`${m.family}:${(m.name as string).split(":")[1]}`);
    }
  });

  it("--family neural lists only neural models", async () => {
    const r = await mf(["models", "--family", "neural", "--json"]);
    expect(r.code, show(r)).toBe(0);
    const models = JSON.parse(lastLine(r.stdout)) as Record<string, unknown>[];
    expect(models.map((m) => m.name)).toContain("neural:mlp");
    expect(models.every((m) => m.family === "neural")).toBe(true);
  });

  it("an unknown family is an error listing the families", async () => {
    const r = await mf(["models", "--family", "quantum"]);
    expect(r.code, show(r)).not.toBe(0);
    const message = errorMessage(r.stderr);
    expect(message).toContain('"quantum"');
    expect(message).toMatch(/linear/);
    expect(message).toMatch(/neural/);
  });
});
