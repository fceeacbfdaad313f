import { describe, expect, it } from "vitest";
import { exp, log, log1p, sinCosTurn } from "../../../core/prepare/portable_math.ts";

describe("portable math for prepare", () => {
  it("sinCosTurn is sin and cos of a fraction of a turn to 1e-15, exact at the quarter turns", () => {
    // equal as numbers (the sign of a zero does not matter to a feature)
    const same = (turn: number, expected: number[]) => expect(sinCosTurn(turn).map((v) => v + 0)).toEqual(expected);
    same(0, [0, 1]);
    same(0.25, [1, 0]);
    same(0.5, [0, -1]);
    same(0.75, [-1, 0]);
    for (let k = 0; k < 500; k++) {
      const turn = k / 500 + 1 / 7e4;
      const [s, c] = sinCosTurn(turn);
      expect(Math.abs(s - Math.sin(2 * Math.PI * turn))).toBeLessThan(1e-15);
      expect(Math.abs(c - Math.cos(2 * Math.PI * turn))).toBeLessThan(1e-15);
    }
  });

  it("log, log1p and exp agree with Math closely over the ranges prepare feeds them", () => {
    for (const x of [1e-6, 0.37, 1, 2.5, 99.9, 6.1e4, 3.3e9]) {
      expect(Math.abs(log(x) - Math.log(x))).toBeLessThanOrEqual(4e-16 * Math.max(1, Math.abs(Math.log(x))));
      expect(Math.abs(log1p(x) - Math.log1p(x)) / Math.log1p(x)).toBeLessThan(1e-9);
    }
    for (const x of [-0.3, -1e-4, 0, 2e-3, 0.7]) expect(Math.abs(exp(x) / Math.exp(x) - 1)).toBeLessThan(2e-13);
  });
});
