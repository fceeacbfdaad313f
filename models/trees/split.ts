/**
 * Split finding on gradient histograms. A histogram holds, per feature slot and bin, `channels`
 * sums: the gradients of each output (channels - 1 of them) and then the hessian. Gradient
 * boosting has one output (g, h); a random forest has three (minus the one-hot class, and a count),
 * for which the same gain is the Gini impurity decrease.
 *
 * Gains follow XGBoost: score(G, H) = sum_k T(G_k)^2 / (H + lambda), with T the L1 soft threshold,
 * and a split's gain is score(left) + score(right) - score(parent), compared against `gamma`.
 */
import { MISSING } from "./binning.ts";

/** Bins per feature slot in a histogram: 255 value bins and the missing bin. */
export const HIST_BINS = 256;

/** Regularisation and stopping rules of a split. */
export interface SplitParams {
  /** L2 penalty on leaf weights. */
  lambda: number;
  /** L1 penalty on leaf weights. */
  alpha: number;
  /** Least hessian sum (for a forest: weighted row count) a child may have. */
  minChildWeight: number;
  /** Least gain a split must bring (XGBoost's gamma); never below 1e-6 so rounding noise cannot split. */
  gamma: number;
}

/** The best split of one node found by one engine: go left when bin <= `bin`, missing values go `defaultLeft`. */
export interface Candidate {
  gain: number;
  feature: number;
  bin: number;
  defaultLeft: boolean;
  /** Channel sums of the left child (the right child is the node's totals minus these). */
  left: number[];
}

/** L1 soft threshold. */
function soft(g: number, alpha: number): number {
  return g > alpha ? g - alpha : g < -alpha ? g + alpha : 0;
}

/** score(G, H) of channel sums `s[o .. o+channels)`. */
export function score(s: ArrayLike<number>, o: number, channels: number, p: SplitParams): number {
  const h = s[o + channels - 1] + p.lambda;
  let total = 0;
  for (let k = 0; k < channels - 1; k++) {
    const g = soft(s[o + k], p.alpha);
    total += g * g;
  }
  return total / h;
}

/** Gain of splitting a node with channel sums `parent` into `left` and the rest: score(left) + score(right) - score(parent). */
export function splitGain(parent: ArrayLike<number>, left: ArrayLike<number>, channels: number, p: SplitParams): number {
  const right = Array.from({ length: channels }, (_, c) => parent[c] - left[c]);
  return score(left, 0, channels, p) + score(right, 0, channels, p) - score(parent, 0, channels, p);
}

/** Leaf weight of each output from its channel sums: -T(G_k) / (H + lambda). */
export function leafWeights(sums: ArrayLike<number>, channels: number, p: SplitParams): number[] {
  const h = sums[channels - 1] + p.lambda;
  return Array.from({ length: channels - 1 }, (_, k) => (h > 0 ? -soft(sums[k], p.alpha) / h : 0));
}

/** What `bestSplit` scans: a node's histogram over the engine's feature slots. */
export interface NodeHistogram {
  hist: Float64Array;
  /** Feature index of each slot. */
  features: Int32Array;
  /** Value bins per feature. */
  nBins: Uint8Array;
  channels: number;
  /** Channel sums of the whole node. */
  totals: ArrayLike<number>;
}

/** The best split found so far while scanning a node. */
interface Best {
  gain: number;
  feature: number;
  bin: number;
  defaultLeft: boolean;
  left: number[];
}

/**
 * The highest-gain split over every feature slot and threshold, trying missing values on
 * each side when the node has any; null when no split beats `gamma` with both children at least
 * `minChildWeight`. Ties keep the earlier feature slot and the lower threshold.
 */
export function bestSplit(node: NodeHistogram, p: SplitParams): Candidate | null {
  const { features } = node;
  const best: Best = { gain: Math.max(p.gamma, 1e-6), feature: -1, bin: 0, defaultLeft: false, left: [] };
  const parent = score(node.totals, 0, node.channels, p);
  for (let j = 0; j < features.length; j++) {
    if (node.channels === 2) scanPair(node, j, p, parent, best);
    else scanChannels(node, j, p, parent, best);
  }
  return best.feature < 0 ? null : best;
}

