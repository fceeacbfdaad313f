import { describe, expect, it } from "vitest";
import { createRng } from "../../../core/random.ts";
import { calibratedProbabilities, fitCalibration } from "../../../models/svm/calibration.ts";

/** Margins and classes drawn from softmax(beta m + c) with known beta and c. */
function draw(n: number, beta: number, offsets: [number, number, number], seed = 1) {
  const rng = createRng(seed);
  const margins = Float64Array.from({ length: n * 3 }, () => rng.normal());
  const probs = calibratedProbabilities(margins, { beta, offsets });
  const classes = Int8Array.from({ length: n }, (_, i) => {
    const u = rng.uniform();
    return u < probs[3 * i] ? 0 : u < probs[3 * i] + probs[3 * i + 1] ? 1 : 2;
  });
  return { margins, classes };
}

describe("fitCalibration (temperature and class offsets)", () => {
  it("recovers the inverse temperature and offsets the classes were drawn with", () => {
    const { margins, classes } = draw(40_000, 1.7, [0, -0.6, 0.4]);
    const fit = fitCalibration(margins, classes);
    expect(fit.beta).toBeCloseTo(1.7, 1);
    expect(fit.offsets[0]).toBe(0);
    expect(fit.offsets[1]).toBeCloseTo(-0.6, 1);
    expect(fit.offsets[2]).toBeCloseTo(0.4, 1);
  });

  it("lowers the log loss below any nearby calibration (it is the minimum)", () => {
    const { margins, classes } = draw(3000, 0.8, [0, 0.3, -0.2], 2);
    const loss = (c: { beta: number; offsets: [number, number, number] }) => {
      const p = calibratedProbabilities(margins, c);
      return -classes.reduce((s, y, i) => s + Math.log(p[3 * i + y]), 0) / classes.length;
    };
    const fit = fitCalibration(margins, classes);
    for (const d of [[0.05, 0, 0], [-0.05, 0, 0], [0, 0.05, 0], [0, 0, -0.05]]) {
      expect(loss(fit)).toBeLessThan(loss({ beta: fit.beta + d[0], offsets: [0, fit.offsets[1] + d[1], fit.offsets[2] + d[2]] }));
    }
  });

  it("gives uninformative margins no temperature, and probabilities that sum to 1", () => {
    const rng = createRng(3);
    const margins = Float64Array.from({ length: 3000 }, () => rng.normal());
    const classes = Int8Array.from({ length: 1000 }, () => rng.int(3));
    expect(fitCalibration(margins, classes).beta).toBeLessThan(0.1);
    const p = calibratedProbabilities(Float64Array.of(1000, 0, -1000), { beta: 2, offsets: [0, 1, 0] });
    expect(p[0] + p[1] + p[2]).toBeCloseTo(1, 6);
    expect(p[0]).toBeCloseTo(1, 6);
  });
});
