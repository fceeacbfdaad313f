import { describe, expect, it } from "vitest";
import { createRng } from "../../../core/random.ts";
import { type Multiclass, squaredHinge } from "../../../models/svm/hinge.ts";

describe("squaredHinge", () => {
  it("one-vs-rest: sum over classes of max(0, 1 - t m)^2; Crammer-Singer: max(0, 1 + best other - true)^2", () => {
    const grad = new Float64Array(3);
    expect(squaredHinge("ovr", Float64Array.of(1, -1, 0), Int8Array.of(0), Float32Array.of(1), grad)).toBe(1);
    expect([...grad]).toEqual([0, 0, 2]);
    expect(squaredHinge("crammer_singer", Float64Array.of(0.5, 0.2, 0.9), Int8Array.of(0), Float32Array.of(2), grad)).toBeCloseTo(2 * 1.4 ** 2, 12);
    expect([...grad].map((g) => +g.toFixed(9))).toEqual([-5.6, 0, 5.6]);
    expect(squaredHinge("crammer_singer", Float64Array.of(3, 0.2, 0.9), Int8Array.of(0), Float32Array.of(1), grad)).toBe(0);
  });

  for (const kind of ["ovr", "crammer_singer"] as Multiclass[]) {
    it(`${kind}: the gradient is the loss's derivative (finite differences)`, () => {
      const rng = createRng(4), n = 30;
      const margins = Float64Array.from({ length: n * 3 }, () => rng.normal());
      const classes = Int8Array.from({ length: n }, () => rng.int(3));
      const weights = Float32Array.from({ length: n }, () => 0.5 + rng.uniform());
      const grad = new Float64Array(n * 3);
      squaredHinge(kind, margins, classes, weights, grad);
      const scratch = new Float64Array(n * 3);
      for (let j = 0; j < n * 3; j++) {
        const at = (d: number) => {
          const m = Float64Array.from(margins);
          m[j] += d;
          return squaredHinge(kind, m, classes, weights, scratch);
        };
        expect(grad[j]).toBeCloseTo((at(1e-6) - at(-1e-6)) / 2e-6, 4);
      }
    });
  }
});
