import { describe, expect, it } from "vitest";
import type { FrozenTrial } from "../../../../core/tune/sampler.ts";
import { randomSampler } from "../../../../core/tune/samplers/random.ts";
import { type SearchSpace, validateSpace } from "../../../../core/tune/space.ts";

const space: SearchSpace = validateSpace({
  "params.lr": { type: "float", low: 1e-5, high: 1e-1, log: true },
  "params.x": { type: "float", low: -2, high: 3 },
  "params.dropout": { type: "float", low: 0, high: 0.5, step: 0.1 },
  "params.units": { type: "int", low: 8, high: 64, step: 8 },
  "params.layers": { type: "int", low: 1, high: 1000, log: true },
  "params.act": { type: "categorical", choices: ["relu", "gelu", "tanh"] },
  "params.width": { type: "int", low: 1, high: 3, when: { param: "params.act", in: ["gelu"] } },
  "params.fixed": { type: "int", low: 4, high: 4 },
}, "test");

const sample = (number: number, seed = 7, trials: FrozenTrial[] = []) => randomSampler().sample(space, trials, { direction: "minimize", number, seed });

describe("randomSampler", () => {
  it("gives the same sample for the same seed and trial number, whatever the history", () => {
    const history: FrozenTrial[] = [{ number: 0, state: "complete", params: sample(0), value: 1, intermediate: {} }];
    expect(sample(3)).toEqual(sample(3, 7, history));
    expect(sample(3)).not.toEqual(sample(4));
    expect(sample(3)).not.toEqual(sample(3, 8));
  });

  it("stays in range, on the step grid, log-uniform for log parameters, and conditional parameters only when active", () => {
    const draws = Array.from({ length: 2000 }, (_, i) => sample(i));
    let lowDecades = 0;
    for (const p of draws) {
      const lr = p["params.lr"] as number;
      expect(lr).toBeGreaterThanOrEqual(1e-5);
      expect(lr).toBeLessThanOrEqual(1e-1);
      if (lr < 1e-3) lowDecades++;
      expect([0, 0.1, 0.2, 0.3, 0.4, 0.5]).toContain(p["params.dropout"]);
      expect((p["params.units"] as number) % 8).toBe(0);
      expect(Number.isInteger(p["params.layers"])).toBe(true);
      expect(p["params.layers"]).toBeGreaterThanOrEqual(1);
      expect(p["params.layers"]).toBeLessThanOrEqual(1000);
      expect("params.width" in p).toBe(p["params.act"] === "gelu");
      expect(p["params.fixed"]).toBe(4);
    }
    // Log-uniform: half the draws fall in the lower two of the four decades (a uniform draw would put 1% there).
    expect(lowDecades / draws.length).toBeGreaterThan(0.45);
    expect(lowDecades / draws.length).toBeLessThan(0.55);
    // Every choice and both ends of the stepped ranges come up.
    expect(new Set(draws.map((p) => p["params.act"])).size).toBe(3);
    expect(new Set(draws.map((p) => p["params.units"]))).toEqual(new Set([8, 16, 24, 32, 40, 48, 56, 64]));
    expect(draws.some((p) => p["params.layers"] === 1)).toBe(true);
    expect(Math.max(...draws.map((p) => p["params.layers"] as number))).toBeGreaterThan(500);
  });
});
