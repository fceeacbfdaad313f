import { describe, expect, it } from "vitest";
import { argmaxClasses, type ClassificationMetrics, classificationMetrics } from "../../../../core/train/metrics/classification.ts";

interface Case {
  name: string;
  dtype: "float64" | "float32";
  y_true: number[];
  probs: number[];
  expected: ClassificationMetrics;
}
interface Fixture {
  sklearn_version: string;
  cases: Case[];
}

// Loaded at runtime (vite handles .json) so the typecheck needs no resolveJsonModule.
const fixtureUrl = new URL("../../../fixtures/metrics/classification.json", import.meta.url).href;
const fixture: Fixture = (await import(/* @vite-ignore */ fixtureUrl)).default;

/** |a - b| <= rel * max(|a|, |b|), with a 1e-12 floor so values that should be 0 may round to ~1e-17. */
function expectClose(actual: number, expected: number, rel: number, what: string): void {
  const tol = Math.max(rel * Math.max(Math.abs(actual), Math.abs(expected)), 1e-12);
  expect(Math.abs(actual - expected), `${what}: got ${actual}, expected ${expected}`).toBeLessThanOrEqual(tol);
}

function expectMatches(actual: ClassificationMetrics, expected: ClassificationMetrics, rel: number): void {
  expect(actual.n).toBe(expected.n);
  expect(actual.confusion).toEqual(expected.confusion);
  expect(actual.support).toEqual(expected.support);
  for (const key of ["accuracy", "f1_macro", "f1_weighted", "log_loss"] as const) {
    expectClose(actual[key], expected[key], rel, key);
  }
  for (const key of ["precision", "recall", "f1"] as const) {
    for (const label of ["-1", "0", "1"] as const) expectClose(actual[key][label], expected[key][label], rel, `${key}[${label}]`);
  }
}

function run(c: Case): ClassificationMetrics {
  const probs = c.dtype === "float32" ? Float32Array.from(c.probs) : Float64Array.from(c.probs);
  return classificationMetrics(Int8Array.from(c.y_true), probs);
}

function fixtureCase(name: string): Case {
  const c = fixture.cases.find((x) => x.name === name);
  if (!c) throw new Error(`No fixture case "${name}" in classification.json`);
  return c;
}

describe("classificationMetrics against scikit-learn", () => {
  it("fixtures come from the sklearn version the eps rule was written for", () => {
    expect(fixture.sklearn_version).toBe("1.2.1");
    expect(fixture.cases.length).toBeGreaterThanOrEqual(9);
  });

  for (const size of [1, 7, 200, 5000]) {
    it(`every metric matches scikit-learn on random probabilities, n=${size}`, () => {
      const c = fixture.cases.find((x) => x.name.startsWith(`random n=${size} `));
      expect(c, `fixture for n=${size}`).toBeDefined();
      expectMatches(run(c!), c!.expected, 1e-9);
    });
  }

  it("f1_macro matches scikit-learn when a class is never predicted", () => {
    const c = fixtureCase("neutral never predicted");
    const m = run(c);
    expect(m.precision["0"]).toBe(0);
    expect(m.confusion.map((row) => row[1])).toEqual([0, 0, 0]);
    expectMatches(m, c.expected, 1e-9);
  });

  it("macro F1 still averages over a class absent from y_true, as scikit-learn does with labels=[-1,0,1]", () => {
    const c = fixtureCase("neutral absent from y_true");
    const m = run(c);
    expect(m.support["0"]).toBe(0);
    expect(m.recall["0"]).toBe(0);
    expectMatches(m, c.expected, 1e-9);
    expectClose(m.f1_macro, (m.f1["-1"] + m.f1["0"] + m.f1["1"]) / 3, 1e-15, "mean of three");
  });

  it("log_loss matches scikit-learn when y_true holds a single class", () => {
    const c = fixtureCase("only one class present in y_true");
    expectMatches(run(c), c.expected, 1e-9);
  });

  it("log_loss clips and renormalises exact 0/1 and near-0/1 probabilities like scikit-learn", () => {
    const c = fixtureCase("near-0/1 probabilities, exact 0 and 1, ties");
    expectMatches(run(c), c.expected, 1e-9);
  });

  it("float32 probabilities are clipped with float32 epsilon, matching scikit-learn to 1e-6", () => {
    const c = fixtureCase("float32 probabilities");
    expect(c.dtype).toBe("float32");
    expectMatches(run(c), c.expected, 1e-6);
  });
});

