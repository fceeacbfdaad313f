import { describe, expect, it } from "vitest";
import { createRng } from "../../../core/random.ts";
import { applyBins, fitBins, MISSING } from "../../../models/trees/binning.ts";
import { HistEngine } from "../../../models/trees/engine.ts";
import { growTree } from "../../../models/trees/grow.ts";
import { CpuHistogram } from "../../../models/trees/histogram.ts";
import { bestSplit, type Candidate, HIST_BINS, leafWeights, type SplitParams } from "../../../models/trees/split.ts";

const params: SplitParams = { lambda: 1, alpha: 0.05, minChildWeight: 0.5, gamma: 0 };

/** Tiny data: 4 features (feature 1 partly missing, feature 3 constant), per-row statistics with `channels`. */
function tiny(seed: number, channels: number, rows = 80) {
  const rng = createRng(seed), cols = 4;
  const x = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    x[i * cols] = Math.round(rng.normal() * 3);
    x[i * cols + 1] = rng.uniform() < 0.2 ? NaN : rng.normal();
    x[i * cols + 2] = rng.uniform() * 10;
    x[i * cols + 3] = 5;
  }
  const mapper = fitBins(x, { rows, cols, maxBins: 8 });
  const stats = new Float32Array(rows * channels);
  for (let i = 0; i < rows; i++) {
    for (let c = 0; c < channels - 1; c++) stats[i * channels + c] = rng.normal() + (x[i * cols + 2] > 5 ? 0.8 : 0);
    stats[i * channels + channels - 1] = 0.2 + rng.uniform();
  }
  return { rows, cols, mapper, bins: applyBins(mapper, x, rows), stats, channels };
}

/** Gain computed straight from rows, with no histogram: the reference. */
function bruteForce(d: ReturnType<typeof tiny>, rows: number[]): Candidate | null {
  const C = d.channels;
  const sum = (rs: number[]) => Array.from({ length: C }, (_, c) => rs.reduce((s, i) => s + d.stats[i * C + c], 0));
  const score = (s: number[]) => s.slice(0, -1).reduce((t, g) => t + Math.max(Math.abs(g) - params.alpha, 0) ** 2, 0) / (s[C - 1] + params.lambda);
  const parent = score(sum(rows));
  let best: Candidate | null = null;
  for (let f = 0; f < d.cols; f++) {
    for (let t = 0; t < d.mapper.nBins[f] - 1; t++) {
      for (const missingLeft of [false, true]) {
        const bin = (i: number) => d.bins[f * d.rows + i];
        if (missingLeft && !rows.some((i) => bin(i) === MISSING)) continue;
        const left = rows.filter((i) => (bin(i) === MISSING ? missingLeft : bin(i) <= t));
        const right = rows.filter((i) => !left.includes(i));
        const [l, r] = [sum(left), sum(right)];
        if (l[C - 1] < params.minChildWeight || r[C - 1] < params.minChildWeight) continue;
        const gain = score(l) + score(r) - parent;
        if (gain > Math.max(params.gamma, 1e-6) && (!best || gain > best.gain + 1e-9)) best = { gain, feature: f, bin: t, defaultLeft: missingLeft, left: l };
      }
    }
  }
  return best;
}

function histogramOf(d: ReturnType<typeof tiny>, rows: Int32Array) {
  const features = Int32Array.from({ length: d.cols }, (_, f) => f);
  const hist = new Float64Array(d.cols * HIST_BINS * d.channels);
  const builder = new CpuHistogram({ bins: d.bins, rows: d.rows, cols: d.cols, nBins: d.mapper.nBins, channels: d.channels });
  builder.setTree(d.stats);
  builder.build([{ order: rows, start: 0, end: rows.length, features, hist }]);
  return { hist, features };
}

