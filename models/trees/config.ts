import { z } from "zod";
import { MAX_BINS } from "./binning.ts";

/** Defaults that differ between the boosted trees and the forest. */
export interface TreeDefaults {
  max_depth: number;
  min_child_weight: number;
  subsample: number;
  colsample_bytree: number;
  colsample_bynode: number | "sqrt";
}

const share = z.number().gt(0).max(1);

/** The settings every tree model has (zod shape), with the model's own defaults. */
export function treeSettings(d: TreeDefaults) {
  return {
    /** What a window becomes: its last row, the flattened window, or per-feature summaries (see inputs.ts). */
    input: z.enum(["last", "flat", "summary"]).default("last"),
    /** Deepest level of a tree (root 0); 0 is unlimited (leaf-wise growth with num_leaves only). */
    max_depth: z.number().int().min(0).max(64).default(d.max_depth),
    /** `depthwise` splits a whole level at a time (XGBoost); `leafwise` splits the best leaf first (LightGBM). */
    growth: z.enum(["depthwise", "leafwise"]).default("depthwise"),
    /** Most leaves per tree; 0 is unlimited. */
    num_leaves: z.number().int().min(0).max(1_048_576).default(0),
    /** Least hessian sum in a child (for a forest: weighted rows). */
    min_child_weight: z.number().min(0).default(d.min_child_weight),
    /** Least gain a split must bring. */
    gamma: z.number().min(0).default(0),
    /** Share of rows each tree sees. */
    subsample: share.default(d.subsample),
    /** Share of features each tree may use. */
    colsample_bytree: share.default(d.colsample_bytree),
    /** Share of the tree's features each split may use; "sqrt" is sqrt(features)/features. */
    colsample_bynode: z.union([share, z.literal("sqrt")]).default(d.colsample_bynode),
    /** Value bins per feature (quantiles of the training data); missing values get one more. */
    max_bins: z.number().int().min(2).max(MAX_BINS).default(MAX_BINS),
    /** Sample weight per class (short, neutral, long), or "balanced" (inverse frequency); none by default. */
    class_weight: z.union([z.literal("balanced"), z.tuple([z.number().positive(), z.number().positive(), z.number().positive()])]).optional(),
    /** Where histograms are built: "auto" uses WebGPU when the tfjs backend is webgpu, else the CPU (with workers when the platform has them). */
    histogram: z.enum(["auto", "cpu", "webgpu"]).default("auto"),
  };
}

/** A depth or leaf limit must hold every tree. */
export function limitsTrees(c: { max_depth: number; num_leaves: number }): boolean {
  return c.max_depth > 0 || c.num_leaves > 0;
}

/** The message when neither limit is set. */
export const LIMIT_MESSAGE = "set max_depth or num_leaves: with both 0 a tree grows until no split is left";

/** The settings a tree model reads, after defaults. */
export type TreeSettings = z.output<z.ZodObject<ReturnType<typeof treeSettings>>>;
