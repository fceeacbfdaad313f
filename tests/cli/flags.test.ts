/// <reference types="node" />
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyFolder, expectUserError, trainGoodRuns, treeDigest } from "./good_runs.ts";
import { lastLine, mf, runJson, show, tempDir } from "./helpers.ts";

// Flags and config files: a negative number reaches the schema that states the range, a config file is checked
// before flags override its keys, and a file starting with a UTF-8 byte-order mark reads like any other.
const { dir, cleanup } = tempDir("flags");
afterAll(cleanup);
let good: Awaited<ReturnType<typeof trainGoodRuns>>;
beforeAll(async () => {
  good = await trainGoodRuns(dir);
});

let counter = 0;
/** A copy of the good runs for one case, and its digest before the command. */
function runsCopy() {
  const runs = copyFolder(good.runs, join(dir, `runs-${++counter}`));
  return { runs, before: treeDigest(runs) };
}
const BOM = "\uFEFF";

describe("negative numbers given to flags", () => {
  it.each([
    ["--horizon", "-5", "horizon", /expected an integer from 1 to 100000 \(got -5\)/],
    ["--seq-len", "-1", "seq_len", /expected an integer from 1 to \d+ \(got -1\)/],
    ["--epochs", "-3", "epochs", /expected an integer from 1 to 100000 \(got -3\)/],
    ["--seed", "-1", "seed", /expected an integer from 0 to \d+ \(got -1\)/],
  ])("%s %s reports the allowed range, not an ambiguous argument, and leaves stored runs alone", async (flag, value, key, range) => {
    const { runs, before } = runsCopy();
    const r = await mf(["train", "--data", good.data, "--model", "logistic", "--backend", "cpu", "--out", runs, flag, value]);
    const message = expectUserError(r);
    expect(message).not.toMatch(/ambiguous/);
    expect(message).toContain(`${key}:`);
    expect(message).toMatch(range);
    expect(treeDigest(runs)).toEqual(before);
  });

  it("still says a flag's value is missing when the next argument is another flag", async () => {
    const r = await mf(["train", "--data", good.data, "--model", "logistic", "--out", "--json"]);
    const message = expectUserError(r);
    expect(message).toContain("--out");
  });
});

describe("a config file is validated before flags override it", () => {
  it("names the file, section, key and value of an invalid trainer value that --epochs also sets", async () => {
    const { runs, before } = runsCopy();
    const file = join(dir, "epochs-ten.json");
    writeFileSync(file, JSON.stringify({ trainer: { epochs: "ten" } }));
    const r = await mf(["train", "--data", good.data, "--model", "logistic", "--backend", "cpu", "--out", runs, "--config", file, "--epochs", "2"]);
    const message = expectUserError(r);
    expect(message).toContain(file);
    expect(message).toContain("trainer config");
    expect(message).toMatch(/epochs: .*\(got "ten"\)/);
    expect(treeDigest(runs)).toEqual(before);
  });

  it("names an invalid dataset value in a YAML file that --horizon also sets", async () => {
    const { runs, before } = runsCopy();
    const file = join(dir, "horizon.yaml");
    writeFileSync(file, "dataset:\n  horizon: five\n");
    const r = await mf(["train", "--data", good.data, "--model", "logistic", "--backend", "cpu", "--out", runs, "--config", file, "--horizon", "5"]);
    const message = expectUserError(r);
    expect(message).toContain(file);
    expect(message).toContain("dataset config");
    expect(message).toMatch(/horizon: .*\(got "five"\)/);
    expect(treeDigest(runs)).toEqual(before);
  });

  it("names an unknown params key for the model given by --model", async () => {
    const file = join(dir, "params.json");
    writeFileSync(file, JSON.stringify({ params: { learning_rat: 0.01 } }));
    const { runs, before } = runsCopy();
    const r = await mf(["train", "--data", good.data, "--model", "logistic", "--backend", "cpu", "--out", runs, "--config", file, "--epochs", "1"]);
    const message = expectUserError(r);
    expect(message).toContain(file);
    expect(message).toContain('"learning_rat"');
    expect(message).toContain('did you mean "learning_rate"');
    expect(treeDigest(runs)).toEqual(before);
  });
});

describe("a tune config file is validated before flags override it", () => {
  it("mf tune names the file and key of an invalid trainer value that --epochs also sets, and starts no study", async () => {
    const file = join(dir, "tune-ten.json");
    writeFileSync(file, JSON.stringify({ trainer: { epochs: "ten" } }));
    const studies = join(dir, "studies");
    const r = await mf([
      "tune",
      "--model",
      "logistic",
      "--horizon",
      "5",
      "--data",
      good.data,
      "--config",
      file,
      "--epochs",
      "2",
      "--trials",
      "1",
      "--studies",
      studies,
      "--out",
      join(dir, "tune-runs"),
    ]);
    const message = expectUserError(r);
    expect(message).toContain(file);
    expect(message).toMatch(/trainer config: epochs: .*\(got "ten"\)/);
    expect(treeDigest(studies)).toEqual({});
  });
});

describe("config files starting with a UTF-8 byte-order mark", () => {
  it("mf train --config reads a JSON and a YAML file with a BOM", async () => {
    for (
      const [name, text] of [["bom.json", `${BOM}{"trainer": {"epochs": 1, "patience": 0}}`], ["bom.yaml", `${BOM}trainer:\n  epochs: 1\n  patience: 0\n`]]
    ) {
      const file = join(dir, name);
      writeFileSync(file, text);
      const runs = join(dir, `bom-runs-${name}`);
      const r = await mf(["train", "--data", good.data, "--model", "logistic", "--backend", "cpu", "--out", runs, "--config", file, "--json"]);
      expect(r.code, show(r)).toBe(0);
      const run = runJson(JSON.parse(lastLine(r.stdout)).run_dir);
      expect(run.config.trainer.epochs).toBe(1);
      expect(run.epochs_run).toBe(1);
    }
  });

  it("mf experiment reads an experiment file and a model config_path file with a BOM", async () => {
    const model = join(dir, "bom-model.json");
    writeFileSync(model, `${BOM}{"params": {"learning_rate": 0.01}}`);
    const file = join(dir, "bom-experiment.yaml");
    writeFileSync(
      file,
      `${BOM}experiment: { name: bom }\ndata: { dir: ${good.data} }\nhorizons: [5]\nseeds: [1]\nmodels:\n  - { name: logistic, config_path: ${model} }\ntrainer: { epochs: 1, backend: cpu }\noutput: { base_dir: ${
        join(dir, "bom-exp", "runs")
      } }\n`,
    );
    const r = await mf(["experiment", "--config", file]);
    expect(r.code, show(r)).toBe(0);
    expect(r.stderr).not.toContain(BOM);
  });
});
