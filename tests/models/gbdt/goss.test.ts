import { describe, expect, it } from "vitest";
import { createRng } from "../../../core/random.ts";
import { gossSample, kthSmallest } from "../../../models/gbdt/goss.ts";

/** Three classes' (g, h) statistics for `rows` rows, with some exactly tied sizes. */
function stats(rows: number, seed = 1): Float32Array[] {
  const rng = createRng(seed);
  return [0, 1, 2].map(() => {
    const s = new Float32Array(rows * 2);
    for (let i = 0; i < rows; i++) {
      s[2 * i] = i % 10 === 0 ? 0.5 : rng.normal();
      s[2 * i + 1] = i % 10 === 0 ? 0.5 : 0.1 + rng.uniform();
    }
    return s;
  });
}
const size = (s: Float32Array[], i: number) => s.reduce((t, c) => t + Math.abs(c[2 * i] * c[2 * i + 1]), 0);

describe("gossSample (LightGBM's GOSS)", () => {
  it("keeps exactly floor(a n) rows of the largest sum |g h| and floor(b n) of the rest, weighting those (n - top) / other", () => {
    const rows = 1003, before = stats(rows), after = stats(rows);
    const sample = gossSample(after, { topRate: 0.2, otherRate: 0.1 }, createRng(5));
    expect([sample.top, sample.other]).toEqual([200, 100]);
    expect(sample.weight).toBeCloseTo((rows - 200) / 100, 12);
    expect(sample.rows).toHaveLength(300);
    expect([...sample.rows]).toEqual([...sample.rows].sort((a, b) => a - b));
    const kept = new Set(sample.rows);
    // The 200 top rows are the 200 largest sizes (ties by row index), untouched.
    const ranked = Array.from({ length: rows }, (_, i) => i).sort((a, b) => size(before, b) - size(before, a) || a - b);
    const top = ranked.slice(0, 200);
    for (const i of top) expect(kept.has(i)).toBe(true);
    for (let i = 0; i < rows; i++) {
      const isTop = top.includes(i);
      for (let c = 0; c < 3; c++) {
        const factor = kept.has(i) && !isTop ? sample.weight : 1;
        expect(after[c][2 * i]).toBe(Math.fround(before[c][2 * i] * factor));
        expect(after[c][2 * i + 1]).toBe(Math.fround(before[c][2 * i + 1] * factor));
      }
    }
  });

  it("draws the rest from the seed: the same seed the same rows, another seed others; at least one top row", () => {
    const a = gossSample(stats(500), { topRate: 0.1, otherRate: 0.3 }, createRng(1)).rows;
    expect(gossSample(stats(500), { topRate: 0.1, otherRate: 0.3 }, createRng(1)).rows).toEqual(a);
    expect(gossSample(stats(500), { topRate: 0.1, otherRate: 0.3 }, createRng(2)).rows).not.toEqual(a);
    expect(gossSample(stats(5), { topRate: 0.05, otherRate: 0.5 }, createRng(1))).toMatchObject({ top: 1, other: 2, weight: 2 });
  });

  it("kthSmallest agrees with a sort, ties included", () => {
    const rng = createRng(3);
    for (let trial = 0; trial < 300; trial++) {
      const n = 1 + rng.int(300);
      const values = Float64Array.from({ length: n }, () => rng.int(trial % 2 ? 4 : 1000));
      const k = rng.int(n);
      expect(kthSmallest(Float64Array.from(values), k)).toBe(Float64Array.from(values).sort()[k]);
    }
  });
});
