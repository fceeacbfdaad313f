/**
 * A histogram engine grows the histograms of one tree for a share of its features: it keeps the
 * row partition (each node's rows contiguous in one index array, never copied), builds the smaller
 * child's histogram and gets its sibling by subtraction from the parent, and answers each node with
 * its best split over its features. The tree grower runs one engine in the calling thread and one
 * per Web Worker (models/trees/worker.ts), each with different features, and keeps the best answer.
 */
import { type BinnedColumns, type BuildJob, CpuHistogram, type HistogramBuilder, kernelBins } from "./histogram.ts";
import type { TreeKernels } from "./kernels/kernels.ts";
import { bestLevelSplit } from "./level_split.ts";
import { bestSplit, type Candidate, HIST_BINS, type NodeHistogram, type SplitParams } from "./split.ts";

/** Histograms kept at once for subtraction; beyond this a split builds both children (same result either way in every engine). */
const KEPT_HISTOGRAMS = 64;

/** What an engine is made from: the binned training data and the split rules. */
export interface EngineData extends BinnedColumns {
  params: SplitParams;
}

/** The start of one tree. */
export interface TreeStart {
  /** rows x channels statistics (gradients then hessian), for every training row. */
  stats: Float32Array;
  /** Rows in the tree (ascending); other rows have no say. */
  sample: Int32Array;
  /** This engine's share of the tree's features, ascending. */
  features: Int32Array;
  /** Channel sums over the sample. */
  totals: number[];
  /** Deepest level a node may sit at (the root is 0); 0 means unlimited. */
  maxDepth: number;
  /** Features the root may split on (per-node column sampling); all when absent. */
  allowed?: Uint8Array;
  /**
   * An oblivious tree: the nodes of each level share one split (level_split.ts), so every child of
   * a `split` call answers with the level's split (its `gain` the level's summed gain) or all are null.
   */
  symmetric?: boolean;
}

/** A split the grower decided on, and what the engine needs to evaluate the two children. */
export interface SplitOrder {
  node: number;
  feature: number;
  bin: number;
  defaultLeft: boolean;
  left: number;
  right: number;
  leftTotals: number[];
  rightTotals: number[];
  /** Depth of the children. */
  depth: number;
  /** The tree stops growing after this split (its leaf limit is reached): the children need no histograms. */
  last?: boolean;
  leftAllowed?: Uint8Array;
  rightAllowed?: Uint8Array;
}

/** The two calls the tree grower makes of an engine, in this thread or in a worker. */
export interface Engine {
  begin(tree: TreeStart): Promise<Candidate | null>;
  /** Applies splits in order and returns the best split of each new child (left, right, left, right...). Nodes in `release` will never split. */
  split(orders: SplitOrder[], release: number[]): Promise<(Candidate | null)[]>;
}

/** An engine in the current thread. */
export class HistEngine implements Engine {
  /** The tree's rows, each node's contiguous, in the kernels' memory (as are the bins and `scratch`: byte offsets below). */
  private readonly order: Int32Array;
  private readonly kernels: TreeKernels;
  private readonly at: { bins: number; order: number; scratch: number };
  /** The data's shape and split rules; its bins are in the kernels' memory only. */
  private readonly data: Omit<EngineData, "bins">;
  private readonly builder: HistogramBuilder;
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private readonly kept = new Map<number, Float64Array>();
  private pool: Float64Array[] = [];
  private tree?: TreeStart;

  /** Copies the bins into the engine's kernel memory (the caller may drop `data.bins`); histograms from `builder`, else the CPU's. */
  constructor(data: EngineData, builder?: HistogramBuilder) {
    const { bins, rows, cols } = data;
    if (bins.length !== rows * cols) throw new RangeError(`Engine data holds ${bins.length} bins, expected ${rows} x ${cols}`);
    const place = kernelBins(data);
    this.kernels = place.kernels;
    this.builder = builder ?? new CpuHistogram(data, place);
    this.at = { bins: place.bins, order: this.kernels.alloc(rows * 4, "the tree's rows"), scratch: this.kernels.alloc(rows * 4, "a split's rows") };
    // The view last: an allocation may grow the memory and detach earlier ones.
    this.order = this.kernels.i32(this.at.order, rows);
    const { bins: _, ...shape } = data;
    this.data = shape;
  }

  async begin(tree: TreeStart): Promise<Candidate | null> {
    for (const h of this.kept.values()) this.pool.push(h);
    this.kept.clear();
    if (this.pool[0]?.length !== this.size(tree.features)) this.pool = [];
    this.tree = tree;
    this.order.set(tree.sample);
    [this.starts[0], this.ends[0]] = [0, tree.sample.length];
    if (tree.features.length === 0) return null;
    await this.builder.setTree(tree.stats);
    const features = this.nodeFeatures(tree.allowed);
    const hist = this.take(features);
    await this.builder.build([{ order: this.order, start: 0, end: tree.sample.length, features, hist }]);
    if (tree.symmetric) return this.answerLevel([{ node: 0, depth: 0, hist, totals: tree.totals, features }])[0];
    return this.answer(0, 0, hist, tree.totals, features);
  }

