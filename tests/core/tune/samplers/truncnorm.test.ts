import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { erf, erfc } from "../../../../core/tune/samplers/erf.ts";
import { logGaussMass, logNdtr, truncnormLogPdf, truncnormPpf, truncnormPpfBatch } from "../../../../core/tune/samplers/truncnorm.ts";

// Reference values from Python's math.erf/erfc and Optuna's _truncnorm, written by tests/fixtures/tune/make_tpe_fixtures.py.
const { truncnorm: ref } = JSON.parse(readFileSync(new URL("../../../fixtures/tune/tpe_fixtures.json", import.meta.url), "utf8")) as {
  truncnorm: Record<"erf" | "erfc" | "log_ndtr", [number, number][]> & {
    log_gauss_mass: [number, number, number][];
    ppf: [number, number, number, number][];
    logpdf: [number, number, number, number, number, number][];
  };
};

/** Relative closeness, with an absolute floor for values near 0. */
function close(actual: number, expected: number, rel: number, what: string) {
  expect(Math.abs(actual - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(rel * Math.max(Math.abs(expected), 1e-300));
}

describe("erf and erfc (fdlibm) match the C library", () => {
  it("erf to a few ulps, everywhere", () => {
    for (const [x, e] of ref.erf) close(erf(x), e, 4e-16, `erf(${x})`);
  });
  it("erfc to a few ulps, including the far right tail", () => {
    for (const [x, e] of ref.erfc) close(erfc(x), e, 1e-15, `erfc(${x})`);
    expect(erfc(27)).toBeGreaterThan(0);
    expect(erfc(27)).toBeLessThan(1e-300);
  });
});

describe("truncated normal pieces match Optuna's _truncnorm", () => {
  it("logNdtr, through the asymptotic series below -20", () => {
    for (const [x, e] of ref.log_ndtr) close(logNdtr(x), e, 1e-13, `logNdtr(${x})`);
  });
  it("logGaussMass in the left, right and central cases, tails included", () => {
    for (const [a, b, e] of ref.log_gauss_mass) close(logGaussMass(a, b), e, 1e-12, `logGaussMass(${a}, ${b})`);
  });
  it("the quantile function (Newton on the log-CDF) to its 1e-8 tolerance", () => {
    for (const [q, a, b, e] of ref.ppf) {
      const x = truncnormPpf(q, a, b);
      expect(Math.abs(x - e), `ppf(${q}, ${a}, ${b}): ${x} vs ${e}`).toBeLessThanOrEqual(1e-8 * Math.max(1, Math.abs(e)));
      expect(x).toBeGreaterThanOrEqual(a);
      expect(x).toBeLessThanOrEqual(b);
    }
  });
  it("the batched quantile function agrees with the scalar one: a batch iterates until all its members converge", () => {
    const [q, a, b] = [0, 1, 2].map((c) => ref.ppf.map((row) => row[c]));
    const batch = truncnormPpfBatch(q, a, b);
    ref.ppf.forEach(([qi, ai, bi, e], i) => {
      const scalar = truncnormPpf(qi, ai, bi);
      expect(Math.abs(batch[i] - scalar), `ppf(${qi}, ${ai}, ${bi})`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(scalar)));
      expect(Math.abs(batch[i] - e)).toBeLessThanOrEqual(1e-8 * Math.max(1, Math.abs(e)));
      expect(truncnormPpfBatch([qi], [ai], [bi])[0]).toBe(scalar);
    });
    expect(truncnormPpfBatch([0, 0.5, 0.5], [-1, -2, 1], [1, -2, 2])).toEqual([-1, NaN, expect.any(Number)]);
  });
  it("the log-density, -inf outside the interval", () => {
    for (const [x, a, b, loc, scale, e] of ref.logpdf) {
      if (e === null || !Number.isFinite(e)) expect(truncnormLogPdf(x, a, b, loc, scale)).toBe(-Infinity);
      else close(truncnormLogPdf(x, a, b, loc, scale), e, 1e-12, `logpdf(${x})`);
    }
  });
});
