import { describe, expect, it } from "vitest";
import { predictionDiversity, type RunPredictions } from "../../../core/experiment/diversity.ts";

interface Case {
  name: string;
  runs: { time: number[]; symbol: string[]; probs: number[] }[];
  expected: { n_shared: number; correlation: (number | null)[][]; agreement: (number | null)[][] };
}

// Loaded at runtime (vite handles .json) so the typecheck needs no resolveJsonModule.
const fixtureUrl = new URL("../../fixtures/metrics/diversity.json", import.meta.url).href;
const fixture: { cases: Case[] } = (await import(/* @vite-ignore */ fixtureUrl)).default;

/** The fixture's probabilities are float32 values written as doubles: rebuild the Float32Array a run stores. */
function toRun(r: Case["runs"][number]): RunPredictions {
  return { time: Float64Array.from(r.time), symbol: r.symbol, probs: Float32Array.from(r.probs) };
}

function expectMatrix(actual: (number | null)[][], expected: (number | null)[][], what: string): void {
  expect(actual.length, what).toBe(expected.length);
  expected.forEach((row, a) =>
    row.forEach((want, b) => {
      if (want === null) expect(actual[a][b], `${what}[${a}][${b}]`).toBeNull();
      else expect(Math.abs(actual[a][b]! - want), `${what}[${a}][${b}]: got ${actual[a][b]}, expected ${want}`).toBeLessThanOrEqual(1e-12);
    })
  );
}

describe("predictionDiversity against the numpy reference", () => {
  it("has the fixture cases, including runs over different rows and argmax ties", () => {
    expect(fixture.cases.length).toBeGreaterThanOrEqual(4);
    const uneven = fixture.cases.find((c) => c.name.startsWith("window lengths"))!;
    expect(new Set(uneven.runs.map((r) => r.time.length)).size).toBe(3);
    // 80 bars per symbol; the longest window drops 29 first rows, and that run has two of the three symbols
    expect(uneven.expected.n_shared).toBe(2 * (80 - 29));
    const ties = fixture.cases.find((c) => c.name.startsWith("coarse"))!.runs[0].probs;
    let tied = 0;
    for (let i = 0; i < ties.length; i += 3) {
      const row = ties.slice(i, i + 3), max = Math.max(...row);
      if (row.filter((p) => p === max).length > 1) tied++;
    }
    expect(tied).toBeGreaterThan(0);
  });

  for (const c of fixture.cases) {
    it(`correlation and agreement match: ${c.name}`, () => {
      const d = predictionDiversity(c.runs.map(toRun));
      expect(d.n_shared).toBe(c.expected.n_shared);
      expectMatrix(d.correlation, c.expected.correlation, "correlation");
      expectMatrix(d.agreement, c.expected.agreement, "agreement");
    });
  }
});

describe("predictionDiversity by hand", () => {
  const a: RunPredictions = { time: [0, 1, 2], symbol: ["X", "X", "X"], probs: [0.6, 0.2, 0.2, 0.1, 0.2, 0.7, 0.3, 0.3, 0.4] };

  it("joins on (symbol, time): same times on another symbol are other rows", () => {
    const b: RunPredictions = { time: [1, 2, 0], symbol: ["Y", "X", "X"], probs: [0.1, 0.1, 0.8, 0.2, 0.2, 0.6, 0.5, 0.4, 0.1] };
    const d = predictionDiversity([a, b]);
    // shared: X@0 (a short, b short) and X@2 (a long, b long); signals a: -0.4, 0.1; b: -0.4, 0.4
    expect(d.n_shared).toBe(2);
    expect(d.agreement).toEqual([[1, 1], [1, 1]]);
    expect(d.correlation[0][1]).toBeCloseTo(1, 12);
  });

  it("breaks argmax ties to the lowest class, as argmaxClasses does", () => {
    // tie short/neutral -> short; tie neutral/long -> neutral
    const tie: RunPredictions = { time: [0, 1], symbol: ["X", "X"], probs: [0.4, 0.4, 0.2, 0.2, 0.4, 0.4] };
    const clear: RunPredictions = { time: [0, 1], symbol: ["X", "X"], probs: [0.5, 0.3, 0.2, 0.1, 0.6, 0.3] };
    expect(predictionDiversity([tie, clear]).agreement[0][1]).toBe(1);
  });

  it("gives null correlation for a constant signal or fewer than 2 shared rows, null agreement for none", () => {
    const flat: RunPredictions = { time: [0, 1, 2], symbol: ["X", "X", "X"], probs: [0.1, 0.8, 0.1, 0.1, 0.8, 0.1, 0.1, 0.8, 0.1] };
    expect(predictionDiversity([a, flat]).correlation).toEqual([[1, null], [null, null]]);
    const other: RunPredictions = { time: [5], symbol: ["X"], probs: [0.2, 0.2, 0.6] };
    const none = predictionDiversity([a, other]);
    expect(none.n_shared).toBe(0);
    expect(none.agreement).toEqual([[null, null], [null, null]]);
    expect(none.correlation).toEqual([[null, null], [null, null]]);
  });

  it("rejects a run with two rows of one symbol at one time, or lengths that disagree, naming the run", () => {
    const dup: RunPredictions = { time: [0, 0], symbol: ["X", "X"], probs: [1, 0, 0, 0, 0, 1] };
    expect(() => predictionDiversity([a, dup], ["lstm", "gbdt"])).toThrow(/Predictions of gbdt: symbol X has two rows at time 0 \(rows 0 and 1\)/);
    expect(() => predictionDiversity([{ ...a, probs: [0.2, 0.3] }])).toThrow(/Predictions of run 0: expected 3 x 3 probabilities, got 2 values/);
  });
});
