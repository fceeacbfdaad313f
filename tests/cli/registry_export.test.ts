// deno-lint-ignore-file no-explicit-any -- parsed JSON of CLI results and exported files, read loosely by the tests
/// <reference types="node" />
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lastLine, mf, quick, readRows, show, tempDir, writeSplits } from "./helpers.ts";
import { type Scored, scoreNetwork, scoreTrees } from "./plain_scoring.ts";

// mf registry export: the folder scores a file with plain tfjs (networks) or the README's tree walk (trees),
// giving the probabilities mf predict --model gives; mf registry import and bundles bring versions back.
const { dir, cleanup } = tempDir("registry-export");
afterAll(cleanup);
const data = join(dir, "data"), runs = join(dir, "runs"), registry = join(dir, "registry");
mkdirSync(data);
const paths = writeSplits(data);
const gbdtConfig = join(dir, "gbdt-summary.json");
writeFileSync(gbdtConfig, JSON.stringify({ model: "gbdt", params: { input: "summary", max_depth: 3, histogram: "cpu" }, dataset: { seq_len: 3 } }));

/** What each model is trained with; each becomes registered model `<name>` version 1. */
const MODELS: Record<string, string[]> = {
  logistic: ["--model", "logistic", "--seq-len", "3"],
  mlp: ["--model", "mlp", "--seq-len", "3"],
  gbdt: ["--config", gbdtConfig, "--epochs", "6"],
  lstm: ["--model", "lstm", "--seq-len", "3", "--epochs", "1"],
};

/** `mf registry ... --registry REG --json`, parsed. */
async function reg(...args: string[]): Promise<any> {
  const r = await mf(["registry", ...args, "--json"]);
  if (r.code !== 0) throw new Error(show(r));
  return JSON.parse(lastLine(r.stdout));
}

/** mf predict --model NAME/1 on the test file: the toolkit's probabilities, by symbol and time. */
async function toolkitProbs(ref: string, reg = registry): Promise<Map<string, number[]>> {
  const out = join(dir, `pred-${ref.replace(/[/@]/g, "-")}-${Math.random().toString(36).slice(2, 6)}.parquet`);
  const r = await mf(["predict", "--model", ref, "--registry", reg, "--input", paths.test, "--out", out, "--backend", "cpu"]);
  if (r.code !== 0) throw new Error(show(r));
  return new Map(
    (await readRows(out)).map((row) => [`${row.symbol}|${(row.datetime as Date).getTime()}`, [row.prob_short, row.prob_neutral, row.prob_long] as number[]]),
  );
}

/** Every plainly scored sample has the toolkit's probabilities for the same row, within 1e-5, and no sample is missing. */
function expectSame(scored: Scored[], reference: Map<string, number[]>): void {
  expect(scored.length).toBe(reference.size);
  expect(scored.length).toBeGreaterThan(100);
  let worst = 0;
  for (const s of scored) {
    const ref = reference.get(`${s.symbol}|${s.time}`);
    expect(ref, `${s.symbol} ${new Date(s.time).toISOString()}`).toBeDefined();
    for (let c = 0; c < 3; c++) worst = Math.max(worst, Math.abs(s.probs[c] - ref![c]));
  }
  expect(worst).toBeLessThanOrEqual(1e-5);
}

const exported: Record<string, any> = {};

beforeAll(async () => {
  for (const [name, args] of Object.entries(MODELS)) {
    const r = await mf(["train", "--data", data, ...args, "--horizon", "5", "--seed", "3", "--json", ...quick(runs)]);
    if (r.code !== 0) throw new Error(`training ${name} failed: ${show(r)}`);
    const runDir = JSON.parse(lastLine(r.stdout)).run_dir;
    await reg("register", "--run", runDir, "--name", name, "--alias", "champion", "--registry", registry);
    exported[name] = await reg("export", `${name}@champion`, "--out", join(dir, "exported", name), "--registry", registry);
  }
});

