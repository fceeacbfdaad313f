import { describe, expect, it } from "vitest";
import { createRng } from "../../../core/random.ts";
import { type ImportanceInput, paramImportances, pedAnova } from "../../../core/tune/importance.ts";
import type { Direction, FrozenTrial } from "../../../core/tune/sampler.ts";
import fixtures from "../../fixtures/tune/importance_fixtures.json" with { type: "json" };

interface Case {
  name: string;
  direction: Direction;
  space: Record<string, unknown>;
  options: { targetQuantile?: number; regionQuantile?: number };
  trials: FrozenTrial[];
  raw: Record<string, number>;
  normalised: Record<string, number>;
}

const cases = fixtures.cases as unknown as Case[];
const studyOf = (c: Pick<Case, "space" | "direction" | "trials">): ImportanceInput => ({
  header: { space: c.space },
  direction: c.direction,
  trials: c.trials,
});

describe("pedAnova matches Optuna 5's PedAnovaImportanceEvaluator", () => {
  for (const c of cases) {
    it(c.name, () => {
      const raw = pedAnova(studyOf(c), c.options);
      expect(Object.keys(raw).sort()).toEqual(Object.keys(c.raw).sort());
      for (const [key, value] of Object.entries(c.raw)) expect(raw[key], key).toBeCloseTo(value, 9);
      const { importances } = paramImportances(studyOf(c), c.options);
      for (const [key, value] of Object.entries(c.normalised)) expect(importances[key], key).toBeCloseTo(value, 9);
    });
  }
});

/** A study of `n` complete trials over x, y (uniform in [0, 1]) and a categorical c, valued by `value`. */
function synthetic(n: number, value: (p: { x: number; y: number; c: string }, noise: number) => number, direction: Direction = "minimize") {
  const rng = createRng(11);
  const trials: FrozenTrial[] = Array.from({ length: n }, (_, number) => {
    const p = { x: rng.uniform(), y: rng.uniform(), c: ["a", "b", "c"][rng.int(3)] };
    return {
      number,
      state: "complete",
      value: value(p, rng.uniform()),
      params: { "params.x": p.x, "params.y": p.y, "params.c": p.c },
      intermediate: {},
    };
  });
  const space = {
    "params.x": { type: "float", low: 0, high: 1 },
    "params.y": { type: "float", low: 0, high: 1 },
    "params.c": { type: "categorical", choices: ["a", "b", "c"] },
  };
  return { header: { space }, direction, trials };
}

