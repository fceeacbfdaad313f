/// <reference types="node" />
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliResult, errorMessage, lastLine, mf, runJson, show, tempDir, writeSplits } from "./helpers.ts";

// cli/read_config.ts reads files with Deno, so it is checked through the CLI: `mf train|prepare --config`.
const { dir, cleanup } = tempDir("config");
afterAll(cleanup);

const data = join(dir, "data");
beforeAll(() => {
  mkdirSync(data);
  writeSplits(data);
});

/** Writes a config file into the temp dir and returns its path. */
function configFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** A clean failure (exit not 0, one `error:` line, no stack trace); returns the message. */
function failure(r: CliResult): string {
  expect(r.code, show(r)).not.toBe(0);
  expect(r.stderr, "a stack trace reached the user").not.toMatch(/^\s+at |Uncaught/m);
  return errorMessage(r.stderr);
}

const train = (config: string, out: string) => mf(["train", "--data", data, "--config", config, "--backend", "cpu", "--out", join(dir, out), "--json"]);

describe("mf train --config reads JSON or YAML", () => {
  it("trains from a YAML run config exactly as from its JSON twin", async () => {
    const settings = {
      model: "linear:logistic",
      params: { learning_rate: 0.01 },
      dataset: { horizon: 5, seq_len: 1 },
      trainer: { epochs: 2, batch_size: 128, seed: 3 },
    };
    const json = configFile("run.json", JSON.stringify(settings, null, 2));
    const yaml = configFile(
      "run.yaml",
      [
        "# the same run as run.json, in YAML",
        "model: linear:logistic",
        "params:",
        "  learning_rate: 0.01",
        "dataset: { horizon: 5, seq_len: 1 }",
        "trainer:",
        "  epochs: 2",
        "  batch_size: 128",
        "  seed: 3",
        "",
      ].join("\n"),
    );
    const fromJson = await train(json, "runs-json");
    const fromYaml = await train(yaml, "runs-yaml");
    expect(fromJson.code, show(fromJson)).toBe(0);
    expect(fromYaml.code, show(fromYaml)).toBe(0);
    const [a, b] = [fromJson, fromYaml].map((r) => JSON.parse(lastLine(r.stdout)).run_dir as string);
    expect(runJson(b).config).toEqual(runJson(a).config);
    expect(runJson(b).config.trainer.batch_size).toBe(128);
    const metrics = (run: string) => JSON.parse(readFileSync(join(run, "metrics.json"), "utf8"));
    expect(metrics(a).test.log_loss).toBeGreaterThan(0);
    expect(metrics(b).test).toEqual(metrics(a).test);
  });

  it("names the file, line and column of a YAML syntax error", async () => {
    const path = configFile("broken.yaml", "model: linear:logistic\ntrainer:\n  epochs: 2\n  seed: [3, 4\ndataset: {}\n");
    const message = failure(await train(path, "runs-broken-yaml"));
    expect(message).toMatch(new RegExp(`^error: ${path.replace(/[.\\]/g, "\\$&")}:5:1: not valid YAML: `));
  });

  it("rejects a duplicate YAML key at its line", async () => {
    const path = configFile("twice.yml", "trainer:\n  epochs: 2\n  epochs: 3\n");
    expect(failure(await train(path, "runs-twice"))).toContain(`${path}:3:3: not valid YAML: Map keys must be unique`);
  });

  it("names the line and column of a JSON syntax error, also where the engine gives no position", async () => {
    const comma = configFile("comma.json", '{\n  "model": "logistic",\n  "trainer": { "epochs": 2 }\n  "dataset": {}\n}\n');
    expect(failure(await train(comma, "runs-comma"))).toContain(`${comma}:4:3: not valid JSON`);
    // a trailing comma in an array: V8 reports the token without a position
    const trailing = configFile("trailing.json", '{\n  "params": { "hidden": [8, 4,] }\n}\n');
    expect(failure(await train(trailing, "runs-trailing"))).toContain(`${trailing}:2:31: not valid JSON: Unexpected token ']'`);
  });

  it("rejects another extension, naming the file and the accepted ones", async () => {
    const path = configFile("run.toml", 'model = "logistic"\n');
    const message = failure(await train(path, "runs-toml"));
    expect(message).toContain(path);
    expect(message).toContain(".json, .yaml or .yml");
  });

  it("names a config file that does not exist", async () => {
    const path = join(dir, "nope.yaml");
    expect(failure(await train(path, "runs-nope"))).toBe(`error: Config file not found: ${path}`);
  });
});

describe("mf prepare --config reads YAML", () => {
  it("validates a YAML prepare config with the prepare schema (numeric keys stay strings)", async () => {
    // the config fails before the input is opened, so no bars are needed: the error proves the YAML was read and parsed
    const path = configFile("prepare.yaml", "labels:\n  horizons: [5]\n  k: { 5: 1.0 }\n  vol_windw: 20\n");
    const r = await mf(["prepare", "--input", join(dir, "no-bars.parquet"), "--out", join(dir, "prepared"), "--config", path]);
    const message = failure(r);
    expect(message).toContain('unknown key "labels.vol_windw" (did you mean "vol_window"?)');
    expect(message).not.toContain("labels.k");
  });
});
