import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createRng } from "../../../core/random.ts";
import { MISSING } from "../../../models/trees/binning.ts";
import { CpuHistogram } from "../../../models/trees/histogram.ts";
import { BinnedScores } from "../../../models/trees/kernels/binned_scores.ts";
import { TreeKernels } from "../../../models/trees/kernels/kernels.ts";
import { HIST_BINS } from "../../../models/trees/split.ts";
import type { Tree } from "../../../models/trees/tree.ts";
import { assemble, WASM_SOURCES } from "../../../scripts/wasm_assemble.ts";

const root = new URL("../../../", import.meta.url);

/** rows x cols random bins, a tenth of them missing. */
function randomBins(rows: number, cols: number, seed: number): Uint8Array {
  const rng = createRng(seed), bins = new Uint8Array(rows * cols);
  for (let i = 0; i < bins.length; i++) bins[i] = rng.uniform() < 0.1 ? MISSING : rng.int(40);
  return bins;
}

/** A tree of `depth` full levels on random features and bins, every leaf with its own values. */
function randomTree(depth: number, cols: number, nOut: number, output: number, seed: number): Tree {
  const rng = createRng(seed), n = 2 ** (depth + 1) - 1, inner = 2 ** depth - 1;
  const ints = (f: (j: number) => number) => Int32Array.from({ length: n }, (_, j) => f(j));
  return {
    output,
    nOut,
    feature: ints((j) => (j < inner ? rng.int(cols) : -1)),
    bin: Uint8Array.from({ length: n }, () => rng.int(40)),
    threshold: new Float32Array(n),
    defaultLeft: Uint8Array.from({ length: n }, () => rng.int(2)),
    left: ints((j) => (j < inner ? 2 * j + 1 : -1)),
    right: ints((j) => (j < inner ? 2 * j + 2 : -1)),
    value: Float64Array.from({ length: n * nOut }, () => rng.normal()),
    gain: new Float64Array(n),
  };
}

/** The reference walk: each row down the tree in JavaScript, adding its leaf's values; returns each row's leaf. */
function scoreReference(tree: Tree, bins: Uint8Array, rows: number, scores: Float64Array): Int32Array {
  const leaves = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    let node = 0;
    for (let f = tree.feature[0]; f >= 0; f = tree.feature[node]) {
      const b = bins[f * rows + i];
      node = (b === MISSING ? tree.defaultLeft[node] === 1 : b <= tree.bin[node]) ? tree.left[node] : tree.right[node];
    }
    for (let o = 0; o < tree.nOut; o++) scores[i * 3 + tree.output + o] += tree.value[node * tree.nOut + o];
    leaves[i] = node;
  }
  return leaves;
}

describe("the trees' WebAssembly kernels", () => {
  it("are the committed binary of their .wat source (npm run wasm regenerates it)", async () => {
    for (const source of WASM_SOURCES) {
      const { path, module } = await assemble(source, readFileSync(new URL(source.wat, root), "utf8"));
      expect(readFileSync(new URL(path, root), "utf8"), `${path} is stale: run npm run wasm`).toBe(module);
    }
  });

  it("build each feature's histogram as a row-order float64 sum, for 2 and 4 channels, any number of features", () => {
    const rows = 301, cols = 7, bins = randomBins(rows, cols, 1), rng = createRng(2);
    for (const channels of [2, 4]) {
      const stats = Float32Array.from({ length: rows * channels }, () => rng.normal());
      const order = Int32Array.from({ length: rows }, (_, i) => i).filter(() => rng.uniform() < 0.6);
      for (const features of [Int32Array.of(0, 1, 2, 3, 4, 5, 6), Int32Array.of(6, 2, 5), Int32Array.of()]) {
        for (const [start, end] of [[0, order.length], [5, 5], [3, 40]]) {
          const expected = new Float64Array(cols * HIST_BINS * channels);
          features.forEach((f, j) => {
            for (let k = start; k < end; k++) {
              const i = order[k], o = (j * HIST_BINS + bins[f * rows + i]) * channels;
              for (let c = 0; c < channels; c++) expected[o + c] += stats[i * channels + c];
            }
          });
          const builder = new CpuHistogram({ bins, rows, cols, nBins: new Uint8Array(cols).fill(40), channels });
          builder.setTree(stats);
          const hist = new Float64Array(expected.length);
          builder.build([{ order, start, end, features, hist }]);
          expect(hist).toEqual(expected);
        }
      }
    }
  });

  it("partition a node's rows stably, missing bins by the default direction", () => {
    const rows = 500, bins = randomBins(rows, 1, 3), kernels = new TreeKernels();
    const at = { bins: kernels.alloc(rows, "bins"), rows: kernels.alloc(rows * 4, "rows"), scratch: kernels.alloc(rows * 4, "scratch") };
    kernels.u8(at.bins, rows).set(bins);
    for (const [bin, defaultLeft] of [[17, 1], [17, 0], [0, 0], [254, 1]]) {
      const order = Int32Array.from({ length: rows }, (_, i) => i).filter((i) => i % 3 !== 0);
      const goesLeft = (i: number) => (bins[i] === MISSING ? defaultLeft === 1 : bins[i] <= bin);
      const expected = [...order.filter(goesLeft), ...order.filter((i) => !goesLeft(i))];
      kernels.i32(at.rows, order.length).set(order);
      const left = kernels.run.partition(at.rows, order.length, at.bins, bin, defaultLeft, at.scratch);
      expect(left).toBe(order.filter(goesLeft).length);
      expect(Array.from(kernels.i32(at.rows, order.length))).toEqual(expected);
    }
  });

  it("score every row and find its leaf as the JavaScript walk does, as the memory grows for larger trees", () => {
    const rows = 257, cols = 5, bins = randomBins(rows, cols, 4);
    const scores = new BinnedScores(bins, rows, cols), expected = new Float64Array(rows * 3);
    const trees = [randomTree(1, cols, 1, 2, 5), randomTree(3, cols, 1, 0, 6), randomTree(12, cols, 3, 0, 7), randomTree(0, cols, 1, 1, 8)];
    for (const tree of trees) {
      scores.add(tree);
      const leaves = scoreReference(tree, bins, rows, expected);
      expect(scores.scores).toEqual(expected);
      expect(scores.leaves(tree)).toEqual(leaves);
    }
  });
});