describe("paramImportances", () => {
  it("gives the one parameter that drives the value by far the largest share", () => {
    const result = paramImportances(synthetic(80, (p, noise) => (p.x - 0.7) ** 2 + 0.001 * noise));
    expect(Object.keys(result.importances)[0]).toBe("params.x");
    expect(result.importances["params.x"]).toBeGreaterThan(0.8);
    expect(result.importances["params.x"]).toBeGreaterThan(5 * result.importances["params.y"]);
    expect(result.importances["params.x"]).toBeGreaterThan(5 * result.importances["params.c"]);
    expect(result.reason).toBeUndefined();
  });

  it("gives a pure-noise parameter a small share, whichever direction is optimised", () => {
    // the value depends on the category and x; y is never read
    const value = (p: { x: number; c: string }, noise: number) => (p.c === "b" ? 1 : 0) + p.x + 0.05 * noise;
    for (const direction of ["minimize", "maximize"] as const) {
      const { importances } = paramImportances(synthetic(120, value, direction));
      expect(importances["params.y"], direction).toBeLessThan(0.1);
      expect(importances["params.y"], direction).toBeLessThan(importances["params.x"]);
    }
  });

  it("sums to 1, largest first", () => {
    const { importances } = paramImportances(synthetic(50, (p, noise) => p.x + p.y / 3 + noise / 10));
    const values = Object.values(importances);
    expect(values.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect([...values].sort((a, b) => b - a)).toEqual(values);
  });

  it("is deterministic and does not depend on the order of the trials", () => {
    const study = synthetic(40, (p, noise) => p.x * p.y + noise / 5);
    const shuffled = { ...study, trials: createRng(3).shuffle([...study.trials]) };
    expect(paramImportances(shuffled)).toEqual(paramImportances(study));
    expect(JSON.stringify(paramImportances(study))).toBe(JSON.stringify(paramImportances(study)));
  });

  it("returns nothing, with a reason, below 4 complete trials; running, pruned and failed trials do not count", () => {
    const study = synthetic(3, (p) => p.x);
    const others: FrozenTrial[] = ["running", "pruned", "failed"].map((state, i) => ({
      number: 3 + i,
      state: state as FrozenTrial["state"],
      params: { "params.x": 0.5 },
      intermediate: { 0: 1 },
      ...(state === "pruned" ? { value: 0.1 } : {}),
    }));
    const result = paramImportances({ ...study, trials: [...study.trials, ...others] });
    expect(result).toEqual({ importances: {}, trials: 3, reason: "3 complete trial(s); importances need at least 4" });
  });

  it("gives equal shares, saying so, when every trial has the same value", () => {
    const result = paramImportances(synthetic(20, () => 0.5));
    expect(result.importances).toEqual({ "params.c": 1 / 3, "params.x": 1 / 3, "params.y": 1 / 3 });
    expect(result.reason).toMatch(/no parameter tells the best trials from the others/);
  });

  it("scores a conditional parameter within the trials that sampled it, and list-valued choices", () => {
    const rng = createRng(5);
    const hidden = [[64], [128, 64], [256, 128]];
    const trials: FrozenTrial[] = Array.from({ length: 60 }, (_, number) => {
      const conv = rng.uniform() < 0.5;
      const kernel = 2 + rng.int(8);
      const h = hidden[rng.int(3)];
      const params: Record<string, unknown> = { "params.kind": conv ? "conv" : "dense", "params.hidden": [...h] };
      if (conv) params["params.kernel"] = kernel;
      // only conv trials with kernel 3 are good; the hidden sizes do nothing
      return { number, state: "complete", value: (conv ? Math.abs(kernel - 3) : 3) + 0.01 * rng.uniform(), params, intermediate: {} };
    });
    const space = {
      "params.kind": { type: "categorical", choices: ["conv", "dense"] },
      "params.kernel": { type: "int", low: 2, high: 9, when: { param: "params.kind", in: ["conv"] } },
      "params.hidden": { type: "categorical", choices: hidden },
    };
    const { importances } = paramImportances({ header: { space }, direction: "minimize", trials });
    expect(Object.keys(importances)[0]).toBe("params.kernel");
    expect(importances["params.hidden"]).toBeLessThan(0.1);
  });

  it("handles log-scale and stepped parameters, and parameters missing from the space", () => {
    const rng = createRng(9);
    const trials: FrozenTrial[] = Array.from({ length: 60 }, (_, number) => {
      const lr = 10 ** (-5 + 4 * rng.uniform());
      const batch = 2 ** (4 + rng.int(6));
      const extra = rng.uniform();
      return {
        number,
        state: "complete",
        value: (Math.log10(lr) + 3) ** 2 + 0.01 * rng.uniform(),
        params: { "params.learning_rate": lr, "trainer.batch_size": batch, "params.extra": extra },
        intermediate: {},
      };
    });
    const space = {
      "params.learning_rate": { type: "float", low: 1e-5, high: 0.1, log: true },
      "trainer.batch_size": { type: "int", low: 16, high: 512, log: true },
    };
    const { importances } = paramImportances({ header: { space }, direction: "minimize", trials });
    expect(Object.keys(importances)).toEqual(expect.arrayContaining(["params.learning_rate", "trainer.batch_size", "params.extra"]));
    expect(Object.keys(importances)[0]).toBe("params.learning_rate");
    expect(importances["params.learning_rate"]).toBeGreaterThan(0.7);
  });

  it("names a trial value that its space cannot hold", () => {
    const study = synthetic(10, (p) => p.x);
    study.trials[4].params["params.x"] = "high";
    expect(() => paramImportances(study)).toThrow(/Trial value "high" of params\.x is not a finite number/);
  });
});
