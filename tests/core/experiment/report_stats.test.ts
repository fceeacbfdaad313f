import { describe, expect, it } from "vitest";
import { fitSummary, jsonSafe, seedStat } from "../../../core/experiment/report_stats.ts";

describe("seedStat", () => {
  it("gives the mean and the sample std (ddof 1) of the finite values", () => {
    const s = seedStat([1, 2, 4]);
    expect(s.mean).toBeCloseTo(7 / 3, 15);
    // deviations -4/3, -1/3, 5/3 -> squares sum 42/9 -> / 2
    expect(s.std).toBeCloseTo(Math.sqrt(42 / 9 / 2), 15);
    expect(s.n).toBe(3);
  });

  it("leaves out null, undefined and non-finite values, and has no std with one value and no mean with none", () => {
    expect(seedStat([0.5, null, undefined, NaN, Infinity])).toEqual({ mean: 0.5, std: null, n: 1 });
    expect(seedStat([])).toEqual({ mean: null, std: null, n: 0 });
  });
});

describe("fitSummary", () => {
  it("divides each run's fit time by its epochs, skipping runs without epochs", () => {
    const f = fitSummary([{ fit_s: 30, epochs_run: 3 }, { fit_s: 50, epochs_run: 5 }, { fit_s: 7 }, undefined]);
    expect(f.s_per_epoch).toEqual({ mean: 10, std: 0, n: 2 });
    expect(f.fit_s.n).toBe(3);
    expect(f.peak_rss_mb.mean).toBeNull();
  });
});

describe("jsonSafe", () => {
  it("maps non-finite numbers to null, typed arrays to arrays, and drops undefined fields", () => {
    const out = jsonSafe({ a: Infinity, b: [NaN, 1], c: new Float32Array([0.5, 2]), d: undefined, e: { f: -Infinity, g: "x", h: null } });
    expect(out).toStrictEqual({ a: null, b: [null, 1], c: [0.5, 2], e: { f: null, g: "x", h: null } });
  });
});