/** One feature's thresholds with one output (g, h): the boosting hot path, in scalars. */
function scanPair(node: NodeHistogram, j: number, p: SplitParams, parent: number, best: Best): void {
  const { hist, features, nBins } = node;
  const f = features[j], base = j * HIST_BINS * 2, miss = base + MISSING * 2;
  const G = node.totals[0], H = node.totals[1], mg = hist[miss], mh = hist[miss + 1];
  const { lambda, alpha, minChildWeight } = p;
  let gl = 0, hl = 0;
  if (mh === 0 && alpha === 0) {
    // No missing value and no L1 penalty, the usual case: one side, soft() the identity. The same arithmetic as below.
    let bestGain = best.gain, bestT = -1, bestL = 0, bestLH = 0;
    for (let t = 0; t < nBins[f] - 1; t++) {
      const hb = hist[base + 2 * t + 1];
      if (hb === 0) continue;
      gl += hist[base + 2 * t];
      hl += hb;
      const rh = H - hl;
      if (rh < minChildWeight) break;
      if (hl < minChildWeight) continue;
      const r = G - gl;
      const gain = (gl * gl) / (hl + lambda) + (r * r) / (rh + lambda) - parent;
      if (gain > bestGain) {
        bestGain = gain;
        bestT = t;
        bestL = gl;
        bestLH = hl;
      }
    }
    if (bestT >= 0) Object.assign(best, { gain: bestGain, feature: f, bin: bestT, defaultLeft: bestLH >= H - bestLH, left: [bestL, bestLH] });
    return;
  }
  for (let t = 0; t < nBins[f] - 1; t++) {
    const hb = hist[base + 2 * t + 1];
    // An empty bin moves no row: its threshold splits like the previous one, already scored.
    if (hb === 0) continue;
    gl += hist[base + 2 * t];
    hl += hb;
    // The right child only loses weight from here on: once too light, it stays too light.
    if (H - hl < minChildWeight) break;
    for (let side = 0; side < (mh > 0 ? 2 : 1); side++) {
      const l = side === 0 ? gl : gl + mg, lh = side === 0 ? hl : hl + mh, r = G - l, rh = H - lh;
      if (lh < minChildWeight || rh < minChildWeight) continue;
      const sl = soft(l, alpha), sr = soft(r, alpha);
      const gain = (sl * sl) / (lh + lambda) + (sr * sr) / (rh + lambda) - parent;
      if (gain > best.gain) Object.assign(best, { gain, feature: f, bin: t, defaultLeft: side === 1 || (mh === 0 && lh >= rh), left: [l, lh] });
    }
  }
}

/** One feature's thresholds with several outputs (a forest's class counts). */
function scanChannels(node: NodeHistogram, j: number, p: SplitParams, parent: number, best: Best): void {
  const { hist, features, nBins, channels: C, totals } = node;
  const f = features[j], base = j * HIST_BINS * C, miss = base + MISSING * C;
  const hasMissing = hist[miss + C - 1] > 0;
  const acc = new Float64Array(C), left = new Float64Array(C), right = new Float64Array(C);
  for (let t = 0; t < nBins[f] - 1; t++) {
    if (hist[base + t * C + C - 1] === 0) continue;
    for (let c = 0; c < C; c++) acc[c] += hist[base + t * C + c];
    for (let side = 0; side < (hasMissing ? 2 : 1); side++) {
      for (let c = 0; c < C; c++) {
        left[c] = side === 0 ? acc[c] : acc[c] + hist[miss + c];
        right[c] = totals[c] - left[c];
      }
      if (left[C - 1] < p.minChildWeight || right[C - 1] < p.minChildWeight) continue;
      const gain = score(left, 0, C, p) + score(right, 0, C, p) - parent;
      if (gain > best.gain) {
        Object.assign(best, { gain, feature: f, bin: t, defaultLeft: side === 1 || (!hasMissing && left[C - 1] >= right[C - 1]), left: Array.from(left) });
      }
    }
  }
}

/** The better of two candidates: higher gain, then the lower feature index (so sharding never changes the answer). */
export function better(a: Candidate | null, b: Candidate | null): Candidate | null {
  if (!a) return b;
  if (!b) return a;
  return b.gain > a.gain || (b.gain === a.gain && b.feature < a.feature) ? b : a;
}