describe("classificationMetrics by hand", () => {
  it("log_loss of a zero probability is -log(eps) of the probabilities' dtype", () => {
    // Row [0, 1, 0] clips to [eps, 1 - eps, eps], which sums to 1 + eps; true class 0: loss = -log(eps / (1 + eps)).
    const f64 = classificationMetrics([0], Float64Array.of(0, 1, 0)).log_loss;
    const f32 = classificationMetrics([0], Float32Array.of(0, 1, 0)).log_loss;
    expectClose(f64, -Math.log(2 ** -52 / (1 + 2 ** -52)), 1e-12, "float64");
    expectClose(f32, -Math.log(2 ** -23 / (1 + 2 ** -23)), 1e-12, "float32");
  });

  it("a perfect prediction has accuracy and every F1 equal to 1 for the classes present", () => {
    const m = classificationMetrics([0, 1, 2, 2], [0.8, 0.1, 0.1, 0.2, 0.6, 0.2, 0, 0, 1, 0.1, 0.1, 0.8]);
    expect(m.accuracy).toBe(1);
    expect(m.f1_macro).toBe(1);
    expect(m.f1_weighted).toBe(1);
    expect(m.support).toEqual({ "-1": 1, "0": 1, "1": 2 });
    expect(m.confusion).toEqual([[1, 0, 0], [0, 1, 0], [0, 0, 2]]);
  });

  it("empty input returns zero counts, zero F1 and NaN accuracy and log_loss", () => {
    const m = classificationMetrics([], []);
    expect(m.n).toBe(0);
    expect(m.accuracy).toBeNaN();
    expect(m.log_loss).toBeNaN();
    expect(m.f1_macro).toBe(0);
    expect(m.f1_weighted).toBe(0);
    expect(m.precision).toEqual({ "-1": 0, "0": 0, "1": 0 });
    expect(m.confusion).toEqual([[0, 0, 0], [0, 0, 0], [0, 0, 0]]);
  });

  it("rejects probs whose length is not 3 x n, naming both numbers", () => {
    expect(() => classificationMetrics(new Int8Array(11), new Float64Array(30))).toThrow(
      new RangeError("probs has 30 values, expected 3 x 11 = 33"),
    );
  });

  it("rejects a class index outside 0..2, naming the value and its position", () => {
    expect(() => classificationMetrics([0, 1, 3], new Float64Array(9))).toThrow(RangeError);
    expect(() => classificationMetrics([0, 1, 3], new Float64Array(9))).toThrow(/yTrue\[2\] = 3/);
    expect(() => classificationMetrics([-1], new Float64Array(3))).toThrow(/yTrue\[0\] = -1/);
    expect(() => classificationMetrics([0.5], new Float64Array(3))).toThrow(/yTrue\[0\] = 0.5/);
  });
});

describe("argmaxClasses", () => {
  it("breaks ties toward the lowest class index, like numpy's argmax", () => {
    const rows = [0.4, 0.4, 0.2, 0.1, 0.45, 0.45, 1 / 3, 1 / 3, 1 / 3, 0.1, 0.2, 0.7];
    expect(Array.from(argmaxClasses(rows))).toEqual([0, 1, 0, 2]);
  });

  it("reads only n rows when n is given and rejects a length that disagrees", () => {
    expect(Array.from(argmaxClasses([0, 0, 1], 1))).toEqual([2]);
    expect(() => argmaxClasses([0, 0, 1, 0], 1)).toThrow(new RangeError("probs has 4 values, expected 3 x 1 = 3"));
    expect(() => argmaxClasses([0, 0, 1, 0])).toThrow(RangeError);
  });
});
