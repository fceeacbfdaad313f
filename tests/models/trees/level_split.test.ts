import { describe, expect, it } from "vitest";
import { createRng } from "../../../core/random.ts";
import { applyBins, fitBins, MISSING } from "../../../models/trees/binning.ts";
import { HistEngine } from "../../../models/trees/engine.ts";
import { growTree } from "../../../models/trees/grow.ts";
import { bestLevelSplit } from "../../../models/trees/level_split.ts";
import { CpuHistogram } from "../../../models/trees/histogram.ts";
import { HIST_BINS, type SplitParams } from "../../../models/trees/split.ts";
import type { Tree } from "../../../models/trees/tree.ts";

const params: SplitParams = { lambda: 1, alpha: 0, minChildWeight: 2, gamma: 0 };

/** Tiny boosting data: 4 features (feature 1 partly missing), g depending on features 0 and 2, h in [0.2, 1.2). */
function tiny(seed: number, rows = 300) {
  const rng = createRng(seed), cols = 4;
  const x = new Float32Array(rows * cols);
  const stats = new Float32Array(rows * 2);
  for (let i = 0; i < rows; i++) {
    x[i * cols] = rng.normal();
    x[i * cols + 1] = rng.uniform() < 0.25 ? NaN : rng.normal();
    x[i * cols + 2] = rng.uniform() * 10;
    x[i * cols + 3] = Math.round(rng.normal() * 2);
    stats[i * 2] = rng.normal() + (x[i * cols + 2] > 6 ? 1 : 0) - (x[i * cols] > 0.5 ? 0.7 : 0);
    stats[i * 2 + 1] = 0.2 + rng.uniform();
  }
  const mapper = fitBins(x, { rows, cols, maxBins: 12 });
  return { rows, cols, mapper, bins: applyBins(mapper, x, rows), stats };
}
type Data = ReturnType<typeof tiny>;

const score = (g: number, h: number) => (g * g) / (h + params.lambda);
const sums = (d: Data, rows: number[]) => [0, 1].map((c) => rows.reduce((s, i) => s + d.stats[i * 2 + c], 0));

/** The level's best (feature, bin, missing side) by summing each node's brute-force gain; null when none beats 1e-6. */
function bruteLevel(d: Data, level: number[][]) {
  let best: { gain: number; feature: number; bin: number; missingLeft: boolean } | null = null;
  for (let f = 0; f < d.cols; f++) {
    for (let t = 0; t < d.mapper.nBins[f] - 1; t++) {
      for (const missingLeft of [false, true]) {
        let gain = 0;
        for (const rows of level) {
          const bin = (i: number) => d.bins[f * d.rows + i];
          const left = rows.filter((i) => (bin(i) === MISSING ? missingLeft : bin(i) <= t));
          const right = rows.filter((i) => !left.includes(i));
          const [l, r, p] = [sums(d, left), sums(d, right), sums(d, rows)];
          if (l[1] < params.minChildWeight || r[1] < params.minChildWeight) continue;
          gain += score(l[0], l[1]) + score(r[0], r[1]) - score(p[0], p[1]);
        }
        if (gain > 1e-6 && (!best || gain > best.gain + 1e-9)) best = { gain, feature: f, bin: t, missingLeft };
      }
    }
  }
  return best;
}

const grow = (d: Data, engines = 1, extra = {}) =>
  growTree(Array.from({ length: engines }, () => new HistEngine({ bins: d.bins, rows: d.rows, cols: d.cols, nBins: d.mapper.nBins, channels: 2, params })), {
    stats: d.stats,
    sample: Int32Array.from({ length: d.rows }, (_, i) => i),
    features: Int32Array.of(0, 1, 2, 3),
  }, {
    maxDepth: 3,
    maxLeaves: 0,
    leafwise: false,
    colsampleBynode: 1,
    symmetric: true,
    params,
    channels: 2,
    shrinkage: 1,
    output: 0,
    edges: d.mapper.edges,
    rng: createRng(1),
    ...extra,
  });

/** Node ids per depth, walking from the root. */
function levels(tree: Tree): number[][] {
  const out: number[][] = [];
  for (let level = [0]; level.length > 0; level = level.flatMap((n) => (tree.feature[n] >= 0 ? [tree.left[n], tree.right[n]] : []))) out.push(level);
  return out;
}

