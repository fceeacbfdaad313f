import { describe, expect, it } from "vitest";
import { createRng } from "../../../core/random.ts";
import { applyFourierMap, drawFourierMap } from "../../../models/svm/rff.ts";

describe("random Fourier features", () => {
  it("z(x) . z(y) approximates the RBF kernel exp(-gamma |x - y|^2)", () => {
    const d = 6, gamma = 0.3, map = drawFourierMap({ inputs: d, components: 8192, gamma }, createRng(1));
    const rng = createRng(2);
    for (let trial = 0; trial < 10; trial++) {
      const x = Float32Array.from({ length: 2 * d }, () => rng.normal() * 0.8);
      const z = applyFourierMap(map, x, 2, new Float32Array(2 * 8192));
      let dot = 0, dist = 0;
      for (let j = 0; j < 8192; j++) dot += z[j] * z[8192 + j];
      for (let k = 0; k < d; k++) dist += (x[k] - x[d + k]) ** 2;
      expect(Math.abs(dot - Math.exp(-gamma * dist))).toBeLessThan(0.05);
    }
  });

  it("draws the same map from the same seed", () => {
    const a = drawFourierMap({ inputs: 3, components: 16, gamma: 1 }, createRng(5));
    expect(drawFourierMap({ inputs: 3, components: 16, gamma: 1 }, createRng(5))).toEqual(a);
    expect(drawFourierMap({ inputs: 3, components: 16, gamma: 1 }, createRng(6)).omega).not.toEqual(a.omega);
    expect(() => applyFourierMap(a, new Float32Array(2), 1, new Float32Array(16))).toThrow(/1 rows need 3 inputs/);
  });
});
