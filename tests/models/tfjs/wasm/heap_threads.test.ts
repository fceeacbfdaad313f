import { describe, expect, it } from "vitest";
import { guidedShares, MAX_SHARES } from "../../../../models/tfjs/wasm/heap_threads.ts";

describe("guidedShares", () => {
  it("covers every unit once, in order, largest shares first, 1 / (2 threads) of what is left each", () => {
    const shares = guidedShares(64, 2);
    expect(shares.slice(0, 4)).toEqual([{ from: 0, count: 16 }, { from: 16, count: 12 }, { from: 28, count: 9 }, { from: 37, count: 7 }]);
    for (const [units, threads] of [[1, 2], [3, 2], [64, 2], [1605, 2], [803, 3], [7, 16]]) {
      const got = guidedShares(units, threads);
      expect(got[0].from).toBe(0);
      got.forEach((s, k) => k > 0 && expect(s.from).toBe(got[k - 1].from + got[k - 1].count));
      expect(got.at(-1)!.from + got.at(-1)!.count).toBe(units);
      got.forEach((s, k) => k > 0 && expect(s.count).toBeLessThanOrEqual(got[k - 1].count));
      expect(got.length).toBeLessThanOrEqual(MAX_SHARES);
    }
  });

  it("gives one thread one share of every unit", () => {
    expect(guidedShares(1605, 1)).toEqual([{ from: 0, count: 1605 }]);
  });

  it("stops at MAX_SHARES, the last share taking what is left", () => {
    const got = guidedShares(1e6, 64);
    expect(got).toHaveLength(MAX_SHARES);
    expect(got.at(-1)!.from + got.at(-1)!.count).toBe(1e6);
    expect(got.at(-1)!.count).toBeGreaterThan(got.at(-2)!.count);
  });
});
