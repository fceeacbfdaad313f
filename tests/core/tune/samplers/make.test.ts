import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../../core/errors.ts";
import { makeSampler, SAMPLER_CHOICES } from "../../../../core/tune/samplers/make.ts";
import type { SearchSpace } from "../../../../core/tune/space.ts";

const space: SearchSpace = { "params.k": { type: "int", low: 0, high: 3 } };
const context = { direction: "maximize" as const, number: 0, seed: 1 };

describe("makeSampler", () => {
  it("makes each named sampler: grid takes the first grid point, random and tpe draw within the range", () => {
    expect(makeSampler("grid").sample(space, [], context)).toEqual({ "params.k": 0 });
    for (const name of ["random", "tpe", "tpe:numpy"]) {
      const k = makeSampler(name).sample(space, [], context)["params.k"] as number;
      expect(Number.isInteger(k) && k >= 0 && k <= 3, name).toBe(true);
    }
    expect(SAMPLER_CHOICES).toEqual(["tpe", "random", "grid", "tpe:numpy"]);
  });

  it("tpe:numpy draws Optuna's first value: RandomSampler(seed=1) on a uniform int in [0, 3]", () => {
    // numpy: RandomState(1).uniform(-0.5, 3.5) = 1.168088018810296, floor(1.168... + 0.5) = 1, as Optuna's suggest_int gives.
    expect(makeSampler("tpe:numpy").sample(space, [], context)).toEqual({ "params.k": 1 });
  });

  it("refuses another name with a ConfigError listing the choices", () => {
    expect(() => makeSampler("cmaes")).toThrow(ConfigError);
    expect(() => makeSampler("cmaes")).toThrow('The sampler must be tpe, random, grid, tpe:numpy, got "cmaes"');
  });
});
