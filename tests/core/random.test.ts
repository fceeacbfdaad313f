import { describe, expect, it } from "vitest";
import { createRng, portableLog } from "../../core/random.ts";

function take(n: number, draw: () => number): number[] {
  return Array.from({ length: n }, draw);
}

describe("createRng", () => {
  it("gives the same stream for the same seed", () => {
    const a = createRng(7);
    const b = createRng(7);
    expect(take(50, a.uniform)).toEqual(take(50, b.uniform));
    expect(take(50, a.normal)).toEqual(take(50, b.normal));
  });

  it("gives different streams for different seeds, including seeds that differ above bit 32", () => {
    const first = (seed: number) => take(4, createRng(seed).uint32);
    expect(first(7)).not.toEqual(first(8));
    expect(first(0)).not.toEqual(first(2 ** 32));
    expect(first(-1)).not.toEqual(first(2 ** 32 - 1));
  });

  it("pins its output so a change to the generator cannot pass unnoticed", () => {
    // Golden values, identical under Node and Deno; normals use only exactly-rounded arithmetic.
    const rng = createRng(7);
    expect(take(3, rng.uint32)).toEqual(GOLDEN_UINT32);
    expect(take(3, rng.normal)).toEqual(GOLDEN_NORMAL);
  });

  it("rejects seeds that are not safe integers", () => {
    expect(() => createRng(1.5)).toThrow(RangeError);
    expect(() => createRng(Number.NaN)).toThrow(RangeError);
    expect(() => createRng(2 ** 60)).toThrow(/safe integer/);
  });

  it("draws uniforms in [0, 1) with the right mean and spread", () => {
    const rng = createRng(1);
    const xs = take(200_000, rng.uniform);
    expect(xs.reduce((m, x) => Math.min(m, x), Infinity)).toBeGreaterThanOrEqual(0);
    expect(xs.reduce((m, x) => Math.max(m, x), -Infinity)).toBeLessThan(1);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length;
    expect(mean).toBeCloseTo(0.5, 2);
    expect(variance).toBeCloseTo(1 / 12, 3);
  });

  it("draws standard normals: mean 0, variance 1, 68.3% within one sd, kurtosis 3", () => {
    const rng = createRng(2);
    const n = 200_000;
    const xs = take(n, rng.normal);
    const mean = xs.reduce((s, x) => s + x, 0) / n;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / n;
    const kurtosis = xs.reduce((s, x) => s + (x - mean) ** 4, 0) / n / variance ** 2;
    const within = xs.filter((x) => Math.abs(x) < 1).length / n;
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(Math.abs(variance - 1)).toBeLessThan(0.015);
    expect(Math.abs(kurtosis - 3)).toBeLessThan(0.06);
    expect(Math.abs(within - 0.6827)).toBeLessThan(0.005);
  });

  it("draws integers in [0, n) uniformly", () => {
    const rng = createRng(3);
    const n = 7;
    const draws = 70_000;
    const counts = new Array<number>(n).fill(0);
    for (let i = 0; i < draws; i++) counts[rng.int(n)]++;
    const expected = draws / n;
    const chi2 = counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(22.5); // p = 0.001 for 6 degrees of freedom
    expect(rng.int(1)).toBe(0);
    expect(rng.int(2 ** 32)).toBeLessThan(2 ** 32);
  });

  it("rejects int bounds outside [1, 2^32]", () => {
    const rng = createRng(3);
    expect(() => rng.int(0)).toThrow(RangeError);
    expect(() => rng.int(2.5)).toThrow(RangeError);
    expect(() => rng.int(2 ** 32 + 1)).toThrow(/2\^32/);
  });

  it("shuffles in place into a permutation, the same one for the same seed", () => {
    const plain = Array.from({ length: 100 }, (_, i) => i);
    const result = createRng(4).shuffle(plain);
    expect(result).toBe(plain);
    expect([...plain].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(plain).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
    const typed = createRng(4).shuffle(Float32Array.from({ length: 100 }, (_, i) => i));
    expect(Array.from(typed)).toEqual(plain);
  });

  it("shuffles every position with equal probability", () => {
    const rng = createRng(5);
    const trials = 30_000;
    const firstCounts = [0, 0, 0, 0];
    for (let i = 0; i < trials; i++) firstCounts[rng.shuffle([0, 1, 2, 3])[0]]++;
    for (const c of firstCounts) expect(Math.abs(c / trials - 0.25)).toBeLessThan(0.015);
  });
});

describe("portableLog", () => {
  it("matches Math.log to within a few ulp from tiny to huge inputs", () => {
    const rng = createRng(6);
    for (let i = 0; i < 20_000; i++) {
      const x = rng.uniform() * 2 ** (rng.int(200) - 100) + Number.MIN_VALUE;
      const exact = Math.log(x);
      expect(Math.abs(portableLog(x) - exact)).toBeLessThanOrEqual(4 * Number.EPSILON * Math.max(1, Math.abs(exact)));
    }
    expect(portableLog(1)).toBe(0);
    expect(portableLog(Number.MIN_VALUE)).toBeCloseTo(Math.log(Number.MIN_VALUE), 10);
    expect(portableLog(Number.MAX_VALUE)).toBeCloseTo(Math.log(Number.MAX_VALUE), 10);
  });

  it("rejects zero, negatives, NaN and infinity", () => {
    for (const x of [0, -1, Number.NaN, Infinity]) expect(() => portableLog(x)).toThrow(RangeError);
  });
});

const GOLDEN_UINT32 = [1178360208, 2102870909, 1757223868];
const GOLDEN_NORMAL = [0.4167055315601886, 0.8315407885313295, -1.885472194046162];
