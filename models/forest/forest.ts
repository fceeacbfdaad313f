import { z } from "zod";
import type { ModelPlugin } from "../../core/model.ts";
import { LIMIT_MESSAGE, limitsTrees, type TreeSettings, treeSettings } from "../trees/config.ts";
import { growTree, sampleFeatures } from "../trees/grow.ts";
import { inputColumns } from "../trees/inputs.ts";
import type { EnsembleMeta } from "../trees/model_json.ts";
import type { Tree } from "../trees/tree.ts";
import { type Learner, type RoundState, TreeModel } from "../trees/tree_model.ts";

/** Random forest settings; a round (an "epoch" to the trainer) adds `trees_per_round` trees. */
export const ForestConfig = z.strictObject({
  ...treeSettings({ max_depth: 12, min_child_weight: 20, subsample: 1, colsample_bytree: 1, colsample_bynode: "sqrt" }),
  trees_per_round: z.number().int().min(1).max(10_000).default(10),
  /** Draw each tree's rows with replacement (`subsample` x rows draws); without, a `subsample` share of rows. */
  bootstrap: z.boolean().default(true),
}).refine(limitsTrees, { message: LIMIT_MESSAGE, path: ["max_depth"] });
/** Random forest settings after defaults. */
export type ForestConfig = z.output<typeof ForestConfig>;

/**
 * Bagging: each tree fits the one-hot classes of a bootstrap sample with three outputs (a histogram
 * channel per class plus the row count), so its gain is the Gini impurity decrease and its leaves
 * hold class shares; the forest's probabilities are the mean of its trees' leaves.
 */
class Bagging implements Learner {
  readonly link = "mean";
  readonly channels = 4;
  readonly treesPerRound: number;
  readonly params;
  private stats = new Float32Array(0);

  constructor(private readonly config: ForestConfig) {
    this.treesPerRound = config.trees_per_round;
    this.params = { lambda: 0, alpha: 0, minChildWeight: config.min_child_weight, gamma: config.gamma };
  }

  async round(state: RoundState): Promise<Tree[]> {
    const { rows, cols, rng, classes, weights } = state, c = this.config;
    if (this.stats.length !== rows * 4) this.stats = new Float32Array(rows * 4);
    const all = Int32Array.from({ length: cols }, (_, f) => f);
    const bynode = c.colsample_bynode === "sqrt" ? Math.sqrt(cols) / cols : c.colsample_bynode;
    const trees: Tree[] = [];
    for (let t = 0; t < this.treesPerRound; t++) {
      const counts = new Float32Array(rows);
      if (c.bootstrap) { for (let k = Math.round(c.subsample * rows); k > 0; k--) counts[rng.int(rows)]++; }
      else for (let i = 0; i < rows; i++) counts[i] = rng.uniform() < c.subsample ? 1 : 0;
      const sample: number[] = [];
      this.stats.fill(0);
      for (let i = 0; i < rows; i++) {
        if (counts[i] === 0) continue;
        const w = counts[i] * weights[i];
        this.stats[i * 4 + classes[i]] = -w;
        this.stats[i * 4 + 3] = w;
        sample.push(i);
      }
      trees.push(
        await growTree(state.engines, { stats: this.stats, sample: Int32Array.from(sample), features: sampleFeatures(all, c.colsample_bytree, rng) }, {
          maxDepth: c.max_depth,
          maxLeaves: c.num_leaves,
          leafwise: c.growth === "leafwise",
          colsampleBynode: bynode,
          params: this.params,
          channels: 4,
          shrinkage: 1,
          output: 0,
          edges: state.edges,
          rng,
        }),
      );
    }
    return trees;
  }
}

const meta = (config: TreeSettings & { trees_per_round: number }, shape: { seqLen: number; nFeatures: number }): Omit<EnsembleMeta, "cols"> => ({
  kind: "forest",
  link: "mean",
  input: config.input,
  seqLen: shape.seqLen,
  nFeatures: shape.nFeatures,
  treesPerRound: config.trees_per_round,
});

/** A random forest on the same binning, histograms and tree growth as the boosted trees. */
export const forest = {
  name: "forest",
  family: "trees",
  description: "Random forest: bootstrap samples, per-split feature sampling, Gini splits on histograms; probabilities are the mean of leaf class shares.",
  input: "row",
  wantsGpu: false,
  defaultSeqLen: 1,
  configSchema: ForestConfig,
  // a round adds trees_per_round trees from all rows at once: the trainer's epochs are rounds, and it has no batches
  trainerSettings: { unused: ["batch_size"], epoch: "round" },
  /** Where `mf tune` searches by default; a tune config may narrow or replace it. */
  searchSpace: {
    "params.max_depth": { type: "int", low: 4, high: 16 },
    "params.min_child_weight": { type: "float", low: 1, high: 100, log: true },
    "params.trees_per_round": { type: "int", low: 5, high: 20, step: 5 },
    "params.subsample": { type: "float", low: 0.5, high: 1 },
    "params.colsample_bynode": { type: "categorical", choices: ["sqrt", 0.3, 0.5] },
    "params.bootstrap": { type: "categorical", choices: [true, false] },
  },
  create(config, shape, context) {
    const m = meta(config, shape);
    return new TreeModel({ ...m, cols: inputColumns(config.input, shape.seqLen, shape.nFeatures) }, config, new Bagging(config), context);
  },
  async load(files, config, shape) {
    return TreeModel.load(files, meta(config, shape));
  },
} satisfies ModelPlugin<typeof ForestConfig>;
