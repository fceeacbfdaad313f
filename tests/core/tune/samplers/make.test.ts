import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../../core/errors.ts";
import { makeSampler, SAMPLER_CHOICES } from "../../../../core/tune/samplers/make.ts";
import type { SearchSpace } from "../../../../core/tune/space.ts";

const space: SearchSpace = { "params.k": { type: "int", low: 0, high: 3 } };
const context = { direction: "maximize" as const, number: 0, seed: 1 };

describe("makeSampler", () => {
  it("makes each named sampler: grid takes the first grid point, random and tpe draw within the range", () => {
    expect(makeSampler("grid").sample(space, [], context)).toEqual({ "params.k": 0 });
    for (const name of ["random", "tpe"]) {
      const k = makeSampler(name).sample(space, [], context)["params.k"] as number;
      expect(Number.isInteger(k) && k >= 0 && k <= 3, name).toBe(true);
    }
    expect(SAMPLER_CHOICES).toEqual(["tpe", "random", "grid"]);
  });

  it("refuses another name with a ConfigError listing the choices", () => {
    expect(() => makeSampler("cmaes")).toThrow(ConfigError);
    expect(() => makeSampler("cmaes")).toThrow('The sampler must be tpe, random, grid, got "cmaes"');
  });
});
