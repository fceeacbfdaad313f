/**
 * The saved form of a tree ensemble: one readable `trees.json` with the settings prediction needs,
 * feature importance, and one tree per line (parallel arrays per node).
 */
import type { ModelFiles } from "../../core/model.ts";
import type { TreeInput } from "./inputs.ts";
import { type Tree, treeFromJson, type TreeJson, treeToJson } from "./tree.ts";

/** The file a tree model saves. */
export const TREES_FILE = "trees.json";
const FORMAT = "model-factory/trees@1";

/** How leaf values become probabilities: softmax of summed margins (boosting) or the mean of leaf class shares (forest). */
export type Link = "softmax" | "mean";

/** What prediction needs besides the trees. */
export interface EnsembleMeta {
  kind: "gbdt" | "forest";
  link: Link;
  input: TreeInput;
  seqLen: number;
  /** Frame features per row. */
  nFeatures: number;
  /** Columns the trees split on (see inputs.ts). */
  cols: number;
  treesPerRound: number;
}

/** `trees.json` text: one key per line, one tree per line. */
export function ensembleToJson(meta: EnsembleMeta, bestIteration: number, importance: { gain: number[]; count: number[] }, trees: readonly Tree[]): string {
  const head = {
    format: FORMAT,
    kind: meta.kind,
    link: meta.link,
    input: meta.input,
    seq_len: meta.seqLen,
    features: meta.nFeatures,
    columns: meta.cols,
    trees_per_round: meta.treesPerRound,
    rounds: trees.length / meta.treesPerRound,
    best_iteration: bestIteration,
    importance_gain: importance.gain,
    importance_split_count: importance.count,
  };
  const lines = Object.entries(head).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)},`);
  return `{\n${lines.join("\n")}\n  "trees": [\n${trees.map((t) => `    ${JSON.stringify(treeToJson(t))}`).join(",\n")}\n  ]\n}\n`;
}

/** Trees and settings from `trees.json`, checked against what the run expects. */
export function ensembleFromJson(files: ModelFiles, expected: EnsembleMeta): { meta: EnsembleMeta; trees: Tree[]; bestIteration: number } {
  const bytes = files[TREES_FILE];
  if (!bytes) throw new TypeError(`Cannot load a ${expected.kind} model: no ${TREES_FILE} among its files (${Object.keys(files).join(", ") || "none"})`);
  let json: Record<string, unknown> & { trees?: TreeJson[] };
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new TypeError(`Cannot load ${TREES_FILE}: not valid JSON (${(error as Error).message})`);
  }
  const saved = {
    format: json.format,
    kind: json.kind,
    link: json.link,
    input: json.input,
    seq_len: json.seq_len,
    features: json.features,
    columns: json.columns,
    trees_per_round: json.trees_per_round,
  };
  const want = {
    format: FORMAT,
    kind: expected.kind,
    link: expected.link,
    input: expected.input,
    seq_len: expected.seqLen,
    features: expected.nFeatures,
    columns: expected.cols,
    trees_per_round: expected.treesPerRound,
  };
  for (const [key, value] of Object.entries(want)) {
    if (saved[key as keyof typeof saved] !== value) {
      throw new TypeError(
        `Cannot load ${TREES_FILE}: "${key}" is ${JSON.stringify(saved[key as keyof typeof saved])}, the run expects ${JSON.stringify(value)}`,
      );
    }
  }
  if (!Array.isArray(json.trees)) throw new TypeError(`Cannot load ${TREES_FILE}: "trees" is not a list`);
  const trees = json.trees.map((t, k) => treeFromJson(t, expected.cols, `${TREES_FILE} tree ${k}`));
  return { meta: expected, trees, bestIteration: Number(json.best_iteration ?? -1) };
}
