import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { makePruner } from "../../../core/tune/pruners/make.ts";
import { nanPercentile } from "../../../core/tune/pruners/percentile.ts";
import { PrunerConfig } from "../../../core/tune/pruners/pruner.ts";
import type { Direction, FrozenTrial } from "../../../core/tune/sampler.ts";

// Made by fixtures/pruner_fixtures.py with Optuna: 24 trials run one after another on fixed curves, the pruner asked after every report.
const fixtures = JSON.parse(readFileSync(new URL("./fixtures/pruners.json", import.meta.url), "utf8")) as {
  optuna: string;
  curves: number[][];
  cases: { name: string; direction: Direction; config: unknown; trials: { state: string; last_step: number }[] }[];
};

/** Runs the fixture's trials through our pruner the way Optuna's study.optimize ran them. */
function simulate(config: unknown, direction: Direction, curves: number[][]): { state: string; last_step: number }[] {
  const pruner = makePruner(PrunerConfig.parse(config));
  const trials: FrozenTrial[] = [];
  for (const [number, curve] of curves.entries()) {
    const trial: FrozenTrial = { number, state: "running", params: {}, intermediate: {} };
    trials.push(trial);
    for (const [step, value] of curve.entries()) {
      trial.intermediate[step] = value;
      if (pruner.prune(trials, trial, direction)) {
        trial.state = "pruned";
        break;
      }
    }
    if (trial.state === "running") Object.assign(trial, { state: "complete", value: curve[curve.length - 1] });
  }
  return trials.map((t) => ({ state: t.state, last_step: Math.max(...Object.keys(t.intermediate).map(Number)) }));
}

describe(`pruners against Optuna ${fixtures.optuna}`, () => {
  for (const c of fixtures.cases) {
    it(`${c.name} (${c.direction}) stops the same trials at the same steps`, () => {
      expect(simulate(c.config, c.direction, fixtures.curves)).toEqual(c.trials);
    });
  }
  it("the fixtures prune some trials and keep others in most cases (they test something)", () => {
    const mixed = fixtures.cases.filter((c) => c.trials.some((t) => t.state === "pruned") && c.trials.some((t) => t.state === "complete"));
    expect(mixed.length).toBeGreaterThanOrEqual(18);
  });
});

const trial = (number: number, state: FrozenTrial["state"], values: number[]): FrozenTrial => ({
  number,
  state,
  params: {},
  intermediate: Object.fromEntries(values.map((v, k) => [k, v])),
  ...(state === "complete" ? { value: values[values.length - 1] } : {}),
});

describe("median pruner by hand", () => {
  const median = makePruner(PrunerConfig.parse({ name: "median", n_startup_trials: 2 }));
  const done = [trial(0, "complete", [0.1, 0.5]), trial(1, "complete", [0.3, 0.7]), trial(2, "pruned", [0.0])];
  it("prunes a trial whose best so far is below the median of complete trials at its step (maximize)", () => {
    expect(median.prune(done, trial(3, "running", [0.19]), "maximize")).toBe(true); // median at step 0 is 0.2
    expect(median.prune(done, trial(3, "running", [0.21]), "maximize")).toBe(false);
    expect(median.prune(done, trial(3, "running", [0.9, 0.55]), "maximize")).toBe(false); // best so far 0.9 beats 0.6
  });
  it("waits for n_startup_trials complete trials and ignores pruned ones", () => {
    expect(median.prune(done.slice(0, 1), trial(3, "running", [0.0]), "maximize")).toBe(false);
  });
  it("prunes a trial whose values are all NaN", () => {
    expect(median.prune(done, trial(3, "running", [Number.NaN]), "minimize")).toBe(true);
  });
});

describe("patience and successive halving by hand", () => {
  it("patience prunes a stalled trial only", () => {
    const patience = makePruner(PrunerConfig.parse({ name: "patience", patience: 2 }));
    expect(patience.prune([], trial(0, "running", [0.5, 1, 0.6, 0.7]), "minimize")).toBe(true); // best 0.5 came before the last 3 steps
    expect(patience.prune([], trial(0, "running", [0.5, 1, 0.6, 0.4]), "minimize")).toBe(false);
    expect(patience.prune([], trial(0, "running", [1, 0.5, 0.6]), "minimize")).toBe(false); // too few steps
  });
  it("successive halving keeps the top 1/factor at a rung", () => {
    const asha = makePruner(PrunerConfig.parse({ name: "asha", min_resource: 1, reduction_factor: 2 }));
    const others = [trial(0, "complete", [0, 0.9, 0.9]), trial(1, "complete", [0, 0.8, 0.8]), trial(2, "pruned", [0, 0.1])];
    expect(asha.prune(others, trial(3, "running", [0]), "maximize")).toBe(false); // before rung 0 (step 1)
    // 4 values at rung 0 (step 1), its own among them: the top 2 go on
    expect(asha.prune(others, trial(3, "running", [0, 0.81]), "maximize")).toBe(false);
    expect(asha.prune(others, trial(3, "running", [0, 0.79]), "maximize")).toBe(true);
    expect(asha.prune(others, trial(3, "running", [0, 0.2]), "maximize")).toBe(true);
  });
  it("nanPercentile interpolates linearly like numpy", () => {
    expect(nanPercentile([1, 2, 3, 4], 50)).toBe(2.5);
    expect(nanPercentile([1, Number.NaN, 3], 25)).toBe(1.5);
    expect(nanPercentile([Number.NaN], 50)).toBeNaN();
  });
  it("rejects unknown options and bad values", () => {
    expect(() => PrunerConfig.parse({ name: "median", warmup: 3 })).toThrow();
    expect(() => PrunerConfig.parse({ name: "asha", reduction_factor: 1 })).toThrow();
    expect(() => PrunerConfig.parse({ name: "percentile", percentile: 120 })).toThrow();
  });
});
