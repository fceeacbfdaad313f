import { z } from "zod";
import type { ModelPlugin } from "../../core/model.ts";
import { LIMIT_MESSAGE, limitsTrees, type TreeSettings, treeSettings } from "../trees/config.ts";
import { growTree, sampleFeatures } from "../trees/grow.ts";
import { inputColumns } from "../trees/inputs.ts";
import type { EnsembleMeta } from "../trees/model_json.ts";
import type { Tree } from "../trees/tree.ts";
import { type Learner, type RoundState, TreeModel } from "../trees/tree_model.ts";
import { gossSample } from "./goss.ts";
import { OrderedScores, setLeafValues } from "./ordered.ts";
import { softmaxGradients } from "./softmax.ts";

const share = z.number().gt(0).max(1);

/**
 * Histogram gradient boosting settings (XGBoost's names and meanings), with CatBoost's oblivious trees and
 * ordered boosting and LightGBM's GOSS as options. `subsample` defaults to 0.8, or 1 with GOSS, which picks its own rows.
 */
export const GbdtConfig = z.strictObject({
  ...treeSettings({ max_depth: 6, min_child_weight: 1, subsample: 0.8, colsample_bytree: 0.8, colsample_bynode: 1 }),
  subsample: share.optional(),
  /** Shrinkage of every tree's leaves (eta). */
  learning_rate: z.number().gt(0).max(1).default(0.1),
  /** L2 penalty on leaf weights. */
  lambda: z.number().min(0).default(1),
  /** L1 penalty on leaf weights. */
  alpha: z.number().min(0).default(0),
  /** `oblivious`: CatBoost's symmetric trees, one split per level shared by all its nodes (depth-wise, to max_depth). */
  tree: z.enum(["standard", "oblivious"]).default("standard"),
  /** CatBoost's ordered boosting: trees shaped by gradients of scores that never saw the row's own label (ordered.ts). */
  ordered_boosting: z.boolean().default(false),
  /** Rows per round: `uniform` (each tree keeps a `subsample` share) or LightGBM's `goss` (goss.ts). */
  sampling: z.enum(["uniform", "goss"]).default("uniform"),
  /** GOSS: share of rows kept for their large gradients. */
  top_rate: share.default(0.2),
  /** GOSS: share of rows drawn from the rest (their statistics weighted (1 - top_rate) / other_rate). */
  other_rate: share.default(0.1),
})
  .refine(limitsTrees, { message: LIMIT_MESSAGE, path: ["max_depth"] })
  .refine((c) => c.tree !== "oblivious" || (c.growth === "depthwise" && c.num_leaves === 0), {
    message: 'tree "oblivious" grows whole levels to max_depth: it needs growth "depthwise" and num_leaves 0',
    path: ["tree"],
  })
  .refine((c) => c.sampling !== "goss" || c.subsample === undefined || c.subsample === 1, {
    message: 'sampling "goss" picks its own rows each round: leave subsample out (or 1)',
    path: ["subsample"],
  })
  .refine((c) => c.sampling !== "goss" || c.top_rate + c.other_rate <= 1, { message: "top_rate + other_rate must be at most 1", path: ["other_rate"] })
  .refine((c) => !(c.sampling === "goss" && c.ordered_boosting), {
    message: "ordered_boosting takes uniform sampling: GOSS would rescale the ordered gradients it must leave as they are",
    path: ["ordered_boosting"],
  })
  .transform((c) => ({ ...c, subsample: c.subsample ?? (c.sampling === "goss" ? 1 : 0.8) }));
/** Gradient boosting settings after defaults. */
export type GbdtConfig = z.output<typeof GbdtConfig>;

/** Boosting: each round fits one tree per class to the softmax gradients of the scores so far. */
class Boosting implements Learner {
  readonly link = "softmax";
  readonly channels = 2;
  readonly treesPerRound = 3;
  readonly params;
  private stats: Float32Array[] = [];
  private ordered?: OrderedScores;

  constructor(private readonly config: GbdtConfig) {
    this.params = { lambda: config.lambda, alpha: config.alpha, minChildWeight: config.min_child_weight, gamma: config.gamma };
  }