describe("mf registry export", () => {
  it("a logistic regression folder scores the test file with plain tfjs, giving mf predict's probabilities", async () => {
    expect(exported.logistic).toMatchObject({ name: "logistic", version: 1, kind: "network", plain_tfjs: true, custom_layers: [] });
    expect(exported.logistic.files).toEqual(["README.md", "model.json", "preprocess.json", "registry.json", "signature.json", "weights.bin"]);
    expectSame(await scoreNetwork(join(dir, "exported", "logistic"), paths.test), await toolkitProbs("logistic/1"));
  });

  it("an MLP folder (3-row windows, hidden layers, dropout) does the same", async () => {
    expect(exported.mlp).toMatchObject({ kind: "network", plain_tfjs: true });
    expectSame(await scoreNetwork(join(dir, "exported", "mlp"), paths.test), await toolkitProbs("mlp/1"));
  });

  it("a GBDT folder scores through the README's tree format (summary input over 3-row windows)", async () => {
    expect(exported.gbdt).toMatchObject({ kind: "trees", files: ["README.md", "preprocess.json", "registry.json", "signature.json", "trees.json"] });
    const readme = readFileSync(join(dir, "exported", "gbdt", "README.md"), "utf8");
    for (const key of ["`default_left`", "`threshold`", "`n_out`", "`summary`", "softmax"]) expect(readme).toContain(key);
    expect(JSON.parse(readFileSync(join(dir, "exported", "gbdt", "trees.json"), "utf8")).input).toBe("summary");
    expectSame(await scoreTrees(join(dir, "exported", "gbdt"), paths.test), await toolkitProbs("gbdt/1"));
  });

  it("an LSTM folder says it needs Model Factory's own layers, in the result and in its README", async () => {
    expect(exported.lstm.plain_tfjs).toBe(false);
    expect(exported.lstm.custom_layers).toContain("MfFusedLstm");
    expect(readFileSync(join(dir, "exported", "lstm", "README.md"), "utf8")).toContain("which plain tfjs does not have");
  });

  it("mf registry import makes an exported folder a version again, which predicts as the original", async () => {
    const other = join(dir, "registry-imported");
    expect(await reg("import", join(dir, "exported", "mlp"), "--name", "mlp-copy", "--alias", "champion", "--registry", other)).toEqual({
      name: "mlp-copy",
      version: 1,
      aliases: ["champion"],
    });
    const shown = await reg("show", "mlp-copy/1", "--registry", other);
    expect(shown.versions[0].lineage.imported_from).toMatchObject({ name: "mlp", version: 1 });
    expect([...(await toolkitProbs("mlp-copy@champion", other))]).toEqual([...(await toolkitProbs("mlp/1"))]);
  });

  it("an export folder with someone's other files is refused", async () => {
    const busy = join(dir, "busy");
    mkdirSync(busy);
    writeFileSync(join(busy, "notes.txt"), "mine");
    const r = await mf(["registry", "export", "logistic/1", "--out", busy, "--registry", registry]);
    expect(r.code, show(r)).not.toBe(0);
    expect(r.stderr).toContain("is a folder with other files (notes.txt)");
    expect(existsSync(join(busy, "model.json"))).toBe(false);
  });
});

describe("bundles carry the registry", () => {
  it("mf export puts registry/ beside the runs folder into the bundle, and mf import brings it back where it predicts the same", async () => {
    const site = join(dir, "site");
    const e = await mf(["export", "--runs", runs, "--out", site, "--json"]);
    expect(e.code, show(e)).toBe(0);
    expect(JSON.parse(lastLine(e.stdout)).registry).toEqual(["gbdt", "logistic", "lstm", "mlp"]);
    const elsewhere = join(dir, "elsewhere");
    const i = await mf(["import", site, "--runs", join(elsewhere, "runs"), "--json"]);
    expect(i.code, show(i)).toBe(0);
    expect(JSON.parse(lastLine(i.stdout)).registry.imported).toEqual(["gbdt", "logistic", "lstm", "mlp"]);
    expect([...(await toolkitProbs("gbdt@champion", join(elsewhere, "registry")))]).toEqual([...(await toolkitProbs("gbdt/1"))]);
    const again = await mf(["import", site, "--runs", join(elsewhere, "runs"), "--json"]);
    expect(JSON.parse(lastLine(again.stdout)).registry.identical).toEqual(["gbdt", "logistic", "lstm", "mlp"]);
  });
});
