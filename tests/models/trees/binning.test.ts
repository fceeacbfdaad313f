import { describe, expect, it } from "vitest";
import { applyBins, fitBins, MISSING } from "../../../models/trees/binning.ts";

const column = (values: number[], maxBins = 255) => {
  const x = Float32Array.from(values);
  const mapper = fitBins(x, { rows: x.length, cols: 1, maxBins });
  return { edges: [...mapper.edges[0]], nBins: mapper.nBins[0], bins: [...applyBins(mapper, x, x.length)] };
};

describe("fitBins / applyBins", () => {
  it("gives every distinct value its own bin when there are few", () => {
    const { edges, nBins, bins } = column([3, 1, 2, 2, 5]);
    expect(edges).toEqual([1, 2, 3]);
    expect(nBins).toBe(4);
    expect(bins).toEqual([2, 0, 1, 1, 3]);
  });

  it("places quantile edges at evenly spaced ranks", () => {
    const values = Array.from({ length: 1000 }, (_, i) => i);
    const { edges, bins } = column(values, 4);
    expect(edges).toEqual([249, 499, 749]);
    const counts = [0, 0, 0, 0];
    for (const b of bins) counts[b]++;
    expect(counts).toEqual([250, 250, 250, 250]);
  });

  it("never splits a tie across two bins", () => {
    const values = [...Array(60).fill(7), ...Array.from({ length: 40 }, (_, i) => 10 + i)];
    const { edges, bins } = column(values, 4);
    expect(new Set(bins.slice(0, 60)).size).toBe(1);
    expect(edges[0]).toBe(7);
    expect(new Set(edges).size).toBe(edges.length);
  });

  it("gives a constant feature one bin, so it can never split", () => {
    const { edges, nBins, bins } = column([4, 4, 4, 4]);
    expect(edges).toEqual([]);
    expect(nBins).toBe(1);
    expect(bins).toEqual([0, 0, 0, 0]);
  });

  it("sends NaN to the missing bin and ignores it when fitting edges", () => {
    const { edges, bins } = column([NaN, 1, NaN, 2, 3]);
    expect(edges).toEqual([1, 2]);
    expect(bins).toEqual([MISSING, 0, MISSING, 1, 2]);
    expect(column([NaN, NaN]).nBins).toBe(1);
  });

  it("bins so that bin(x) <= t exactly when x <= edges[t], for unseen values too", () => {
    const train = Float32Array.from({ length: 500 }, (_, i) => Math.sin(i) * 10);
    const mapper = fitBins(train, { rows: 500, cols: 1, maxBins: 16 });
    const probe = Float32Array.from([-Infinity, -11, ...mapper.edges[0], 0.123, 11, Infinity]);
    const bins = applyBins(mapper, probe, probe.length);
    const e = mapper.edges[0];
    probe.forEach((x, i) => {
      for (let t = 0; t < e.length; t++) expect(bins[i] <= t).toBe(x <= e[t]);
    });
  });

  it("lays the bins out column-major and checks shapes and max_bins", () => {
    const x = Float32Array.from([1, 10, 2, 20, 3, 30]); // 3 rows x 2 cols, row-major
    const mapper = fitBins(x, { rows: 3, cols: 2, maxBins: 255 });
    expect([...applyBins(mapper, x, 3)]).toEqual([0, 1, 2, 0, 1, 2]);
    expect(() => fitBins(x, { rows: 4, cols: 2, maxBins: 255 })).toThrow(/Cannot bin 6 values as 4 x 2/);
    expect(() => fitBins(x, { rows: 3, cols: 2, maxBins: 256 })).toThrow(/max_bins must be an integer in \[2, 255\]/);
    expect(() => applyBins(mapper, new Float32Array(5), 3)).toThrow(/fitted on 2 columns/);
  });
});