  async split(orders: SplitOrder[], release: number[]): Promise<(Candidate | null)[]> {
    const tree = this.tree;
    if (!tree) throw new Error("HistEngine.split called before begin");
    for (const node of release) this.drop(node);
    // Partition every node first, then build all histograms in one call (one GPU submission per level).
    const jobs: BuildJob[] = [];
    const plans = orders.map((o) => {
      const parent = this.kept.get(o.node);
      this.kept.delete(o.node);
      if (o.last || tree.features.length === 0 || (tree.maxDepth > 0 && o.depth >= tree.maxDepth)) {
        if (parent) this.pool.push(parent);
        return undefined;
      }
      const mid = this.partition(o);
      [this.starts[o.left], this.ends[o.left], this.starts[o.right], this.ends[o.right]] = [this.starts[o.node], mid, mid, this.ends[o.node]];
      const job = (id: number, features: Int32Array) => ({
        order: this.order,
        start: this.starts[id],
        end: this.ends[id],
        features,
        hist: this.take(features, false),
      });
      const left = job(o.left, this.nodeFeatures(o.leftAllowed)), right = job(o.right, this.nodeFeatures(o.rightAllowed));
      const subtract = parent !== undefined && left.features === tree.features && right.features === tree.features;
      // With the parent's histogram, build only the smaller child; the larger is the parent minus it.
      const smallLeft = left.end - left.start <= right.end - right.start;
      const built = !subtract ? [left, right] : smallLeft ? [left] : [right];
      // Only built histograms need zeros: a subtracted one is overwritten whole.
      for (const b of built) b.hist.fill(0, 0, this.size(b.features));
      jobs.push(...built);
      return { o, parent, left, right, subtract, smallLeft };
    });
    await this.builder.build(jobs);
    const children = plans.map((plan) => {
      if (!plan) return undefined;
      const { o, parent, left, right } = plan;
      if (plan.subtract) {
        const [small, large] = plan.smallLeft ? [left.hist, right.hist] : [right.hist, left.hist];
        for (let k = 0; k < parent!.length; k++) large[k] = parent![k] - small[k];
      }
      if (parent) this.pool.push(parent);
      return [
        { node: o.left, depth: o.depth, hist: left.hist, totals: o.leftTotals, features: left.features },
        { node: o.right, depth: o.depth, hist: right.hist, totals: o.rightTotals, features: right.features },
      ];
    });
    if (tree.symmetric) {
      // One level: every split node's children, all at the same depth.
      const answers = this.answerLevel(children.flatMap((pair) => pair ?? []));
      let k = 0;
      return children.flatMap((pair) => (pair ? [answers[k++], answers[k++]] : [null, null]));
    }
    return children.flatMap((pair) => pair ? pair.map((c) => this.answer(c.node, c.depth, c.hist, c.totals, c.features)) : [null, null]);
  }

  /** The shared split of a level's nodes, as each node's candidate (left sums its own); keeps or frees their histograms as `answer` does. */
  private answerLevel(nodes: { node: number; depth: number; hist: Float64Array; totals: number[]; features: Int32Array }[]): (Candidate | null)[] {
    const level = bestLevelSplit(
      nodes.map((n): NodeHistogram => ({ hist: n.hist, features: n.features, nBins: this.data.nBins, channels: this.data.channels, totals: n.totals })),
      this.data.params,
    );
    for (const n of nodes) this.keep(n.node, n.depth, n.hist, n.features);
    if (!level) return nodes.map(() => null);
    const { gain, feature, bin, defaultLeft } = level;
    return level.lefts.map((left) => ({ gain, feature, bin, defaultLeft, left }));
  }

  /** Best split of a node; keeps its histogram when its children will need one for subtraction, else frees it. */
  private answer(node: number, depth: number, hist: Float64Array, totals: number[], features: Int32Array): Candidate | null {
    const candidate = bestSplit({ hist, features, nBins: this.data.nBins, channels: this.data.channels, totals }, this.data.params);
    this.keep(node, depth, hist, features);
    return candidate;
  }

  /** Keeps a node's histogram when its children will need one for subtraction, else frees it. */
  private keep(node: number, depth: number, hist: Float64Array, features: Int32Array): void {
    const tree = this.tree!;
    const childrenNeedIt = this.builder.subtracts && features === tree.features && (tree.maxDepth === 0 || depth + 2 <= tree.maxDepth);
    if (childrenNeedIt && this.kept.size < KEPT_HISTOGRAMS) this.kept.set(node, hist);
    else this.pool.push(hist);
  }

  /** The engine's features a node may split on: all of its share, or those a per-node sample allows. */
  private nodeFeatures(allowed?: Uint8Array): Int32Array {
    const all = this.tree!.features;
    return allowed ? all.filter((f) => allowed[f] === 1) : all;
  }

  /** Stable partition of the node's rows: left child first, then right; returns where the right child starts. */
  private partition(o: SplitOrder): number {
    const start = this.starts[o.node], end = this.ends[o.node], { bins, order, scratch } = this.at;
    const col = bins + o.feature * this.data.rows;
    return start + this.kernels.run.partition(order + start * 4, end - start, col, o.bin, o.defaultLeft ? 1 : 0, scratch);
  }

  private size(features: Int32Array): number {
    return features.length * HIST_BINS * this.data.channels;
  }

  /** A histogram (zeroed for these features unless `zero` is false); every one is sized for the whole share, so freed ones always fit. */
  private take(features: Int32Array, zero = true): Float64Array {
    const h = this.pool.pop() ?? new Float64Array(this.size(this.tree!.features));
    return zero ? h.fill(0, 0, this.size(features)) : h;
  }

  private drop(node: number): void {
    const h = this.kept.get(node);
    if (h) this.pool.push(h);
    this.kept.delete(node);
  }
}
