import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { numpyRandomState } from "../../core/random_numpy.ts";

interface Case {
  seed: number | number[];
  uint32: number[];
  random_sample: number[];
  uniform: { low: number[]; high: number[]; values: number[][] };
  standard_normal: number[];
  normal: number[];
  randint: [number, number, number[]][];
  choice: number[];
  choice_p: { p: number[]; values: number[] };
  after_one_normal: { normal: number; random_sample: number };
}

// Made by tests/fixtures/random/make_numpy_random_fixtures.py from numpy's own RandomState.
const fixture = JSON.parse(readFileSync(new URL("../fixtures/random/numpy_random.json", import.meta.url), "utf8")) as {
  numpy: string;
  cases: Case[];
};

/** Normals go through Math.log, which may differ from the C library's log in the last bit. */
function closeUlps(actual: number, expected: number, what: string) {
  expect(Math.abs(actual - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(4e-16 * Math.max(1, Math.abs(expected)));
}

describe(`numpyRandomState matches numpy ${fixture.numpy}'s legacy RandomState`, () => {
  for (const c of fixture.cases) {
    const seed = JSON.stringify(c.seed);
    it(`seed ${seed}: raw words and doubles bit for bit, across the 624-word refill`, () => {
      const words = numpyRandomState(c.seed);
      expect(c.uint32.map(() => words.uint32())).toEqual(c.uint32);
      const doubles = numpyRandomState(c.seed);
      expect(c.random_sample.map(() => doubles.randomSample())).toEqual(c.random_sample);
    });
    it(`seed ${seed}: uniform(low, high) per element, as Optuna's RandomSampler draws`, () => {
      const rs = numpyRandomState(c.seed);
      const got = c.uniform.values.map(() => c.uniform.low.map((low, i) => rs.uniform(low, c.uniform.high[i])));
      expect(got).toEqual(c.uniform.values);
    });
    it(`seed ${seed}: standard_normal and normal, the cached second value included`, () => {
      const rs = numpyRandomState(c.seed);
      c.standard_normal.forEach((e, i) => closeUlps(rs.standardNormal(), e, `standard_normal[${i}]`));
      const rn = numpyRandomState(c.seed);
      c.normal.forEach((e, i) => closeUlps(rn.normal(3, 0.25), e, `normal[${i}]`));
      const ra = numpyRandomState(c.seed);
      ra.standardNormal();
      closeUlps(ra.standardNormal(), c.after_one_normal.normal, "second normal");
      expect(ra.randomSample()).toBe(c.after_one_normal.random_sample);
    });
    it(`seed ${seed}: randint and choice (with and without p)`, () => {
      const rs = numpyRandomState(c.seed);
      for (const [low, high, values] of c.randint) expect(values.map(() => rs.randint(low, high)), `randint(${low}, ${high})`).toEqual(values);
      expect(numpyRandomState(c.seed).choice(7, c.choice.length)).toEqual(c.choice);
      expect(numpyRandomState(c.seed).choice(c.choice_p.p.length, c.choice_p.values.length, c.choice_p.p)).toEqual(c.choice_p.values);
    });
  }
});

describe("numpyRandomState streams", () => {
  it("skip(n) lands where n drawn words would, and a clone continues independently", () => {
    const drawn = numpyRandomState(7);
    for (let i = 0; i < 1500; i++) drawn.uint32();
    const skipped = numpyRandomState(7);
    skipped.skip(1000);
    skipped.skip(500);
    const copy = skipped.clone();
    const next = drawn.randomSample();
    expect(skipped.randomSample()).toBe(next);
    // The clone was taken before that draw, so it still yields the same value.
    expect(copy.randomSample()).toBe(next);
  });
  it("rejects seeds numpy rejects", () => {
    expect(() => numpyRandomState(-1)).toThrow(/\[0, 2\^32\)/);
    expect(() => numpyRandomState(2 ** 32)).toThrow(RangeError);
    expect(() => numpyRandomState(1.5)).toThrow(RangeError);
    expect(() => numpyRandomState([])).toThrow(/empty list/);
    expect(() => numpyRandomState(0).randint(3, 3)).toThrow(/high - low/);
  });
});