describe("bestSplit", () => {
  for (const channels of [2, 4]) {
    it(`finds the brute-force best split on tiny data (${channels - 1} output${channels > 2 ? "s" : ""}, missing values, a constant feature)`, () => {
      for (let seed = 1; seed <= 20; seed++) {
        const d = tiny(seed, channels);
        const rows = Int32Array.from({ length: d.rows }, (_, i) => i).filter((i) => i % 7 !== 3);
        const { hist, features } = histogramOf(d, rows);
        const totals = Array.from({ length: channels }, (_, c) => rows.reduce((s, i) => s + d.stats[i * channels + c], 0));
        const got = bestSplit({ hist, features, nBins: d.mapper.nBins, channels, totals }, params);
        const want = bruteForce(d, [...rows]);
        expect(got === null, `seed ${seed}`).toBe(want === null);
        if (!got || !want) continue;
        expect([got.feature, got.bin], `seed ${seed}`).toEqual([want.feature, want.bin]);
        expect(got.gain).toBeCloseTo(want.gain, 9);
        if (d.bins.subarray(got.feature * d.rows, (got.feature + 1) * d.rows).some((b, i) => b === MISSING && rows.includes(i))) {
          expect(got.defaultLeft).toBe(want.defaultLeft);
        }
        got.left.forEach((v, c) => expect(v).toBeCloseTo(want.left[c], 9));
        expect(got.feature).not.toBe(3);
      }
    });
  }

  it("refuses splits below gamma or leaving a child lighter than min_child_weight", () => {
    const d = tiny(5, 2);
    const rows = Int32Array.from({ length: d.rows }, (_, i) => i);
    const { hist, features } = histogramOf(d, rows);
    const totals = [0, 1].map((c) => rows.reduce((s, i) => s + d.stats[i * 2 + c], 0));
    const node = { hist, features, nBins: d.mapper.nBins, channels: 2, totals };
    const best = bestSplit(node, params)!;
    expect(bestSplit(node, { ...params, gamma: best.gain + 1e-3 })).toBeNull();
    expect(bestSplit(node, { ...params, minChildWeight: totals[1] })).toBeNull();
  });

  it("weights leaves -T(G)/(H + lambda)", () => {
    expect(leafWeights([3, 1], 2, { ...params, alpha: 0 })).toEqual([-1.5]);
    expect(leafWeights([-3, 0.5, 1], 3, { ...params, lambda: 0, alpha: 1 })).toEqual([2, -0]);
  });
});

describe("growTree", () => {
  const grow = (engines: number, d: ReturnType<typeof tiny>, extra = {}) => {
    const data = { bins: d.bins, rows: d.rows, cols: d.cols, nBins: d.mapper.nBins, channels: d.channels, params };
    const rng = createRng(1);
    return growTree(Array.from({ length: engines }, () => new HistEngine(data)), {
      stats: d.stats,
      sample: Int32Array.from({ length: d.rows }, (_, i) => i),
      features: Int32Array.of(0, 1, 2, 3),
    }, {
      maxDepth: 3,
      maxLeaves: 0,
      leafwise: false,
      colsampleBynode: 1,
      params,
      channels: d.channels,
      shrinkage: 0.5,
      output: 0,
      edges: d.mapper.edges,
      rng,
      ...extra,
    });
  };

  it("grows the tree a brute-force recursion grows (partition and histogram subtraction are exact)", async () => {
    const d = tiny(9, 2, 200);
    const tree = await grow(1, d);
    // Walk the tree level by level, checking each split against brute force on the node's own rows.
    const queue: [number, number[], number][] = [[0, Array.from({ length: d.rows }, (_, i) => i), 0]];
    let leaves = 0;
    while (queue.length) {
      const [node, rows, depth] = queue.shift()!;
      const want = depth < 3 ? bruteForce(d, rows) : null;
      if (tree.feature[node] < 0) {
        expect(want, `node ${node}`).toBeNull();
        const g = rows.reduce((s, i) => s + d.stats[i * 2], 0), h = rows.reduce((s, i) => s + d.stats[i * 2 + 1], 0);
        expect(tree.value[node]).toBeCloseTo(0.5 * leafWeights([g, h], 2, params)[0], 9);
        leaves++;
        continue;
      }
      expect([tree.feature[node], tree.bin[node]], `node ${node}`).toEqual([want!.feature, want!.bin]);
      expect(tree.threshold[node]).toBe(d.mapper.edges[tree.feature[node]][tree.bin[node]]);
      const f = tree.feature[node], b = (i: number) => d.bins[f * d.rows + i];
      const goesLeft = (i: number) => (b(i) === MISSING ? tree.defaultLeft[node] === 1 : b(i) <= tree.bin[node]);
      queue.push([tree.left[node], rows.filter(goesLeft), depth + 1], [tree.right[node], rows.filter((i) => !goesLeft(i)), depth + 1]);
    }
    expect(leaves).toBeGreaterThan(4);
  });

  it("grows the same tree whatever the number of engines sharing the features", async () => {
    for (const channels of [2, 4]) {
      const d = tiny(4, channels, 300);
      const [one, three] = [await grow(1, d), await grow(3, d)];
      expect(three).toEqual(one);
      const sampled = { colsampleBynode: 0.5 };
      expect(await grow(2, d, sampled)).toEqual(await grow(1, d, sampled));
    }
  });

  it("stops at num_leaves when growing leaf-wise, splitting the best leaf first", async () => {
    const d = tiny(2, 2, 300);
    const tree = await grow(1, d, { leafwise: true, maxLeaves: 5, maxDepth: 0 });
    expect([...tree.feature].filter((f) => f < 0)).toHaveLength(5);
    const depthwise = await grow(1, d, { maxDepth: 1 });
    expect([tree.feature[0], tree.bin[0]]).toEqual([depthwise.feature[0], depthwise.bin[0]]);
  });
});
