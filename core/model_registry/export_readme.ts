import type { Preprocess, RunRecord } from "../train/run_record.ts";
import type { ModelVersion } from "./records.ts";

/** What the README of an exported folder is written from. */
export interface ReadmeFacts {
  record: ModelVersion;
  run: RunRecord;
  preprocess: Preprocess;
  kind: "network" | "trees";
  /** A network's input: `flat` (n, L*F) or `sequence` (n, L, F). */
  input?: string;
  customLayers: string[];
}

/**
 * The README.md of an exported version: what the model is, what it reads, and how to score a file with no
 * Model Factory code (plain tfjs for a network, a short tree walk for trees). The steps are the ones
 * tests/cli/registry_export.test.ts follows to reproduce the toolkit's probabilities.
 */
export function exportReadme(facts: ReadmeFacts): string {
  const { record, run, preprocess } = facts;
  const s = record.signature, L = s.window_length, F = s.features.length;
  const metric = (split: "val" | "test", key: string) => {
    const v = record.lineage.metrics[split]?.[key];
    return v === undefined ? "-" : v.toFixed(4);
  };
  return [
    `# ${record.name} version ${record.version}`,
    "",
    `${run.model} trained in run \`${run.id}\` (seed ${run.seed}, ${run.created_at}), registered ${record.created_at}.`,
    `Horizon ${s.horizon} bars, window ${L} row(s) of ${F} features. Test macro-F1 ${metric("test", "f1_macro")}, Sharpe ${
      metric("test", "sharpe")
    }; validation macro-F1 ${metric("val", "f1_macro")}.`,
    "",
    "## Files",
    "",
    ...(facts.kind === "network"
      ? ["- `model.json`, `weights.bin`: a TensorFlow.js layers model (the standard format: topology and weights manifest, one weights file)."]
      : ["- `trees.json`: the tree ensemble (format below)."]),
    "- `preprocess.json`: features in order, the scaler (`mean`, `std` per feature), window length (`seq_len`), NaN policy, label column.",
    "- `signature.json`: the features in order, horizon, `window_length`, the classes of the outputs in order (-1 short, 0 neutral, 1 long).",
    ...(record.prepare ? ["- `prepare.json`: the recipe that turns raw OHLCV bars into these features (`mf predict --raw`)."] : []),
    "- `registry.json`: the registry's record of this version and the training run's run.json (lineage); `mf registry import` reads it.",
    "",
    "## Input",
    "",
    "A Parquet file (or any table) with `datetime`, `symbol` and the feature columns below, in this order:",
    "",
    "```",
    s.features.join(", "),
    "```",
    "",
    L > 1
      ? `1. Per symbol, order the rows by \`datetime\`. Every row i with ${L - 1} earlier rows of its symbol is a sample; its window is that symbol's rows i-${
        L - 1
      } .. i, oldest first, row i included. Windows never cross symbols.`
      : "1. Every row is a sample; its window is the row itself.",
    `2. Missing values: the NaN policy is \`${preprocess.nan_policy}\` (` +
    (preprocess.nan_policy === "error"
      ? "a NaN or infinite feature is an error"
      : preprocess.nan_policy === "ffill"
      ? "a non-finite value takes the symbol's last finite value of that feature, 0 before its first"
      : "rows with any non-finite feature are dropped before windows are formed") +
    ").",
    preprocess.scaler
      ? "3. Standardise every feature with `preprocess.json`'s scaler, in 32-bit floats as the toolkit does: `z = f32((x - f32(mean[j])) * f32(1 / std[j]))`, where `x` is the value as a 32-bit float and `f32` rounds to 32 bits (`Math.fround`, `np.float32`)."
      : "3. The model was trained on unscaled features: use them as they are (as 32-bit floats).",
    "",
    ...(facts.kind === "network" ? networkSection(facts) : treesSection(facts)),
    "",
    "## Output",
    "",
    "Three probabilities per sample, in the order of `signature.classes`: `prob_short` (-1), `prob_neutral` (0), `prob_long` (1); the prediction is the most probable class. The toolkit's predictions file has the columns `datetime, symbol, horizon, prediction, prob_short, prob_neutral, prob_long`.",
    "",
    "## Lineage",
    "",
    `- run: \`${run.id}\`${record.lineage.experiment ? `, experiment \`${record.lineage.experiment.name}\` cell ${record.lineage.experiment.cell_id}` : ""}`,
    `- data: ${Object.entries(run.dataset.files).map(([split, f]) => `${split} \`${f.name}\` (${f.rows} rows)`).join(", ")}; symbols ${
      run.dataset.symbols.join(", ")
    }`,
    `- toolkit: ${Object.entries(run.versions).map(([k, v]) => `${k} ${v}`).join(", ")}`,
    "",
  ].join("\n");
}

function networkSection(facts: ReadmeFacts): string[] {
  const s = facts.record.signature, L = s.window_length, F = s.features.length;
  const shape = facts.input === "sequence" ? `[n, ${L}, ${F}]` : `[n, ${L * F}]`;
  return [
    "## Scoring with TensorFlow.js",
    "",
    facts.input === "sequence"
      ? `The network reads a tensor of shape ${shape}: per sample its window's rows, oldest first, each row the ${F} standardised features in order.`
      : `The network reads a tensor of shape ${shape}: per sample its window flattened row by row (oldest row first, each row the ${F} standardised features in order).`,
    "It outputs logits (n, 3); the probabilities are their softmax.",
    "",
    ...(facts.customLayers.length
      ? [
        `**This network uses layer classes of Model Factory's own (${
          facts.customLayers.join(", ")
        }), which plain tfjs does not have**: \`tf.loadLayersModel\` fails with "Unknown layer" unless those classes (models/tfjs/layers/ and the model's folder in Model Factory) are registered first with \`tf.serialization.registerClass\`. Score it with Model Factory (\`mf registry import\` this folder, then \`mf predict --model NAME/VERSION\`), or in code that registers those classes. The logistic regression and the MLP use only tfjs layers and load anywhere.`,
        "",
      ]
      : []),
    "```js",
    'import * as tf from "@tensorflow/tfjs";',
    'import { readFile } from "fs/promises";',
    "",
    'const json = JSON.parse(await readFile("model.json", "utf8"));',
    'const weights = await readFile("weights.bin");',
    "const model = await tf.loadLayersModel(tf.io.fromMemory({",
    "  modelTopology: json.modelTopology,",
    "  weightSpecs: json.weightsManifest.flatMap((m) => m.weights),",
    "  weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),",
    "}));",
    '// in a browser, tf.loadLayersModel("https://.../model.json") fetches weights.bin beside it',
    `const x = tf.tensor(windows, ${shape}); // windows: Float32Array of the standardised windows, as above`,
    "const probs = tf.softmax(model.predict(x)); // (n, 3): short, neutral, long",
    "```",
  ];
}

