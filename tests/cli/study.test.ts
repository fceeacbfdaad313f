/// <reference types="node" />
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { mf, show, tempDir } from "./helpers.ts";

// `mf study show` on hand-written journals (no training): the importances after the best, and in the --json line.
const header = {
  op: "create_study",
  model: "linear:logistic",
  horizon: 5,
  direction: "maximize",
  objective: "f1_macro",
  space: { "params.learning_rate": { type: "float", low: 0.0001, high: 0.1, log: true }, "params.l2": { type: "float", low: 0, high: 0.01 } },
  sampler: "random",
  pruner: null,
  settings: { seed: 0, heartbeat_s: 60, base: { params: {}, dataset: { horizon: 5 }, trainer: { epochs: 3 } } },
  at: "2026-01-01T00:00:00.000Z",
};
/** [learning_rate, l2, value]: the value peaks at a learning rate of 0.01 (0.45 - 0.04 (log10 lr + 2)^2), l2 does nothing. */
const TRIALS: [number, number, number][] = [
  [0.0001, 0, 0.29],
  [0.000144, 0.007, 0.3143],
  [0.000207, 0.004, 0.3366],
  [0.000298, 0.001, 0.3569],
  [0.000428, 0.008, 0.3751],
  [0.000616, 0.005, 0.3914],
  [0.000886, 0.002, 0.4057],
  [0.00127, 0.009, 0.4179],
  [0.00183, 0.006, 0.4282],
  [0.00264, 0.003, 0.4366],
  [0.00379, 0, 0.4429],
  [0.00546, 0.007, 0.4472],
  [0.00785, 0.004, 0.4496],
  [0.0113, 0.001, 0.4499],
  [0.0162, 0.008, 0.4482],
  [0.0234, 0.005, 0.4445],
  [0.0336, 0.002, 0.4389],
  [0.0483, 0.009, 0.4313],
  [0.0695, 0.006, 0.4216],
  [0.1, 0.003, 0.41],
];

function journal(name: string, trials: [number, number, number][]): string {
  const ops: object[] = [{ ...header, name }];
  trials.forEach(([lr, l2, value], n) => {
    ops.push(
      { op: "create_trial", number: n, worker: "w", at: "2026-01-01T00:00:01.000Z" },
      { op: "set_params", trial: n, params: { "params.learning_rate": lr, "params.l2": l2 } },
      { op: "finish", trial: n, state: "complete", value, run_id: `run-${n}`, at: "2026-01-01T00:00:02.000Z" },
    );
  });
  return ops.map((op) => JSON.stringify(op) + "\n").join("");
}

const { dir, cleanup } = tempDir("study");
afterAll(cleanup);
for (const [name, trials] of [["lr", TRIALS], ["few", TRIALS.slice(0, 2)]] as const) {
  mkdirSync(join(dir, name));
  writeFileSync(join(dir, name, "journal.jsonl"), journal(name, [...trials]));
}

describe("mf study show", () => {
  it("prints the importances as bars after the best, and adds them to the --json line with every other field kept", async () => {
    const r = await mf(["study", "show", "lr", "--studies", dir, "--json"]);
    expect(r.code, show(r)).toBe(0);
    const last = JSON.parse(r.stdout.trim().split("\n").at(-1)!);
    expect(Object.keys(last)).toEqual(["name", "model", "direction", "best", "trials", "importances"]);
    expect(last.best).toEqual({ number: 13, value: 0.4499, params: { "params.learning_rate": 0.0113, "params.l2": 0.001 } });
    expect(last.trials[0]).toMatchObject({
      number: 0,
      state: "complete",
      value: 0.29,
      params: { "params.learning_rate": 0.0001, "params.l2": 0 },
      run_id: "run-0",
    });
    expect(Object.keys(last.importances)).toEqual(["params.learning_rate", "params.l2"]);
    expect(last.importances["params.learning_rate"] + last.importances["params.l2"]).toBeCloseTo(1, 12);
    expect(last.importances["params.learning_rate"]).toBeGreaterThan(0.8);
    // the text goes to stderr with --json: best, then the bars, the largest first
    const text = r.stderr;
    expect(text.indexOf("importances (PED-ANOVA over 20 complete trials):")).toBeGreaterThan(text.indexOf("best: trial 13"));
    const bars = text.split("\n").filter((l) => /^ {2}params\.\S+ +█* +\d\.\d{3}$/.test(l));
    expect(bars.map((l) => l.trim().split(/\s+/)[0])).toEqual(["params.learning_rate", "params.l2"]);
    expect(bars[0].split("█").length).toBeGreaterThan(bars[1].split("█").length);
  });

  it("says why there are no importances for a study with two trials, and gives an empty object in --json", async () => {
    const plain = await mf(["study", "show", "few", "--studies", dir]);
    expect(plain.code, show(plain)).toBe(0);
    expect(plain.stdout).toContain("importances: none (2 complete trial(s); importances need at least 4)");
    const json = await mf(["study", "show", "few", "--studies", dir, "--json"]);
    expect(JSON.parse(json.stdout.trim().split("\n").at(-1)!).importances).toEqual({});
  });
});