  async round(state: RoundState): Promise<Tree[]> {
    const { rows, cols, rng } = state, c = this.config;
    if (this.stats[0]?.length !== rows * 2) this.stats = [0, 1, 2].map(() => new Float32Array(rows * 2));
    softmaxGradients(state.scores, state.classes, state.weights, this.stats);
    if (c.ordered_boosting && (state.round === 0 || !this.ordered)) this.ordered = new OrderedScores(rows, rng);
    const shaping = c.ordered_boosting ? this.ordered!.gradients(state.classes, state.weights) : this.stats;
    // LightGBM's GOSS leaves the first 1 / learning_rate rounds whole, while every gradient is still large.
    const goss = c.sampling === "goss" && state.round >= Math.floor(1 / c.learning_rate)
      ? gossSample(this.stats, { topRate: c.top_rate, otherRate: c.other_rate }, rng).rows
      : undefined;
    const all = Int32Array.from({ length: cols }, (_, f) => f);
    const bynode = c.colsample_bynode === "sqrt" ? Math.sqrt(cols) / cols : c.colsample_bynode;
    const trees: Tree[] = [];
    for (let k = 0; k < 3; k++) {
      const sample = goss ?? (c.subsample < 1 ? bernoulliRows(rows, c.subsample, rng) : Int32Array.from({ length: rows }, (_, i) => i));
      const tree = await growTree(state.engines, { stats: shaping[k], sample, features: sampleFeatures(all, c.colsample_bytree, rng) }, {
        maxDepth: c.max_depth,
        maxLeaves: c.num_leaves,
        leafwise: c.growth === "leafwise",
        colsampleBynode: bynode,
        symmetric: c.tree === "oblivious",
        params: this.params,
        channels: 2,
        shrinkage: c.learning_rate,
        output: k,
        edges: state.edges,
        rng,
      });
      if (this.ordered && c.ordered_boosting) {
        const leafOf = state.leaves(tree);
        setLeafValues(tree, leafOf, sample, this.stats[k], this.params, c.learning_rate);
        const inSample = new Uint8Array(rows);
        for (const i of sample) inSample[i] = 1;
        this.ordered.add(tree, leafOf, inSample, this.params, c.learning_rate);
      }
      trees.push(tree);
    }
    return trees;
  }
}

/** Each row kept with probability `share`, ascending. */
export function bernoulliRows(rows: number, share: number, rng: { uniform(): number }): Int32Array {
  const out = new Int32Array(rows);
  let n = 0;
  for (let i = 0; i < rows; i++) if (rng.uniform() < share) out[n++] = i;
  return out.slice(0, n);
}

const meta = (config: TreeSettings, shape: { seqLen: number; nFeatures: number }): Omit<EnsembleMeta, "cols"> => ({
  kind: "gbdt",
  link: "softmax",
  input: config.input,
  seqLen: shape.seqLen,
  nFeatures: shape.nFeatures,
  treesPerRound: 3,
});

/** Histogram gradient-boosted trees with a softmax objective, in TypeScript; the boosting family's member. */
export const gbdt = {
  name: "gbdt",
  family: "trees",
  description:
    "Histogram gradient-boosted trees (softmax, one tree per class per round), XGBoost-style, with CatBoost-style oblivious trees and ordered boosting and LightGBM-style GOSS as options; Web Worker or WebGPU histograms.",
  input: "row",
  wantsGpu: false,
  defaultSeqLen: 1,
  configSchema: GbdtConfig,
  // rounds of trees, grown from all rows at once: the trainer's epochs are rounds, and it has no batches
  trainerSettings: { unused: ["batch_size"], epoch: "boosting round" },
  /** Where `mf tune` searches by default; a tune config may narrow or replace it. */
  searchSpace: {
    "params.tree": { type: "categorical", choices: ["standard", "oblivious"] },
    "params.max_depth": { type: "int", low: 3, high: 10 },
    "params.growth": { type: "categorical", choices: ["depthwise", "leafwise"], when: { param: "params.tree", in: ["standard"] } },
    "params.num_leaves": { type: "int", low: 15, high: 127, when: { param: "params.growth", in: ["leafwise"] } },
    "params.learning_rate": { type: "float", low: 0.01, high: 0.3, log: true },
    "params.min_child_weight": { type: "float", low: 0.1, high: 20, log: true },
    "params.sampling": { type: "categorical", choices: ["uniform", "goss"] },
    "params.subsample": { type: "float", low: 0.5, high: 1, when: { param: "params.sampling", in: ["uniform"] } },
    "params.ordered_boosting": { type: "categorical", choices: [false, true], when: { param: "params.sampling", in: ["uniform"] } },
    "params.top_rate": { type: "float", low: 0.05, high: 0.5, when: { param: "params.sampling", in: ["goss"] } },
    "params.other_rate": { type: "float", low: 0.05, high: 0.5, when: { param: "params.sampling", in: ["goss"] } },
    "params.colsample_bytree": { type: "float", low: 0.5, high: 1 },
    "params.lambda": { type: "float", low: 1e-3, high: 10, log: true },
    "params.alpha": { type: "float", low: 1e-3, high: 1, log: true },
  },
  create(config, shape, context) {
    const m = meta(config, shape);
    return new TreeModel({ ...m, cols: inputColumns(config.input, shape.seqLen, shape.nFeatures) }, config, new Boosting(config), context);
  },
  async load(files, config, shape) {
    return TreeModel.load(files, meta(config, shape));
  },
} satisfies ModelPlugin<typeof GbdtConfig>;
