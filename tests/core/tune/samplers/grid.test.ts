import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../../core/errors.ts";
import type { FrozenTrial } from "../../../../core/tune/sampler.ts";
import { gridPoints, gridSampler } from "../../../../core/tune/samplers/grid.ts";
import { type SearchSpace, validateSpace } from "../../../../core/tune/space.ts";

const space: SearchSpace = validateSpace({
  "params.kind": { type: "categorical", choices: ["a", "b"] },
  "params.width": { type: "int", low: 1, high: 3, when: { param: "params.kind", in: ["b"] } },
  "params.dropout": { type: "float", low: 0, high: 0.2, step: 0.1 },
}, "test");

describe("gridPoints", () => {
  it("enumerates every point once in a fixed order, a conditional parameter only where it is active", () => {
    const points = gridPoints(space);
    // kind a: 3 dropouts; kind b: 3 widths x 3 dropouts.
    expect(points).toHaveLength(12);
    expect(points[0]).toEqual({ "params.kind": "a", "params.dropout": 0 });
    expect(points[2]).toEqual({ "params.kind": "a", "params.dropout": 0.2 });
    expect(points[3]).toEqual({ "params.kind": "b", "params.width": 1, "params.dropout": 0 });
    expect(new Set(points.map((p) => JSON.stringify(p))).size).toBe(12);
  });

  it("refuses a float without a step, naming it", () => {
    expect(() => gridPoints({ "params.lr": { type: "float", low: 0.1, high: 1 } })).toThrow(ConfigError);
    expect(() => gridPoints({ "params.lr": { type: "float", low: 0.1, high: 1 } })).toThrow(/"params.lr".*without a step/);
  });
});

describe("gridSampler", () => {
  it("visits each point once, skipping points held by running trials, retrying failed ones, then says the grid is exhausted", () => {
    const sampler = gridSampler();
    const trials: FrozenTrial[] = [];
    let number = 0;
    const next = () => sampler.sample(space, trials, { direction: "minimize", number, seed: 0 });
    for (; number < 13; number++) {
      const params = next();
      // Every third trial is still running (its point stays taken); trial 4 fails, so its point comes back next.
      const state = number === 4 ? "failed" : number % 3 === 0 ? "running" : "complete";
      if (number === 5) expect(params).toEqual(trials[4].params);
      trials.push({ number, state, params, value: state === "complete" ? number : undefined, intermediate: {} });
    }
    const taken = trials.filter((t) => t.state !== "failed").map((t) => JSON.stringify(t.params));
    expect(new Set(taken).size).toBe(12);
    expect(taken.map((t) => JSON.parse(t))).toEqual(expect.arrayContaining(gridPoints(space)));
    expect(next).toThrow(/exhausted: all 12 points/);
  });
});
