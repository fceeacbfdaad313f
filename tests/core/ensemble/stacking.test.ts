import { describe, expect, it } from "vitest";
import { fitStacking, outOfFoldProbs, STACKING_L2, stackingFeatures, stackingProbs, timeFolds } from "../../../core/ensemble/stacking.ts";
import { createRng } from "../../../core/random.ts";

/** n samples: classes, an informative member (the class made likely, with noise), and a member of pure noise. */
function data(n: number, seed: number) {
  const rng = createRng(seed);
  const classes = Int8Array.from({ length: n }, () => rng.int(3));
  const member = (signal: number) => {
    const probs = new Float32Array(n * 3);
    for (let i = 0; i < n; i++) {
      const z = [0, 1, 2].map((k) => (k === classes[i] ? signal : 0) + rng.normal());
      const sum = z.reduce((s, v) => s + Math.exp(v), 0);
      z.forEach((v, k) => (probs[i * 3 + k] = Math.exp(v) / sum));
    }
    return probs;
  };
  return { classes, probs: [member(1.5), member(0)] };
}

/** The gradient of the fitted objective (mean cross-entropy + l2/2 |weights|^2 + 1e-6/2 |intercepts|^2), computed independently. */
function gradient(coefficients: number[][], probs: Float32Array[], classes: Int8Array): number[] {
  const n = classes.length, D = coefficients[0].length;
  const g = coefficients.map((row) => row.map(() => 0));
  for (let i = 0; i < n; i++) {
    const x = [1, ...probs.flatMap((p) => [p[i * 3], p[i * 3 + 1], p[i * 3 + 2]])];
    const z = coefficients.map((row) => row.reduce((s, w, j) => s + w * x[j], 0));
    const e = z.map((v) => Math.exp(v - Math.max(...z)));
    const sum = e.reduce((a, b) => a + b, 0);
    for (let k = 0; k < 3; k++) for (let j = 0; j < D; j++) g[k][j] += ((e[k] / sum) - (classes[i] === k ? 1 : 0)) * x[j] / n;
  }
  return g.flatMap((row, k) => row.map((v, j) => v + (j === 0 ? 1e-6 : STACKING_L2) * coefficients[k][j]));
}

describe("stacking meta-model", () => {
  const { classes, probs } = data(600, 3);

  it("fits the penalised multinomial logistic regression to its optimum", () => {
    const coefficients = fitStacking(probs, classes);
    expect(coefficients.map((row) => row.length)).toEqual([7, 7, 7]);
    expect(Math.max(...gradient(coefficients, probs, classes).map(Math.abs))).toBeLessThan(1e-8);
  });

  it("leans on the informative member, not the noise", () => {
    const [short, , long] = fitStacking(probs, classes);
    // weight on "this member says long" for class long, minus for class short: large for member 0, small for member 1
    const informative = long[3] - short[3], noise = long[6] - short[6];
    expect(informative).toBeGreaterThan(2);
    expect(Math.abs(noise)).toBeLessThan(informative / 3);
  });

  it("is deterministic: the same inputs give the same coefficients", () => {
    expect(fitStacking(probs, classes)).toEqual(fitStacking(probs.map((p) => p.slice()), classes.slice()));
  });

  it("applies softmax(coefficients . [1, probabilities])", () => {
    const coefficients = [[0.1, 1, 0, -1, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0], [-0.2, 0, 0, 0, 0.5, 0.5, 2]];
    const out = stackingProbs(coefficients, probs);
    const x = [1, ...probs.flatMap((p) => [p[0], p[1], p[2]])];
    const z = coefficients.map((row) => row.reduce((s, w, j) => s + w * x[j], 0));
    const sum = z.reduce((s, v) => s + Math.exp(v), 0);
    z.forEach((v, k) => expect(out[k]).toBeCloseTo(Math.exp(v) / sum, 6));
    for (let i = 0; i < 600; i++) expect(out[i * 3] + out[i * 3 + 1] + out[i * 3 + 2]).toBeCloseTo(1, 6);
    expect(() => stackingProbs(coefficients.map((row) => row.slice(1)), probs)).toThrow(/3 rows of 7 numbers/);
  });

  it("names its features: the intercept, then each member's three probabilities", () => {
    expect(stackingFeatures(["a", "b"])).toEqual([
      "intercept",
      "a:prob_short",
      "a:prob_neutral",
      "a:prob_long",
      "b:prob_short",
      "b:prob_neutral",
      "b:prob_long",
    ]);
  });

  it("cuts validation into consecutive time blocks, the same for every symbol", () => {
    const times = [10, 20, 30, 40, 50, 10, 20, 30, 40, 50];
    expect(Array.from(timeFolds(times, 5))).toEqual([0, 1, 2, 3, 4, 0, 1, 2, 3, 4]);
    expect(Array.from(timeFolds([1, 2, 3, 4, 5, 6], 2))).toEqual([0, 0, 0, 1, 1, 1]);
    expect(() => timeFolds([1, 2], 5)).toThrow(/2 distinct bar times/);
  });

  it("scores each validation block with a meta-model that never saw that block's labels", () => {
    const times = Float64Array.from({ length: 600 }, (_, i) => i % 300); // two symbols on one time grid
    const base = outOfFoldProbs(probs, classes, times);
    const fold = timeFolds(times, 5);
    const flipped = Int8Array.from(classes, (c, i) => (fold[i] === 2 ? (c + 1) % 3 : c));
    const after = outOfFoldProbs(probs, flipped, times);
    for (let i = 0; i < 600; i++) {
      const same = [0, 1, 2].every((k) => after[i * 3 + k] === base[i * 3 + k]);
      expect(same, `sample ${i} in block ${fold[i]}`).toBe(fold[i] === 2);
    }
  });
});
