import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { FrozenTrial } from "../../../core/tune/sampler.ts";
import { buildParzenEstimator, defaultWeights } from "../../../core/tune/samplers/parzen_estimator.ts";
import { randomSampler } from "../../../core/tune/samplers/random.ts";
import { acquisition, argmax, defaultGamma, observationsOf, splitTrials, toExternal, tpeSampler } from "../../../core/tune/samplers/tpe.ts";
import { type Distribution, type SearchSpace, validateSpace } from "../../../core/tune/space.ts";

interface Estimator {
  weights: number[];
  kernels: ({ kind: "numeric"; mus: number[]; sigmas: number[] } | { kind: "categorical"; weights: number[][] })[];
}
interface Case {
  name: string;
  direction: "minimize" | "maximize";
  multivariate: boolean;
  space: SearchSpace;
  trials: (Omit<FrozenTrial, "intermediate"> & { intermediate: Record<string, number> })[];
  below: number[];
  above: number[];
  groups: {
    keys: string[];
    below: Estimator;
    above: Estimator;
    candidates: Record<string, number[]>;
    log_pdf_below: number[];
    log_pdf_above: number[];
    acquisition: number[];
    best_index: number;
    best: Record<string, unknown>;
  }[];
}

// Made by tests/fixtures/tune/make_tpe_fixtures.py from Optuna's own TPESampler internals.
const fixture = JSON.parse(readFileSync(new URL("../../fixtures/tune/tpe_fixtures.json", import.meta.url), "utf8")) as { optuna: string; cases: Case[] };
const PARZEN = { priorWeight: 1, considerMagicClip: true, considerEndpoints: false };

