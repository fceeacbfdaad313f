/**
 * CatBoost's ordered boosting (Prokhorenkova et al., 2018), with one random permutation drawn at
 * the start of the fit. Beside the model's scores it keeps "ordered" scores: row i's ordered score
 * sums, over the trees so far, the leaf value computed only from the rows before i in the
 * permutation that fell in the same leaf. Each round's trees are shaped by gradients of the
 * ordered scores, which no row's own label has leaked into through the leaf values (the
 * prediction shift of plain boosting); the model's own leaf values are then set the usual way,
 * from the gradients of its scores over all the tree's rows, as CatBoost's final model does.
 */
import type { Rng } from "../../core/random.ts";
import { leafWeights, type SplitParams } from "../trees/split.ts";
import type { Tree } from "../trees/tree.ts";
import { softmaxGradients } from "./softmax.ts";

/** The ordered scores of one fit and the permutation they follow. */
export class OrderedScores {
  /** rows x 3 ordered margins. */
  readonly scores: Float64Array;
  /** Row order: position p holds a row index. */
  readonly permutation: Int32Array;
  /** Per class, rows x 2 (g, h) of the ordered margins; filled by `gradients`. */
  readonly stats: Float32Array[];

  constructor(rows: number, rng: Rng) {
    this.scores = new Float64Array(rows * 3);
    this.permutation = rng.shuffle(Int32Array.from({ length: rows }, (_, i) => i));
    this.stats = [0, 1, 2].map(() => new Float32Array(rows * 2));
  }

  /** The softmax statistics of the ordered margins, for shaping this round's trees. */
  gradients(classes: Int8Array, weights: Float32Array): Float32Array[] {
    softmaxGradients(this.scores, classes, weights, this.stats);
    return this.stats;
  }

  /**
   * Adds a grown tree to the ordered scores of its class: walking the permutation, each row gets
   * the leaf value of the sampled rows before it in its leaf (none: 0), then adds its own ordered
   * statistics to that leaf's running sums.
   */
  add(tree: Tree, leafOf: Int32Array, inSample: Uint8Array, params: SplitParams, shrinkage: number): void {
    const k = tree.output, stats = this.stats[k];
    const g = new Float64Array(tree.feature.length), h = new Float64Array(tree.feature.length);
    const { lambda, alpha } = params;
    for (const i of this.permutation) {
      const leaf = leafOf[i];
      // leafWeights inlined (this runs rows x trees times): -T(G) / (H + lambda), 0 with no weight.
      const gl = g[leaf], hl = h[leaf] + lambda, t = gl > alpha ? gl - alpha : gl < -alpha ? gl + alpha : 0;
      if (hl > 0) this.scores[i * 3 + k] -= (t / hl) * shrinkage;
      if (inSample[i] === 1) {
        g[leaf] += stats[2 * i];
        h[leaf] += stats[2 * i + 1];
      }
    }
  }
}

/** Sets a boosted tree's leaf values from statistics over its sampled rows: -T(G) / (H + lambda) x learning rate. */
export function setLeafValues(tree: Tree, leafOf: Int32Array, sample: Int32Array, stats: Float32Array, params: SplitParams, shrinkage: number): void {
  const g = new Float64Array(tree.feature.length), h = new Float64Array(tree.feature.length);
  for (const i of sample) {
    g[leafOf[i]] += stats[2 * i];
    h[leafOf[i]] += stats[2 * i + 1];
  }
  for (let node = 0; node < tree.feature.length; node++) {
    if (tree.feature[node] < 0) tree.value[node] = leafWeights([g[node], h[node]], 2, params)[0] * shrinkage;
  }
}
