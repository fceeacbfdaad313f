import { describe, expect, it } from "vitest";
import { softmaxGradients } from "../../../models/gbdt/softmax.ts";

const logLoss = (m: number[], y: number) => -m[y] + Math.log(m.reduce((s, v) => s + Math.exp(v), 0));

describe("softmaxGradients", () => {
  const margins = Float64Array.of(0, 0, 0, 2.5, -1, 0.3, -700, 3, 700);
  const classes = Int8Array.of(2, 0, 1);
  const out = [0, 1, 2].map(() => new Float32Array(6));
  softmaxGradients(margins, classes, Float32Array.of(1, 1, 1), out);

  it("gives p - onehot and 2p(1-p) at equal margins", () => {
    expect(out.map((o) => o[0])).toEqual([1 / 3, 1 / 3, -2 / 3].map(Math.fround));
    expect(out.map((o) => o[1])).toEqual([4 / 9, 4 / 9, 4 / 9].map(Math.fround));
  });

  it("is the derivative of the log loss, and the hessian twice its curvature (XGBoost's convention)", () => {
    const m = [...margins.subarray(3, 6)], eps = 1e-5;
    for (let k = 0; k < 3; k++) {
      const up = [...m], down = [...m];
      up[k] += eps;
      down[k] -= eps;
      const slope = (logLoss(up, 0) - logLoss(down, 0)) / (2 * eps);
      const curvature = (logLoss(up, 0) - 2 * logLoss(m, 0) + logLoss(down, 0)) / (eps * eps);
      expect(out[k][2]).toBeCloseTo(slope, 5);
      expect(out[k][3]).toBeCloseTo(2 * curvature, 3);
    }
  });

  it("stays finite at extreme margins, with the hessian floored", () => {
    for (const o of out) expect(Number.isFinite(o[4]) && Number.isFinite(o[5])).toBe(true);
    expect(out[0][5]).toBeGreaterThan(0);
    expect(out[1][4]).toBeCloseTo(-1, 6); // class 1 has p ~ 0
  });

  it("scales gradient and hessian by the sample weight, and checks shapes", () => {
    const weighted = [0, 1, 2].map(() => new Float32Array(2));
    softmaxGradients(Float64Array.of(0, 0, 0), Int8Array.of(2), Float32Array.of(3), weighted);
    expect(weighted[2][0]).toBeCloseTo(-2, 6);
    expect(weighted[2][1]).toBeCloseTo(4 / 3, 6);
    expect(() => softmaxGradients(new Float64Array(3), Int8Array.of(0, 1), Float32Array.of(1, 1), weighted)).toThrow(/2 rows need/);
  });
});
