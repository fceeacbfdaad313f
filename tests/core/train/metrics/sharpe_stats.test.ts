import { describe, expect, it } from "vitest";
import {
  deflatedSharpe,
  expectedMaxSharpe,
  normalCdf,
  normalInv,
  probabilisticSharpe,
  type SharpeSample,
  type SharpeTrials,
} from "../../../../core/train/metrics/sharpe_stats.ts";

interface Fixture {
  normal: { cdf: { x: number; p: number }[]; inv: { p: number; x: number }[] };
  paper_example: { sample: SharpeSample; trials: SharpeTrials; sr0: number; dsr: number; psr0: number; printed: { sr0: number; dsr: number } };
  series: {
    name: string;
    returns: number[];
    sample: SharpeSample;
    trials: SharpeTrials;
    psr: Record<string, number>;
    sr0: number;
    dsr: number;
  }[];
}

// Loaded at runtime (vite handles .json) so the typecheck needs no resolveJsonModule.
const fixtureUrl = new URL("../../../fixtures/metrics/sharpe_stats.json", import.meta.url).href;
const fixture: Fixture = (await import(/* @vite-ignore */ fixtureUrl)).default;

function expectClose(actual: number, expected: number, rel: number, what: string): void {
  const tol = Math.max(rel * Math.max(Math.abs(actual), Math.abs(expected)), 1e-300);
  expect(Math.abs(actual - expected), `${what}: got ${actual}, expected ${expected}`).toBeLessThanOrEqual(tol);
}

describe("normalCdf and normalInv against scipy.stats.norm", () => {
  it("normalCdf matches to 1e-12 relative, tails included", () => {
    for (const { x, p } of fixture.normal.cdf) expectClose(normalCdf(x), p, 1e-12, `cdf(${x})`);
  });

  it("normalInv matches to 1e-12 relative, around Acklam's region boundaries and deep in the tails", () => {
    for (const { p, x } of fixture.normal.inv) expectClose(normalInv(p), x, 1e-12, `inv(${p})`);
  });

  it("normalInv inverts normalCdf", () => {
    for (const x of [-7, -3.2, -1, 0.3, 2.5, 4]) expectClose(normalInv(normalCdf(x)), x, 1e-9, `inv(cdf(${x}))`);
  });

  it("normalInv maps 0 and 1 to -Infinity and Infinity and rejects what is not a probability", () => {
    expect(normalInv(0)).toBe(-Infinity);
    expect(normalInv(1)).toBe(Infinity);
    expect(normalInv(NaN)).toBeNaN();
    expect(() => normalInv(1.5)).toThrow(/normalInv needs a probability in \[0, 1\], got 1.5/);
    expect(normalCdf(NaN)).toBeNaN();
  });
});

describe("PSR and DSR against the paper formulas (numpy + scipy reference)", () => {
  it("reproduces the 2014 paper's numerical example: E[max SR] 0.1132 and DSR 0.9004", () => {
    const ex = fixture.paper_example;
    const sr0 = expectedMaxSharpe(ex.trials.nTrials, ex.trials.variance);
    expectClose(sr0, ex.sr0, 1e-10, "SR0");
    expect(sr0.toFixed(4)).toBe(ex.printed.sr0.toFixed(4));
    const dsr = deflatedSharpe(ex.sample, ex.trials);
    expectClose(dsr, ex.dsr, 1e-10, "DSR");
    expect(dsr.toFixed(4)).toBe(ex.printed.dsr.toFixed(4));
    expectClose(probabilisticSharpe(ex.sample), ex.psr0, 1e-10, "PSR(0)");
  });

  it("has skewed and fat-tailed series", () => {
    expect(fixture.series.some((c) => c.sample.skew < -1)).toBe(true);
    expect(fixture.series.some((c) => c.sample.skew > 1)).toBe(true);
    expect(fixture.series.some((c) => c.sample.kurtosis > 10)).toBe(true);
  });

  for (const c of fixture.series) {
    it(`PSR at three benchmarks, E[max SR] and DSR: ${c.name}`, () => {
      for (const [bench, want] of Object.entries(c.psr)) expectClose(probabilisticSharpe(c.sample, Number(bench)), want, 1e-10, `PSR(${bench})`);
      expectClose(expectedMaxSharpe(c.trials.nTrials, c.trials.variance), c.sr0, 1e-10, "SR0");
      expectClose(deflatedSharpe(c.sample, c.trials), c.dsr, 1e-10, "DSR");
    });
  }
});

describe("PSR and DSR by hand", () => {
  const normal: SharpeSample = { sr: 0.1, t: 101, skew: 0, kurtosis: 3 };

  it("PSR of normal returns is Phi(SR sqrt(T-1) / sqrt(1 + SR^2 / 2))", () => {
    expectClose(probabilisticSharpe(normal), normalCdf(1 / Math.sqrt(1.005)), 1e-15, "PSR");
    expect(probabilisticSharpe(normal, 0.1)).toBe(0.5);
  });

  it("negative skew and fat tails lower the PSR of a positive Sharpe", () => {
    const base = probabilisticSharpe(normal);
    expect(probabilisticSharpe({ ...normal, skew: -2 })).toBeLessThan(base);
    expect(probabilisticSharpe({ ...normal, kurtosis: 12 })).toBeLessThan(base);
    expect(probabilisticSharpe({ ...normal, skew: 2 })).toBeGreaterThan(base);
  });

  it("PSR is NaN with fewer than 2 returns or moments no sample can have", () => {
    expect(probabilisticSharpe({ ...normal, t: 1 })).toBeNaN();
    expect(probabilisticSharpe({ ...normal, skew: NaN })).toBeNaN();
    // 1 - skew SR + (kurtosis - 1) / 4 SR^2 < 0
    expect(probabilisticSharpe({ sr: 1, t: 10, skew: 3, kurtosis: 1 })).toBeNaN();
  });

  it("one trial is no selection: E[max SR] = 0 and DSR = PSR", () => {
    expect(expectedMaxSharpe(1, 0.3)).toBe(0);
    expect(deflatedSharpe(normal, { nTrials: 1, variance: 0.3 })).toBe(probabilisticSharpe(normal));
  });

  it("more trials and more spread raise the bar and lower the DSR", () => {
    expect(expectedMaxSharpe(2, 0.01)).toBeGreaterThan(0);
    expect(expectedMaxSharpe(50, 0.01)).toBeGreaterThan(expectedMaxSharpe(10, 0.01));
    expect(expectedMaxSharpe(10, 0.04)).toBeCloseTo(2 * expectedMaxSharpe(10, 0.01), 12);
    expect(expectedMaxSharpe(10, 0)).toBe(0);
    expect(deflatedSharpe(normal, { nTrials: 20, variance: 0.001 })).toBeLessThan(probabilisticSharpe(normal));
  });

  it("rejects a trial count that is not a positive integer and a negative variance", () => {
    expect(() => expectedMaxSharpe(0, 0.1)).toThrow(/nTrials must be a positive integer, got 0/);
    expect(() => expectedMaxSharpe(2.5, 0.1)).toThrow(RangeError);
    expect(() => expectedMaxSharpe(3, -1)).toThrow(/variance of the trials' Sharpe ratios must be >= 0, got -1/);
  });
});
