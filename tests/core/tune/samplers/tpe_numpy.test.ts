import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { FrozenTrial } from "../../../../core/tune/sampler.ts";
import { tpeSampler } from "../../../../core/tune/samplers/tpe.ts";
import type { SearchSpace } from "../../../../core/tune/space.ts";

interface Case {
  name: "branin" | "mixed" | "branin_failed_pruned" | "random_mixed";
  seed: number;
  sampler: "tpe" | "random";
  space: SearchSpace;
  trials: { params: Record<string, unknown>; state: "complete" | "failed" | "pruned"; value: number }[];
  stable_argsort_first_difference?: number | null;
}

// Made by tests/fixtures/tune/make_tpe_trajectory_fixtures.py: whole studies of Optuna's TPESampler(seed) and
// RandomSampler(seed), one trial at a time, ties ordered by numpy's own argsort (see the script).
const fixture = JSON.parse(readFileSync(new URL("../../../fixtures/tune/tpe_trajectories.json", import.meta.url), "utf8")) as {
  optuna: string;
  cases: Case[];
};

function branin(p: Record<string, unknown>): number {
  const x1 = p.x1 as number, x2 = p.x2 as number;
  const b = 5.1 / (4 * Math.PI ** 2), c = 5 / Math.PI;
  return (x2 - b * x1 ** 2 + c * x1 - 6) ** 2 + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x1) + 10;
}

function mixed(p: Record<string, unknown>): number {
  const n = (k: string) => p[k] as number;
  const act = { relu: 0, gelu: 0.5, tanh: 1 }[p.act as "relu" | "gelu" | "tanh"];
  return (n("x") - 1) ** 2 + (Math.log10(n("lr")) + 2) ** 2 + (n("s") - 2.5) ** 2 + (n("n") - 7) ** 2 / 10 + (Math.log2(n("k")) - 4) ** 2 / 4 + act;
}

const objective = (name: Case["name"]) => (name.endsWith("mixed") ? mixed : branin);

/** Our sampler for a case: TPE with Optuna's draws, or (for RandomSampler cases) its startup phase throughout. */
const samplerFor = (c: Case) => tpeSampler({ stream: "numpy", ...(c.sampler === "random" ? { nStartupTrials: Infinity } : {}) });

/** A trial as our studies record it, with the state the fixture's trial ended in. */
function frozen(number: number, params: Record<string, unknown>, state: Case["trials"][number]["state"], value: number): FrozenTrial {
  if (state === "complete") return { number, state, params, value, intermediate: {} };
  return { number, state, params, intermediate: state === "pruned" ? { 0: value } : {} };
}

function expectSameParams(actual: Record<string, unknown>, expected: Record<string, unknown>, what: string) {
  expect(Object.keys(actual).sort(), what).toEqual(Object.keys(expected).sort());
  for (const [key, e] of Object.entries(expected)) {
    const a = actual[key];
    if (typeof e !== "number" || !Number.isFinite(e)) expect(a, `${what} ${key}`).toEqual(e);
    else expect(Math.abs((a as number) - e), `${what} ${key}: ${a} vs ${e}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(e)));
  }
}

describe(`TPE with stream "numpy" repeats Optuna ${fixture.optuna}'s studies trial for trial`, () => {
  for (const c of fixture.cases) {
    it(`${c.name}, seed ${c.seed}: all ${c.trials.length} trials' parameters, our own objective values fed back`, () => {
      const sampler = samplerFor(c);
      const history: FrozenTrial[] = [];
      c.trials.forEach((expected, number) => {
        const params = sampler.sample(c.space, history, { direction: "minimize", number, seed: c.seed });
        expectSameParams(params, expected.params, `trial ${number}`);
        history.push(frozen(number, params, expected.state, objective(c.name)(params)));
      });
    });
  }

  it("a sample depends only on the history: a new sampler given Optuna's first t trials draws Optuna's trial t", () => {
    for (const c of fixture.cases.filter((x) => x.sampler === "tpe")) {
      for (const t of [0, 9, 10, 11, 25, c.trials.length - 1]) {
        const history = c.trials.slice(0, t).map((x, i) => frozen(i, x.params, x.state, x.value));
        const params = samplerFor(c).sample(c.space, history, { direction: "minimize", number: t, seed: c.seed });
        expectSameParams(params, c.trials[t].params, `${c.name} seed ${c.seed} trial ${t}`);
      }
    }
  });

  it("the mixed studies exercise ties: with a stable argsort Optuna's own studies part from these by trial 20", () => {
    const mixed = fixture.cases.filter((c) => c.name === "mixed");
    expect(mixed.length).toBe(5);
    for (const c of mixed) expect(c.stable_argsort_first_difference, `seed ${c.seed}`).toBeLessThanOrEqual(20);
  });

  it("the default per-trial streams stay the default, and differ from Optuna's draws", () => {
    const c = fixture.cases.find((x) => x.name === "branin" && x.seed === 0)!;
    const ours = tpeSampler().sample(c.space, [], { direction: "minimize", number: 0, seed: 0 });
    expect(ours).toEqual(tpeSampler({ stream: "trial" }).sample(c.space, [], { direction: "minimize", number: 0, seed: 0 }));
    expect(ours.x1).not.toBeCloseTo(c.trials[0].params.x1 as number, 6);
  });
});