describe("oblivious trees (bestLevelSplit through growTree)", () => {
  it("splits every node of a level on the one feature and threshold that maximise the level's summed brute-force gain", async () => {
    for (let seed = 1; seed <= 6; seed++) {
      const d = tiny(seed);
      const tree = await grow(d);
      const rowsOf = new Map<number, number[]>([[0, Array.from({ length: d.rows }, (_, i) => i)]]);
      const byDepth = levels(tree);
      expect(byDepth.length, `seed ${seed}`).toBeGreaterThan(1);
      for (const [depth, level] of byDepth.entries()) {
        const want = depth < 3 ? bruteLevel(d, level.map((n) => rowsOf.get(n)!)) : null;
        if (level.every((n) => tree.feature[n] < 0)) {
          expect(want, `seed ${seed} depth ${depth}`).toBeNull();
          continue;
        }
        const [f, bin, dl] = [tree.feature[level[0]], tree.bin[level[0]], tree.defaultLeft[level[0]]];
        for (const n of level) expect([tree.feature[n], tree.bin[n], tree.defaultLeft[n]], `seed ${seed} node ${n}`).toEqual([f, bin, dl]);
        expect([f, bin], `seed ${seed} depth ${depth}`).toEqual([want!.feature, want!.bin]);
        for (const n of level) {
          const goesLeft = (i: number) => (d.bins[f * d.rows + i] === MISSING ? dl === 1 : d.bins[f * d.rows + i] <= bin);
          rowsOf.set(tree.left[n], rowsOf.get(n)!.filter(goesLeft));
          rowsOf.set(tree.right[n], rowsOf.get(n)!.filter((i) => !goesLeft(i)));
          // Importance keeps each node's own gain, not the level's sum.
          const [p, l] = [sums(d, rowsOf.get(n)!), sums(d, rowsOf.get(tree.left[n])!)];
          expect(tree.gain[n]).toBeCloseTo(score(l[0], l[1]) + score(p[0] - l[0], p[1] - l[1]) - score(p[0], p[1]), 9);
        }
      }
    }
  });

  it("is the same tree whatever the number of engines, with a feature sample drawn per level", async () => {
    const d = tiny(3, 400);
    expect(await grow(d, 3)).toEqual(await grow(d, 1));
    const sampled = { colsampleBynode: 0.5, maxDepth: 4 };
    const tree = await grow(d, 2, sampled);
    expect(tree).toEqual(await grow(d, 1, sampled));
    for (const level of levels(tree)) expect(new Set(level.map((n) => tree.feature[n])).size).toBe(1);
  });

  it("refuses leaf-wise growth, a leaf limit or no depth limit", async () => {
    const d = tiny(1);
    await expect(grow(d, 1, { leafwise: true })).rejects.toThrow(/oblivious tree/);
    await expect(grow(d, 1, { maxLeaves: 4 })).rejects.toThrow(/oblivious tree/);
    await expect(grow(d, 1, { maxDepth: 0 })).rejects.toThrow(/oblivious tree/);
  });

  it("sends missing values the learned way for the whole level, or to the heavier side when the level has none", () => {
    const d = tiny(2);
    const hist = new Float64Array(d.cols * HIST_BINS * 2);
    const rows = Int32Array.from({ length: d.rows }, (_, i) => i);
    const builder = new CpuHistogram({ bins: d.bins, rows: d.rows, cols: d.cols, nBins: d.mapper.nBins, channels: 2 });
    builder.setTree(d.stats);
    // Only feature 3 (no missing values) may split.
    builder.build([{ order: rows, start: 0, end: d.rows, features: Int32Array.of(3), hist }]);
    const split = bestLevelSplit([{ hist, features: Int32Array.of(3), nBins: d.mapper.nBins, channels: 2, totals: sums(d, [...rows]) }], params)!;
    expect(split.feature).toBe(3);
    expect(split.defaultLeft).toBe(split.lefts[0][1] >= sums(d, [...rows])[1] - split.lefts[0][1]);
    expect(bestLevelSplit([], params)).toBeNull();
    expect(() => bestLevelSplit([{ hist, features: Int32Array.of(3), nBins: d.mapper.nBins, channels: 4, totals: [0, 0, 0, 1] }], params)).toThrow(
      /one output \(2 channels\), not 4/,
    );
  });
});
