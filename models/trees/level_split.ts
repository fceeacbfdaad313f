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
  const { features, nBins, channels: C } = level[0];
  if (level.some((n) => n.features.length !== features.length)) throw new RangeError("bestLevelSplit: the nodes of a level must share their feature slots");
  // gains[(slot * HIST_BINS + t) * 2 + side]: side 1 sends missing values left.
  const gains = new Float64Array(features.length * HIST_BINS * 2);
  const missingSeen = new Uint8Array(features.length);
  const acc = new Float64Array(C), left = new Float64Array(C), right = new Float64Array(C);
  for (const node of level) {
    const { hist, totals } = node;
    const parent = score(totals, 0, C, p);
    for (let j = 0; j < features.length; j++) {
      const base = j * HIST_BINS * C, miss = base + MISSING * C;
      const hasMissing = hist[miss + C - 1] > 0;
      if (hasMissing) missingSeen[j] = 1;
      acc.fill(0);
      for (let t = 0; t < nBins[features[j]] - 1; t++) {
        for (let c = 0; c < C; c++) acc[c] += hist[base + t * C + c];
        for (let side = 0; side < 2; side++) {
          for (let c = 0; c < C; c++) {
            left[c] = side === 1 && hasMissing ? acc[c] + hist[miss + c] : acc[c];
            right[c] = totals[c] - left[c];
          }
          if (left[C - 1] < p.minChildWeight || right[C - 1] < p.minChildWeight) continue;
          gains[(j * HIST_BINS + t) * 2 + side] += score(left, 0, C, p) + score(right, 0, C, p) - parent;
        }
      }
    }
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
