import { z } from "zod";
import type { ModelPlugin } from "../../core/model.ts";
import { LIMIT_MESSAGE, limitsTrees, type TreeSettings, treeSettings } from "../trees/config.ts";
import { growTree, sampleFeatures } from "../trees/grow.ts";
import { inputColumns } from "../trees/inputs.ts";
import type { EnsembleMeta } from "../trees/model_json.ts";
import type { Tree } from "../trees/tree.ts";
import { type Learner, type RoundState, TreeModel } from "../trees/tree_model.ts";
import { softmaxGradients } from "./softmax.ts";

/** Histogram gradient boosting settings (XGBoost's names and meanings). */
export const GbdtConfig = z.strictObject({
  ...treeSettings({ max_depth: 6, min_child_weight: 1, subsample: 0.8, colsample_bytree: 0.8, colsample_bynode: 1 }),
  /** Shrinkage of every tree's leaves (eta). */
  learning_rate: z.number().gt(0).max(1).default(0.1),
  /** L2 penalty on leaf weights. */
  lambda: z.number().min(0).default(1),
  /** L1 penalty on leaf weights. */
  alpha: z.number().min(0).default(0),
}).refine(limitsTrees, { message: LIMIT_MESSAGE, path: ["max_depth"] });
/** Gradient boosting settings after defaults. */
export type GbdtConfig = z.output<typeof GbdtConfig>;

/** Boosting: each round fits one tree per class to the softmax gradients of the scores so far. */
class Boosting implements Learner {
  readonly link = "softmax";
  readonly channels = 2;
  readonly treesPerRound = 3;
  readonly params;
  private stats: Float32Array[] = [];

  constructor(private readonly config: GbdtConfig) {
    this.params = { lambda: config.lambda, alpha: config.alpha, minChildWeight: config.min_child_weight, gamma: config.gamma };
  }

  async round(state: RoundState): Promise<Tree[]> {
    const { rows, cols, rng } = state, c = this.config;
    if (this.stats[0]?.length !== rows * 2) this.stats = [0, 1, 2].map(() => new Float32Array(rows * 2));
    softmaxGradients(state.scores, state.classes, state.weights, this.stats);
    const all = Int32Array.from({ length: cols }, (_, f) => f);
    const bynode = c.colsample_bynode === "sqrt" ? Math.sqrt(cols) / cols : c.colsample_bynode;
    const trees: Tree[] = [];
    for (let k = 0; k < 3; k++) {
      const sample = c.subsample < 1 ? bernoulliRows(rows, c.subsample, rng) : Int32Array.from({ length: rows }, (_, i) => i);
      trees.push(
        await growTree(state.engines, { stats: this.stats[k], sample, features: sampleFeatures(all, c.colsample_bytree, rng) }, {
          maxDepth: c.max_depth,
          maxLeaves: c.num_leaves,
          leafwise: c.growth === "leafwise",
          colsampleBynode: bynode,
          params: this.params,
          channels: 2,
          shrinkage: c.learning_rate,
          output: k,
          edges: state.edges,
          rng,
        }),
      );
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
  description: "Histogram gradient-boosted trees (softmax, one tree per class per round), XGBoost-style; Web Worker or WebGPU histograms.",
  input: "row",
  wantsGpu: false,
  defaultSeqLen: 1,
  configSchema: GbdtConfig,
  /** Where `mf tune` searches by default; a tune config may narrow or replace it. */
  searchSpace: {
    "params.max_depth": { type: "int", low: 3, high: 10 },
    "params.growth": { type: "categorical", choices: ["depthwise", "leafwise"] },
    "params.num_leaves": { type: "int", low: 15, high: 127, when: { param: "params.growth", in: ["leafwise"] } },
    "params.learning_rate": { type: "float", low: 0.01, high: 0.3, log: true },
    "params.min_child_weight": { type: "float", low: 0.1, high: 20, log: true },
    "params.subsample": { type: "float", low: 0.5, high: 1 },
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
