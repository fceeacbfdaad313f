import type { Tree } from "../tree.ts";
import { TreeKernels } from "./kernels.ts";

/** int32 fields per node in the kernels' tree layout (tree_kernels.wat, `leaf`): feature, bin, default left, the addresses of left, right and values, index, unused. */
const NODE_FIELDS = 8;

/**
 * A fit's running scores (rows x 3 summed leaf values) over a fixed set of binned rows, updated in WebAssembly: the
 * `score` kernel walks each row down a tree. The bins are kept row-major here (a row's bins share a cache line, where
 * the engines' column-major layout would cost a cache miss per level). The memory grows when a tree has more nodes
 * than any before it, so `scores` is a fresh view to take again after each `add`.
 */
export class BinnedScores {
  private readonly kernels = new TreeKernels();
  private readonly at: { bins: number; scores: number; nodes: number; values: number; leaves: number };
  private capacity = 0;

  /** Copies `bins` (rows x cols, column-major); the scores start at 0. */
  constructor(bins: Uint8Array, readonly rows: number, private readonly cols: number) {
    if (bins.length !== rows * cols) throw new RangeError(`BinnedScores got ${bins.length} bins, expected ${rows} x ${cols}`);
    const k = this.kernels;
    this.at = {
      bins: k.alloc(bins.length, `${rows} rows of bins`),
      scores: k.alloc(rows * 3 * 8, `the scores of ${rows} rows`),
      leaves: 0,
      nodes: 0,
      values: 0,
    };
    const rowMajor = k.u8(this.at.bins, bins.length);
    for (let f = 0; f < cols; f++) {
      for (let i = 0, src = f * rows; i < rows; i++) rowMajor[i * cols + f] = bins[src + i];
    }
  }

  /** rows x 3 summed leaf values; valid until the next `add` or `leaves`. */
  get scores(): Float64Array {
    return this.kernels.f64(this.at.scores, this.rows * 3);
  }

  /** Adds the tree's leaf values to every row's scores. */
  add(tree: Tree): void {
    this.upload(tree);
    const { bins, nodes, scores } = this.at;
    this.kernels.run.score(bins, this.rows, this.cols, nodes, tree.nOut, tree.output, scores);
  }

  /** The leaf (node index) each row reaches in the tree; a new array. */
  leaves(tree: Tree): Int32Array {
    this.upload(tree);
    if (this.at.leaves === 0) this.at.leaves = this.kernels.alloc(this.rows * 4, "each row's leaf");
    this.kernels.run.leaves(this.at.bins, this.rows, this.cols, this.at.nodes, this.at.leaves);
    return this.kernels.i32(this.at.leaves, this.rows).slice();
  }

  /** Writes the tree into the kernels' node layout. */
  private upload(tree: Tree): void {
    const n = tree.feature.length, k = this.kernels;
    if (n > this.capacity) {
      // The old region is left behind: trees grow to their limit within the first rounds, so this happens a few times.
      this.capacity = Math.max(n, this.capacity * 2);
      this.at.nodes = k.alloc(this.capacity * NODE_FIELDS * 4, "a tree's nodes");
      this.at.values = k.alloc(this.capacity * 3 * 8, "a tree's leaf values");
    }
    const nodes = k.i32(this.at.nodes, n * NODE_FIELDS), address = (node: number) => this.at.nodes + node * NODE_FIELDS * 4;
    for (let j = 0; j < n; j++) {
      const o = j * NODE_FIELDS, leaf = tree.feature[j] < 0;
      nodes[o] = tree.feature[j];
      nodes[o + 1] = tree.bin[j];
      nodes[o + 2] = tree.defaultLeft[j];
      nodes[o + 3] = leaf ? 0 : address(tree.left[j]);
      nodes[o + 4] = leaf ? 0 : address(tree.right[j]);
      nodes[o + 5] = this.at.values + j * tree.nOut * 8;
      nodes[o + 6] = j;
    }
    k.f64(this.at.values, tree.value.length).set(tree.value);
  }
}
