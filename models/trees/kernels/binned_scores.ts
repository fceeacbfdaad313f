import type { Tree } from "../tree.ts";
import { TreeKernels } from "./kernels.ts";

/** int32 fields per node in the kernels' tree layout: feature, bin, default left, left, right. */
const NODE_FIELDS = 5;

/**
 * A fit's running scores (rows x 3 summed leaf values) over a fixed set of binned rows, updated in WebAssembly: the
 * `score` kernel walks each row down a tree. The bins and scores live in the kernels' memory, which grows when a tree
 * has more nodes than any before it, so `bins` and `scores` are fresh views to take again after each `add`.
 */
export class BinnedScores {
  private readonly kernels = new TreeKernels();
  private readonly at: { bins: number; scores: number; nodes: number; values: number };
  private capacity = 0;
  private readonly binsLength: number;

  /** Copies `bins` (rows x cols, column-major); the scores start at 0. */
  constructor(bins: Uint8Array, readonly rows: number) {
    const k = this.kernels;
    this.at = {
      bins: k.alloc(bins.length, `${rows} rows of bins`),
      scores: k.alloc(rows * 3 * 8, `the scores of ${rows} rows`),
      nodes: 0,
      values: 0,
    };
    this.binsLength = bins.length;
    k.u8(this.at.bins, bins.length).set(bins);
  }

  /** The bins, column-major; valid until the next `add`. */
  get bins(): Uint8Array {
    return this.kernels.u8(this.at.bins, this.binsLength);
  }

  /** rows x 3 summed leaf values; valid until the next `add`. */
  get scores(): Float64Array {
    return this.kernels.f64(this.at.scores, this.rows * 3);
  }

  /** Adds the tree's leaf values to every row's scores. */
  add(tree: Tree): void {
    const n = tree.feature.length, k = this.kernels;
    if (n > this.capacity) {
      // The old region is left behind: trees grow to their limit within the first rounds, so this happens a few times.
      this.capacity = Math.max(n, this.capacity * 2);
      this.at.nodes = k.alloc(this.capacity * NODE_FIELDS * 4, "a tree's nodes");
      this.at.values = k.alloc(this.capacity * 3 * 8, "a tree's leaf values");
    }
    const nodes = k.i32(this.at.nodes, n * NODE_FIELDS);
    for (let j = 0; j < n; j++) {
      const o = j * NODE_FIELDS;
      [nodes[o], nodes[o + 1], nodes[o + 2], nodes[o + 3], nodes[o + 4]] = [tree.feature[j], tree.bin[j], tree.defaultLeft[j], tree.left[j], tree.right[j]];
    }
    k.f64(this.at.values, tree.value.length).set(tree.value);
    k.run.score(this.at.bins, this.rows, this.at.nodes, this.at.values, tree.nOut, tree.output, this.at.scores);
  }
}
