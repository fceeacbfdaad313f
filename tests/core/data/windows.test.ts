import { describe, expect, it } from "vitest";
import { type Frame, NO_LABEL } from "../../../core/data/frame.ts";
import { Windows } from "../../../core/data/windows.ts";

/** A frame whose feature value encodes (symbol, row-in-symbol) so gathered windows can be checked exactly. */
function frame(lengths: number[], labelAt: (symbol: number, t: number) => number = () => 1): Frame {
  const F = 2;
  const rows = lengths.reduce((a, b) => a + b, 0);
  const features = new Float32Array(rows * F), time = new Float64Array(rows), symbol = new Int32Array(rows), label = new Int8Array(rows);
  let r = 0;
  lengths.forEach((n, s) => {
    for (let t = 0; t < n; t++, r++) {
      features[r * F] = s * 1000 + t;
      features[r * F + 1] = -(s * 1000 + t);
      time[r] = t * 60_000;
      symbol[r] = s;
      label[r] = labelAt(s, t);
    }
  });
  return { source: "test.parquet", rows, featureNames: ["a", "b"], features, time, symbols: lengths.map((_, s) => `S${s}`), symbol, label };
}

describe("Windows", () => {
  it("never crosses a symbol boundary: every row of a window belongs to the sample's symbol", () => {
    const w = new Windows(frame([10, 7, 12]), { seqLen: 4, requireLabel: true });
    const rows = w.rowIndices(Int32Array.from({ length: w.size }, (_, k) => k));
    for (let k = 0; k < w.size; k++) {
      const s = w.frame.symbol[w.ends[k]];
      for (let t = 0; t < 4; t++) expect(w.frame.symbol[rows[k * 4 + t]]).toBe(s);
    }
    // per symbol: n - L + 1 samples
    expect(w.size).toBe(7 + 4 + 9);
  });

  it("ends every window at the sample's own row and never includes a later row", () => {
    const w = new Windows(frame([9, 9]), { seqLen: 5, requireLabel: true });
    const x = w.gather(Int32Array.from({ length: w.size }, (_, k) => k));
    for (let k = 0; k < w.size; k++) {
      const end = w.ends[k];
      const last = x[(k * 5 + 4) * 2];
      expect(last).toBe(w.frame.features[end * 2]);
      for (let t = 0; t < 5; t++) {
        const value = x[(k * 5 + t) * 2];
        expect(value).toBeLessThanOrEqual(w.frame.features[end * 2]); // time-ordered, nothing after the end row
        expect(value).toBe(w.frame.features[(end - 4 + t) * 2]);
      }
    }
  });

  it("skips rows with a null label as samples but keeps them as history", () => {
    const f = frame([8], (_, t) => (t === 5 || t === 6 ? NO_LABEL : 0));
    const w = new Windows(f, { seqLen: 3, requireLabel: true });
    expect([...w.ends]).toEqual([2, 3, 4, 7]);
    const x = w.gather([3]); // sample ending at row 7 sees rows 5 and 6 (null labels) as history
    expect([x[0], x[2], x[4]]).toEqual([5, 6, 7]);
  });

  it("lists symbols shorter than the window as skipped and gives them no sample", () => {
    const w = new Windows(frame([3, 10]), { seqLen: 4, requireLabel: true });
    expect(w.skippedSymbols).toEqual(["S0"]);
    expect(new Set([...w.ends].map((r) => w.frame.symbol[r]))).toEqual(new Set([1]));
  });

  it("drops neutral samples when asked, and maps labels -1/0/1 to classes 0/1/2", () => {
    const f = frame([6], (_, t) => [-1, 0, 1, 0, -1, 1][t]);
    expect([...new Windows(f, { seqLen: 1, requireLabel: true }).classes()]).toEqual([0, 1, 2, 1, 0, 2]);
    const w = new Windows(f, { seqLen: 1, requireLabel: true, excludeNeutrals: true });
    expect([...w.ends]).toEqual([0, 2, 4, 5]);
  });

  it("scores unlabelled rows when labels are not required (prediction input)", () => {
    const f = frame([5], () => NO_LABEL);
    expect(new Windows(f, { seqLen: 2, requireLabel: true }).size).toBe(0);
    expect(new Windows(f, { seqLen: 2, requireLabel: false }).size).toBe(4);
  });

  it("gathers a (b, L, F) batch equal to the rows it indexes, without copying the frame", () => {
    const w = new Windows(frame([20]), { seqLen: 6, requireLabel: true });
    const samples = [0, 7, 14];
    const x = w.gather(samples);
    const rows = w.rowIndices(samples);
    expect(x.length).toBe(3 * 6 * 2);
    rows.forEach((row, i) => expect([x[i * 2], x[i * 2 + 1]]).toEqual([w.frame.features[row * 2], w.frame.features[row * 2 + 1]]));
    expect(w.frame.features.buffer).not.toBe(x.buffer);
  });

  it("rejects a window length that is not a positive integer", () => {
    expect(() => new Windows(frame([5]), { seqLen: 0, requireLabel: true })).toThrow(/positive integer/);
  });
});