function treesSection(facts: ReadmeFacts): string[] {
  const s = facts.record.signature, F = s.features.length, L = s.window_length;
  return [
    "## The trees and how to score with them",
    "",
    "`trees.json` is one JSON object. The keys that scoring needs:",
    "",
    "| key | meaning |",
    "|---|---|",
    "| `format` | `model-factory/trees@1` |",
    "| `kind` | `gbdt` (boosting) or `forest` (bagging) |",
    "| `link` | how summed leaf values become probabilities: `softmax` or `mean` (below) |",
    "| `input` | what a window becomes: `last`, `flat` or `summary` (below) |",
    "| `seq_len`, `features`, `columns` | window length, features per row, and the length of the row vector the trees split on |",
    "| `trees` | every tree, in order; all of them are summed (the file holds exactly the trees prediction uses) |",
    "",
    `The row vector of a sample (\`columns\` numbers), from its standardised window of ${L} row(s) x ${F} features:`,
    "",
    "- `last`: the window's last row (the row being scored): `columns` = features.",
    "- `flat`: every row of the window, oldest first, each row's features in order: `columns` = seq_len x features.",
    "- `summary`: four blocks of `features` values: the last row; the mean over the window; the population standard deviation, `sqrt(max(mean(x^2) - mean^2, 0))`; the change, last row minus first row. Each is computed in 64-bit floats from the 32-bit values and rounded to 32 bits.",
    "",
    "Each tree holds parallel arrays indexed by node (node 0 is the root): `feature`, `threshold`, `default_left`, `left`, `right`, `gain`, and `value` (`n_out` numbers per node), plus `output` (the first of the three scores its leaves add to) and `n_out`.",
    "",
    "```js",
    "const scores = [0, 0, 0]; // short, neutral, long",
    "for (const t of trees.trees) {",
    "  let node = 0;",
    "  while (t.feature[node] >= 0) {               // -1 marks a leaf",
    "    const v = row[t.feature[node]];",
    "    const goLeft = Number.isNaN(v) ? t.default_left[node] === 1 : v <= t.threshold[node];",
    "    node = goLeft ? t.left[node] : t.right[node];",
    "  }",
    "  for (let o = 0; o < t.n_out; o++) scores[t.output + o] += t.value[node * t.n_out + o];",
    "}",
    '// link "softmax": probs = softmax(scores) (subtract the max before exp)',
    '// link "mean": s = scores[0] + scores[1] + scores[2]; probs = s > 0 ? scores.map((x) => x / s) : [1/3, 1/3, 1/3]',
    "```",
    "",
    "Compare `v <= threshold` with `v` the 32-bit value: thresholds are 32-bit floats, so the comparison is exact.",
  ];
}
