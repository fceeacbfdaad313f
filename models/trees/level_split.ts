/**
 * The shared split of one level of an oblivious (symmetric) tree, as CatBoost grows them: every
 * node of the level splits on the same feature and threshold, chosen to maximise the summed gain
 * of the level's nodes. A node whose children would fall below `minChildWeight` for a threshold
 * adds no gain for it (it still splits, so the tree stays symmetric); the level splits only when
 * the summed gain beats `gamma`. Missing values go one way for the whole level.
 */
import { MISSING } from "./binning.ts";
import { HIST_BINS, type NodeHistogram, score, type SplitParams } from "./split.ts";

/** The level's split and, per node in the order given, the channel sums of its left child. */
export interface LevelSplit {
  /** Summed gain over the level's nodes. */
  gain: number;
  feature: number;
  bin: number;
  defaultLeft: boolean;
  lefts: number[][];
}

/**
 * The best shared split of a level; every node must have the same feature slots. Ties keep the
 * earlier feature slot, the lower threshold, and missing values on the right; with no missing
 * value in the level, they go to the heavier side (as a single node's split sends them).
 * @example bestLevelSplit([rootHistogram], params) // the root's split, as one level
 */
export function bestLevelSplit(level: readonly NodeHistogram[], p: SplitParams): LevelSplit | null {
  if (level.length === 0) return null;
  const { features, channels: C } = level[0];
  if (level.some((n) => n.features.length !== features.length)) throw new RangeError("bestLevelSplit: the nodes of a level must share their feature slots");
  if (C !== 2) throw new RangeError(`bestLevelSplit: oblivious trees are a boosting option, with one output (2 channels), not ${C}`);
  // gains[(slot * HIST_BINS + t) * 2 + side]: side 1 sends missing values left.
  const gains = new Float64Array(features.length * HIST_BINS * 2);
  const missingSeen = new Uint8Array(features.length);
  for (const node of level) {
    const parent = score(node.totals, 0, C, p);
    for (let j = 0; j < features.length; j++) if (addPairGains(node, j, parent, p, gains)) missingSeen[j] = 1;
  }
  let best = -1, bestGain = Math.max(p.gamma, 1e-6);
  for (let k = 0; k < gains.length; k++) {
    if (gains[k] > bestGain) [best, bestGain] = [k, gains[k]];
  }
  if (best < 0) return null;
  const j = Math.floor(best / (HIST_BINS * 2)), bin = Math.floor(best / 2) % HIST_BINS, side = best % 2;
  const lefts = level.map(({ hist }) => {
    const base = j * HIST_BINS * C, sums = new Array<number>(C).fill(0);
    for (let t = 0; t <= bin; t++) for (let c = 0; c < C; c++) sums[c] += hist[base + t * C + c];
    if (side === 1) { for (let c = 0; c < C; c++) sums[c] += hist[base + MISSING * C + c]; }
    return sums;
  });
  let defaultLeft = side === 1;
  if (!missingSeen[j]) {
    let lh = 0, rh = 0;
    level.forEach((node, k) => {
      lh += lefts[k][C - 1];
      rh += node.totals[C - 1] - lefts[k][C - 1];
    });
    defaultLeft = lh >= rh;
  }
  return { gain: bestGain, feature: features[j], bin, defaultLeft, lefts };
}

/**
 * One node's gains for one feature slot, added to `gains`: for every threshold t and side, score(left) + score(right) -
 * score(node), or 0 when a child would be lighter than `minChildWeight`.
 * A bin without rows (no hessian) moves nothing, so the previous threshold's gains are added again without recomputing
 * them; deep levels have few rows per node and mostly such bins. Returns whether the node has missing values there.
 */
function addPairGains(node: NodeHistogram, j: number, parent: number, p: SplitParams, gains: Float64Array): boolean {
  const { hist, nBins, features, totals } = node;
  const base = j * HIST_BINS * 2, miss = base + MISSING * 2, out = j * HIST_BINS * 2;
  const G = totals[0], H = totals[1], mg = hist[miss], mh = hist[miss + 1], hasMissing = mh > 0;
  const { lambda, alpha, minChildWeight } = p;
  const gain = (l: number, lh: number) => {
    const r = G - l, rh = H - lh;
    if (lh < minChildWeight || rh < minChildWeight) return 0;
    const sl = l > alpha ? l - alpha : l < -alpha ? l + alpha : 0, sr = r > alpha ? r - alpha : r < -alpha ? r + alpha : 0;
    return (sl * sl) / (lh + lambda) + (sr * sr) / (rh + lambda) - parent;
  };
  let gl = 0, hl = 0, g0 = 0, g1 = 0;
  for (let t = 0; t < nBins[features[j]] - 1; t++) {
    const hb = hist[base + 2 * t + 1];
    if (hb !== 0 || t === 0) {
      gl += hist[base + 2 * t];
      hl += hb;
      g0 = gain(gl, hl);
      g1 = hasMissing ? gain(gl + mg, hl + mh) : g0;
    }
    gains[out + 2 * t] += g0;
    gains[out + 2 * t + 1] += g1;
  }
  return hasMissing;
}
