import { describe, expect, it } from "vitest";
import { numpyRandomState } from "../../../../core/random_numpy.ts";
import type { FrozenTrial } from "../../../../core/tune/sampler.ts";
import { jointKeys, optunaRandomValue, optunaStreams } from "../../../../core/tune/samplers/optuna_stream.ts";
import type { SearchSpace } from "../../../../core/tune/space.ts";

// Whole studies against Optuna's are in tpe_numpy.test.ts; these pin the pieces.
// Plain keys, as in the Optuna fixtures (studies of the toolkit use setting paths such as params.lr).
const space: SearchSpace = {
  b: { type: "float", low: 0, high: 1 },
  a: { type: "categorical", choices: ["x", "y", "z"] },
  fixed: { type: "int", low: 3, high: 3 },
};
const settings = { nStartupTrials: 2, nEiCandidates: 24, multivariate: true };
const trial = (number: number, state: FrozenTrial["state"], params: Record<string, unknown> = { b: 0.5, a: "x", fixed: 3 }): FrozenTrial => ({
  number,
  state,
  params,
  value: state === "complete" ? number : undefined,
  intermediate: {},
});

describe("optunaStreams", () => {
  it("startup trials take one double per numeric parameter and one per choice, single-valued ones none", () => {
    const { startup, tpe } = optunaStreams(11, space, [trial(0, "complete")], 1, settings);
    const expected = numpyRandomState(11);
    expected.skip(2 * (1 + 3));
    expect(startup.randomSample()).toBe(expected.randomSample());
    expect(tpe.randomSample()).toBe(numpyRandomState(11).randomSample());
  });

  it("later trials take the kernel choice plus one double per parameter and candidate; failed trials drew but do not count as finished", () => {
    const history = [trial(0, "complete"), trial(1, "failed"), trial(2, "complete"), trial(3, "complete")];
    const { startup, tpe } = optunaStreams(11, space, history, 4, settings);
    const s = numpyRandomState(11), t = numpyRandomState(11);
    s.skip(3 * 2 * 4); // trials 0, 1 (failed) and 2 drew as startup trials
    t.skip(2 * 24 * (1 + 2)); // trial 3: one joint group of a and b
    expect(startup.randomSample()).toBe(s.randomSample());
    expect(tpe.randomSample()).toBe(t.randomSample());
  });

  it("seeds are taken mod 2^32, numpy's range", () => {
    expect(optunaStreams(2 ** 32 + 5, space, [], 0, settings).startup.uint32()).toBe(numpyRandomState(5).uint32());
    expect(optunaStreams(-1, space, [], 0, settings).startup.uint32()).toBe(numpyRandomState(2 ** 32 - 1).uint32());
  });
});

describe("jointKeys", () => {
  it("is Optuna's intersection space: sorted by name, single-valued and partly missing parameters left out, empty without history", () => {
    expect(jointKeys(space, [trial(0, "complete")])).toEqual(["a", "b"]);
    expect(jointKeys(space, [trial(0, "complete"), trial(1, "complete", { b: 0.1 })])).toEqual(["b"]);
    expect(jointKeys(space, [])).toEqual([]);
  });
});

describe("optunaRandomValue", () => {
  it("keeps floats below high, ints and steps on their grid, log ints within range", () => {
    const rs = numpyRandomState(3);
    const dists: SearchSpace = {
      f: { type: "float", low: -1, high: 1 },
      l: { type: "float", low: 1e-3, high: 1, log: true },
      s: { type: "float", low: 0, high: 1, step: 0.25 },
      i: { type: "int", low: 2, high: 10, step: 2 },
      k: { type: "int", low: 1, high: 64, log: true },
    };
    for (let n = 0; n < 500; n++) {
      const f = optunaRandomValue(dists.f, rs) as number, l = optunaRandomValue(dists.l, rs) as number;
      const s = optunaRandomValue(dists.s, rs) as number, i = optunaRandomValue(dists.i, rs) as number;
      const k = optunaRandomValue(dists.k, rs) as number;
      expect(f >= -1 && f < 1 && l >= 1e-3 && l < 1).toBe(true);
      expect([0, 0.25, 0.5, 0.75, 1]).toContain(s);
      expect([2, 4, 6, 8, 10]).toContain(i);
      expect(Number.isInteger(k) && k >= 1 && k <= 64).toBe(true);
    }
  });
});
