import type { Rng } from "../../core/random.ts";
import type { Engine, SplitOrder } from "./engine.ts";
import { better, type Candidate, leafWeights, splitGain, type SplitParams } from "./split.ts";
import type { Tree } from "./tree.ts";

/** How one tree grows. */
export interface GrowOptions {
  /** Deepest level (root 0); 0 is unlimited. */
  maxDepth: number;
  /** Most leaves; 0 is unlimited. */
  maxLeaves: number;
  /** Split the highest-gain leaf first (LightGBM's leaf-wise growth) instead of a whole level at a time. */
  leafwise: boolean;
  /** Share of the tree's features each node may split on (1: all); an oblivious tree draws one share per level. */
  colsampleBynode: number;
  /** An oblivious (symmetric) tree: one split per level, shared by every node of the level; needs depth-wise growth and no leaf limit. */
  symmetric?: boolean;
  params: SplitParams;
  channels: number;
  /** Learning rate: leaf values are scaled by it. */
  shrinkage: number;
  /** Score column of the tree's first output. */
  output: number;
  /** Bin edges per feature, turning a bin threshold into a raw one. */
  edges: readonly Float32Array[];
  rng: Rng;
}

/** The rows, statistics and features of one tree. */
export interface TreeRequest {
  /** rows x channels statistics. */
  stats: Float32Array;
  /** Rows in the tree, ascending; never changed once handed over (workers keep the last one they were sent). */
  sample: Int32Array;
  /** Features the tree may use, ascending. */
  features: Int32Array;
}

interface Node {
  totals: number[];
  depth: number;
  split?: Candidate;
  left?: number;
  right?: number;
}

/**
 * Grows one tree. The features are dealt round-robin to the engines (each builds histograms and
 * finds splits on its share); the best candidate of every node wins, ties going to the lower
 * feature, so the tree is the same whatever the number of engines. Engines are called in list
 * order, so put workers before the engine of this thread and they all work at once.
 */
export async function growTree(engines: readonly Engine[], request: TreeRequest, options: GrowOptions): Promise<Tree> {
  const { stats, sample, features } = request;
  const { channels: C, maxDepth, maxLeaves, leafwise } = options;
  const symmetric = options.symmetric ?? false;
  if (symmetric && (leafwise || maxLeaves > 0 || maxDepth === 0)) {
    throw new RangeError("An oblivious tree grows a whole level at a time to a depth limit: it needs depth-wise growth, maxDepth > 0 and no leaf limit");
  }
  const totals = new Array<number>(C).fill(0);
  for (let k = 0; k < sample.length; k++) for (let c = 0; c < C; c++) totals[c] += stats[sample[k] * C + c];
  const shares = engines.map((_, e) => features.filter((_, j) => j % engines.length === e));
  const allowed = () => nodeFeatures(features, options);
  const nodes: Node[] = [{ totals, depth: 0 }];
  const rootAllowed = allowed();
  const first = await Promise.all(
    engines.map((engine, e) => engine.begin({ stats, sample, features: shares[e], totals, maxDepth, allowed: rootAllowed, symmetric })),
  );
  nodes[0].split = first.reduce(better, null) ?? undefined;
  let pending = nodes[0].split ? [0] : [];
  let release: number[] = [];
  let leaves = 1;
  while (pending.length > 0 && (maxLeaves === 0 || leaves < maxLeaves)) {
    let chosen = leafwise ? [pending.reduce((a, b) => (nodes[b].split!.gain > nodes[a].split!.gain ? b : a))] : pending;
    if (maxLeaves > 0 && chosen.length > maxLeaves - leaves) {
      chosen = [...chosen].sort((a, b) => nodes[b].split!.gain - nodes[a].split!.gain || a - b).slice(0, maxLeaves - leaves).sort((a, b) => a - b);
    }
    const levelAllowed = symmetric ? allowed() : undefined;
    // At the leaf limit after these splits, their children will never split: the engines skip their histograms.
    const last = maxLeaves > 0 && leaves + chosen.length >= maxLeaves;
    const orders: SplitOrder[] = chosen.map((id) => {
      const node = nodes[id], split = node.split!;
      const right = split.left.map((v, c) => node.totals[c] - v);
      node.left = nodes.push({ totals: split.left, depth: node.depth + 1 }) - 1;
      node.right = nodes.push({ totals: right, depth: node.depth + 1 }) - 1;
      return {
        node: id,
        feature: split.feature,
        bin: split.bin,
        defaultLeft: split.defaultLeft,
        left: node.left,
        right: node.right,
        leftTotals: split.left,
        rightTotals: right,
        depth: node.depth + 1,
        last,
        leftAllowed: symmetric ? levelAllowed : allowed(),
        rightAllowed: symmetric ? levelAllowed : allowed(),
      };
    });
    leaves += chosen.length;
    const answers = await Promise.all(engines.map((engine) => engine.split(orders, release)));
    release = [];
    const children: number[] = [];
    orders.forEach((o, k) => {
      for (const [child, slot] of [[o.left, 2 * k], [o.right, 2 * k + 1]]) {
        const split = answers.map((a) => a[slot]).reduce(better, null);
        if (split) {
          nodes[child].split = split;
          children.push(child);
        } else release.push(child);
      }
    });
    pending = leafwise ? [...pending.filter((id) => !chosen.includes(id)), ...children] : children;
  }
  return toTree(nodes, options);
}

/** A random subset of the tree's features for one node, as a mask; undefined when every feature is allowed. */
function nodeFeatures(features: Int32Array, options: GrowOptions): Uint8Array | undefined {
  if (options.colsampleBynode >= 1) return undefined;
  const picked = sampleFeatures(features, options.colsampleBynode, options.rng);
  const mask = new Uint8Array(options.edges.length);
  for (const f of picked) mask[f] = 1;
  return mask;
}

/** max(1, round(share x count)) of the given features, drawn without replacement, ascending. */
export function sampleFeatures(features: ArrayLike<number>, share: number, rng: Rng): Int32Array {
  const pool = Int32Array.from(features);
  const k = Math.max(1, Math.round(share * pool.length));
  if (k >= pool.length) return pool;
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(pool.length - i);
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool.subarray(0, k).sort();
}

/** The grown nodes as flat arrays, leaves valued -T(G)/(H + lambda) x learning rate. */
function toTree(nodes: Node[], options: GrowOptions): Tree {
  const n = nodes.length, nOut = options.channels - 1;
  const tree: Tree = {
    output: options.output,
    nOut,
    feature: new Int32Array(n).fill(-1),
    bin: new Uint8Array(n),
    threshold: new Float32Array(n),
    defaultLeft: new Uint8Array(n),
    left: new Int32Array(n),
    right: new Int32Array(n),
    value: new Float64Array(n * nOut),
    gain: new Float64Array(n),
  };
  nodes.forEach((node, k) => {
    if (node.left !== undefined && node.split) {
      const { feature, bin, defaultLeft } = node.split;
      tree.feature[k] = feature;
      tree.bin[k] = bin;
      tree.threshold[k] = options.edges[feature][bin];
      tree.defaultLeft[k] = defaultLeft ? 1 : 0;
      // A level's candidate carries the level's summed gain; importance wants each node's own.
      tree.gain[k] = options.symmetric ? splitGain(node.totals, node.split.left, options.channels, options.params) : node.split.gain;
      tree.left[k] = node.left;
      tree.right[k] = node.right!;
    } else {
      leafWeights(node.totals, options.channels, options.params).forEach((w, o) => (tree.value[k * nOut + o] = w * options.shrinkage));
    }
  });
  return tree;
}