function expectClose(actual: readonly number[], expected: readonly number[], what: string) {
  expect(actual.length, what).toBe(expected.length);
  actual.forEach((a, i) => {
    const e = expected[i];
    if (!Number.isFinite(e)) return expect(a, `${what}[${i}]`).toBe(e);
    expect(Math.abs(a - e), `${what}[${i}]: ${a} vs ${e}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(e)));
  });
}

function expectEstimator(actual: ReturnType<typeof buildParzenEstimator>, expected: Estimator, what: string) {
  expectClose(actual.weights, expected.weights, `${what} weights`);
  expected.kernels.forEach((k, d) => {
    const got = actual.kernels[d];
    expect(got.kind, what).toBe(k.kind);
    if (k.kind === "numeric" && got.kind === "numeric") {
      expectClose(got.mus, k.mus, `${what} mus`);
      expectClose(got.sigmas, k.sigmas, `${what} sigmas`);
    } else if (k.kind === "categorical" && got.kind === "categorical") {
      expect(got.weights.length).toBe(k.weights.length);
      k.weights.forEach((row, j) => expectClose(got.weights[j], row, `${what} categorical weights row ${j}`));
    }
  });
}

describe(`TPE against Optuna ${fixture.optuna} (golden fixtures)`, () => {
  it("has the cases the fixture script writes", () => {
    expect(fixture.cases.map((c) => c.name)).toEqual([
      "float",
      "float_running",
      "log_float",
      "stepped_int",
      "stepped_float",
      "categorical",
      "mixed_univariate",
      "mixed_multivariate",
      "mixed_multivariate_long",
    ]);
  });

  for (const c of fixture.cases) {
    it(`${c.name}: the same below/above split, estimators, log-likelihood ratios and chosen candidate`, () => {
      const space = validateSpace(c.space, c.name);
      const trials: FrozenTrial[] = c.trials.map((t) => ({
        ...t,
        intermediate: Object.fromEntries(Object.entries(t.intermediate).map(([k, v]) => [Number(k), v])),
      }));
      const n = trials.filter((t) => t.state !== "running").length;
      const { below, above } = splitTrials(trials, defaultGamma(n), c.direction);
      expect(below.map((t) => t.number)).toEqual(c.below);
      expect(above.map((t) => t.number)).toEqual(c.above);
      for (const g of c.groups) {
        const group: Record<string, Distribution> = Object.fromEntries(g.keys.map((k) => [k, space[k]]));
        const lower = buildParzenEstimator(observationsOf(below, group), group, PARZEN);
        const upper = buildParzenEstimator(observationsOf(above, group), group, PARZEN);
        expectEstimator(lower, g.below, `${c.name} ${g.keys} below`);
        expectEstimator(upper, g.above, `${c.name} ${g.keys} above`);
        const acq = acquisition(lower, upper, g.candidates);
        expectClose(acq, g.acquisition, `${c.name} ${g.keys} acquisition`);
        const best = argmax(acq);
        expect(best).toBe(g.best_index);
        const chosen = Object.fromEntries(g.keys.map((k) => [k, toExternal(group[k], g.candidates[k][best])]));
        expect(chosen).toEqual(g.best);
      }
    });
  }
});

describe("TPE pieces", () => {
  it("weights are flat for the newest 25 and a linear ramp before", () => {
    expect(defaultWeights(0)).toEqual([]);
    expect(defaultWeights(10)).toEqual(new Array(10).fill(1));
    const w = defaultWeights(30);
    expect(w.length).toBe(30);
    expect(w.slice(5)).toEqual(new Array(25).fill(1));
    expect(w[0]).toBeCloseTo(1 / 30, 15);
    expect(w[4]).toBe(1);
    expect(w[1] - w[0]).toBeCloseTo(w[2] - w[1], 12);
  });

  it("gamma is the best 10%, at most 25", () => {
    expect([0, 1, 10, 11, 100, 250, 1000].map(defaultGamma)).toEqual([0, 1, 1, 2, 10, 25, 25]);
  });
});

const quadratic = (p: Record<string, unknown>) => ((p["params.x"] as number) - 1.5) ** 2 + ((p["params.y"] as number) + 2) ** 2;
const SPACE2D: SearchSpace = { "params.x": { type: "float", low: -10, high: 10 }, "params.y": { type: "float", low: -10, high: 10 } };

function optimise(sampler: ReturnType<typeof tpeSampler>, seed: number, n: number): number {
  const trials: FrozenTrial[] = [];
  let best = Infinity;
  for (let i = 0; i < n; i++) {
    const params = sampler.sample(SPACE2D, trials, { direction: "minimize", number: i, seed });
    const value = quadratic(params);
    best = Math.min(best, value);
    trials.push({ number: i, state: "complete", params, value, intermediate: {} });
  }
  return best;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

describe("TPE behaviour", () => {
  it("beats random search on a 2-D quadratic over 60 trials (median best over 11 seeds)", () => {
    const seeds = Array.from({ length: 11 }, (_, i) => i + 1);
    const tpe = median(seeds.map((s) => optimise(tpeSampler(), s, 60)));
    const random = median(seeds.map((s) => optimise(randomSampler(), s, 60)));
    expect(tpe).toBeLessThan(random / 3);
  });

  it("univariate TPE also beats random search", () => {
    const seeds = Array.from({ length: 7 }, (_, i) => i + 1);
    const tpe = median(seeds.map((s) => optimise(tpeSampler({ multivariate: false }), s, 60)));
    const random = median(seeds.map((s) => optimise(randomSampler(), s, 60)));
    expect(tpe).toBeLessThan(random);
  });

  it("is deterministic for a seed and differs between seeds", () => {
    expect(optimise(tpeSampler(), 5, 25)).toBe(optimise(tpeSampler(), 5, 25));
    expect(optimise(tpeSampler(), 5, 25)).not.toBe(optimise(tpeSampler(), 6, 25));
  });

  it("samples at random for the first 10 finished trials, counting pruned ones but not running or failed ones", () => {
    const rnd = randomSampler();
    const tpe = tpeSampler();
    const ctx = { direction: "minimize" as const, number: 12, seed: 3 };
    const mk = (state: FrozenTrial["state"], i: number): FrozenTrial => ({
      number: i,
      state,
      params: { "params.x": i / 2, "params.y": 0 },
      value: state === "complete" ? i : undefined,
      intermediate: {},
    });
    const nine = Array.from({ length: 9 }, (_, i) => mk("complete", i));
    const withOthers = [...nine, mk("running", 9), mk("failed", 10)];
    expect(tpe.sample(SPACE2D, withOthers, ctx)).toEqual(rnd.sample(SPACE2D, withOthers, ctx));
    const ten = [...nine, mk("pruned", 9)];
    expect(tpe.sample(SPACE2D, ten, ctx)).not.toEqual(rnd.sample(SPACE2D, ten, ctx));
  });

  it("the constant liar steers away from a running trial's point", () => {
    // Twenty finished trials around x = 0; a worker is running one at the best point. Its peers, lying that it is bad,
    // should sample farther from it than without the lie.
    const space: SearchSpace = { "params.x": { type: "float", low: -10, high: 10 } };
    const finished: FrozenTrial[] = Array.from({ length: 20 }, (_, i) => {
      const x = -10 + i;
      return { number: i, state: "complete", params: { "params.x": x }, value: Math.abs(x), intermediate: {} };
    });
    const running: FrozenTrial = { number: 20, state: "running", params: { "params.x": 0 }, intermediate: {} };
    const distance = (liar: boolean) =>
      median(Array.from({ length: 21 }, (_, s) => {
        const p = tpeSampler({ constantLiar: liar }).sample(space, [...finished, running], { direction: "minimize", number: 21, seed: s });
        return Math.abs(p["params.x"] as number);
      }));
    expect(distance(true)).toBeGreaterThan(distance(false));
  });

  it("keeps sampled values inside the space, on the step grid, and conditional parameters only when active", () => {
    const space = validateSpace({
      "params.kind": { type: "categorical", choices: ["a", "b"] },
      "params.units": { type: "int", low: 8, high: 64, step: 8 },
      "params.lr": { type: "float", low: 1e-4, high: 1e-1, log: true },
      "params.width": { type: "int", low: 1, high: 5, when: { param: "params.kind", in: ["b"] } },
    }, "test");
    const trials: FrozenTrial[] = [];
    const sampler = tpeSampler();
    for (let i = 0; i < 30; i++) {
      const p = sampler.sample(space, trials, { direction: "maximize", number: i, seed: 9 });
      expect(["a", "b"]).toContain(p["params.kind"]);
      expect((p["params.units"] as number) % 8).toBe(0);
      expect(p["params.lr"]).toBeGreaterThanOrEqual(1e-4);
      expect(p["params.lr"]).toBeLessThanOrEqual(1e-1);
      expect("params.width" in p).toBe(p["params.kind"] === "b");
      if (p["params.width"] !== undefined) expect(Number.isInteger(p["params.width"])).toBe(true);
      const value = (p["params.units"] as number) / 64 + (p["params.kind"] === "b" ? (p["params.width"] as number) / 5 : 0);
      trials.push({ number: i, state: "complete", params: p, value, intermediate: {} });
    }
  });
});
