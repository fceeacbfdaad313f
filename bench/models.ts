// Model-quality benchmark (issue 3): every model trained by the real trainer on `mf synth` data
// (the same generator, in memory) with its config/models/<name>.json, scored on the test split at
// horizon 5, against the logistic baseline. A name may also be another config of config/models/ (the
// boosting styles catboost_style and lightgbm_style of trees:gbdt), shown as "model (config)".
// Usage: npm run bench:models [-- --rows 12000 --symbols 3 --epochs 6 --backend wasm --models lstm,gru]
// Writes experiments/benchmarks/models.json and models.md.
import { parseArgs } from "node:util";
import { join } from "node:path";
import { RunConfig } from "../core/config/run_config.ts";
import { parseConfig } from "../core/config/parse.ts";
import { type BackendName, TrainerConfig } from "../core/config/trainer.ts";
import { writeParquet } from "../core/data/parquet_write.ts";
import { SYNTH_STRONG_SIGNAL, synthSplits } from "../core/data/synth.ts";
import { MemoryRunStore } from "../core/memory_store.ts";
import type { ByteSource } from "../core/platform.ts";
import { train } from "../core/train/trainer.ts";
import { fullName } from "../core/model.ts";
import { registry } from "../models/index.ts";
import { startBackend } from "../cli/versions.ts";
import { machine } from "./machine.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    rows: { type: "string" },
    symbols: { type: "string" },
    epochs: { type: "string" },
    backend: { type: "string" },
    models: { type: "string" },
    seed: { type: "string" },
  },
});
const rows = Number(values.rows ?? 12_000), symbols = Number(values.symbols ?? 3), epochs = Number(values.epochs ?? 6);
const backend = (values.backend ?? "wasm") as BackendName, seed = Number(values.seed ?? 7);
const models = (values.models ?? "logistic,mlp,lstm,gru,tcn,transformer,nhits,patchtst,wavenet,rwkv,svm,catboost_style,lightgbm_style").split(",");

const tables = synthSplits({ symbols, rows, features: 107, seed, signal: SYNTH_STRONG_SIGNAL });
const bytes = { train: writeParquet(tables.train.columns), val: writeParquet(tables.val.columns), test: writeParquet(tables.test.columns) };
const source = (split: keyof typeof bytes): ByteSource => {
  const b = bytes[split];
  return { name: `${split}.parquet`, byteLength: b.length, slice: (s, e) => b.buffer.slice(b.byteOffset + s, b.byteOffset + (e ?? b.length)) as ArrayBuffer };
};

type Row = {
  model: string;
  seq_len: number;
  test_f1_macro: number;
  test_accuracy: number;
  val_f1_macro: number;
  epochs_run: number;
  best_epoch: number;
  fit_s: number;
  params: unknown;
  /** When the row was measured (rows of models not run this time are kept from models.json). */
  measured?: string;
};
const results: Row[] = [];
/** A model's own config, or a config file of that name (a style of a model) and the model it names. */
const configOf = async (name: string) => {
  const own = registry.list().find((p) => p.name === name || fullName(p) === name);
  const path = join("config", "models", `${own?.name ?? name}.json`);
  const experiment = parseConfig(RunConfig, JSON.parse(await Deno.readTextFile(path)), path);
  return { plugin: own ?? registry.get(experiment.model!), experiment, path, style: own ? undefined : name };
};
for (const name of models) {
  const { plugin, experiment, path, style } = await configOf(name);
  const configured = parseConfig(TrainerConfig, experiment.trainer, path);
  // The linear and tree models train to their config's end (they are cheap; a boosting round is an epoch); the networks get at most --epochs.
  const trainer = plugin.family === "linear" || plugin.family === "trees"
    ? { ...configured, backend }
    : { ...configured, epochs: Math.min(configured.epochs, epochs), patience: Math.min(configured.patience, 3), backend };
  const r = await train({
    plugin,
    params: experiment.params,
    dataset: experiment.dataset,
    trainer,
    sources: { train: source("train"), val: source("val"), test: source("test") },
  }, { store: new MemoryRunStore(), clock: Date, startBackend });
  const row: Row = {
    model: style ? `${r.record.model} (${style})` : r.record.model,
    seq_len: r.record.seq_len,
    test_f1_macro: r.test!.f1_macro,
    test_accuracy: r.test!.accuracy,
    val_f1_macro: r.val.f1_macro,
    epochs_run: r.record.epochs_run ?? 0,
    best_epoch: (r.record.best_epoch ?? 0) + 1,
    fit_s: r.record.timings.fit_s ?? 0,
    params: r.record.config.params,
  };
  results.push(row);
  console.log(
    `${row.model}: test macro-F1 ${row.test_f1_macro.toFixed(3)} (val ${row.val_f1_macro.toFixed(3)}), ${row.epochs_run} epochs in ${
      row.fit_s.toFixed(0)
    } s on ${r.record.backend.name}`,
  );
}

const m = machine();
const date = new Date().toISOString();
await Deno.mkdir(join("experiments", "benchmarks"), { recursive: true });
// A run of some models (--models) keeps the other models' rows of the last models.json, each with the date it was measured,
// when that file measured the same data, epoch cap and backend.
const jsonPath = join("experiments", "benchmarks", "models.json");
const data = { rows, symbols, features: 107, seed, horizon: 5 };
type Previous = { date: string; data: unknown; epochs: number; backend: string; results: Row[] };
const previous = await Deno.readTextFile(jsonPath).then((text) => JSON.parse(text) as Previous, (error) => {
  if (error instanceof Deno.errors.NotFound) return undefined;
  throw error;
});
const comparable = previous && JSON.stringify(previous.data) === JSON.stringify(data) && previous.epochs === epochs && previous.backend === backend;
for (const row of results) row.measured = date;
const merged = (comparable ? previous.results : []).map((old) =>
  results.find((r) => r.model === old.model) ?? { ...old, measured: old.measured ?? previous!.date }
);
results.splice(0, results.length, ...merged, ...results.filter((r) => !merged.includes(r)));
const baseline = results.find((r) => r.model === "linear:logistic")?.test_f1_macro;
await Deno.writeTextFile(
  jsonPath,
  JSON.stringify({ benchmark: "models", date, machine: m, data, epochs, backend, results }, null, 2) + "\n",
);
const md = [
  "# Benchmark: model quality on synthetic data",
  "",
  `Measured ${
    date.slice(0, 10)
  } on ${m.cpu}, ${m.cores} cores, Deno ${m.deno}, tfjs ${backend} backend. Data: \`mf synth --rows ${rows} --symbols ${symbols} --seed ${seed} --signal ${SYNTH_STRONG_SIGNAL}\``,
  `(107 features), horizon 5. Each model is trained by the trainer with its config/models/<name>.json, capped at ${epochs} epochs and patience 3 (the`,
  "linear and tree models run their whole config, the logistic baseline 20 epochs with patience 5); the best validation epoch is restored. Rerun with `npm run bench:models`",
  "(flags: --rows, --symbols, --epochs, --backend, --models, --seed). A run with --models rewrites those rows and keeps the others, with their dates.",
  "",
  "| model | window | test macro-F1 | vs logistic | test accuracy | val macro-F1 | best epoch / run | fit s | measured |",
  "|---|---|---|---|---|---|---|---|---|",
  ...results.map((r) =>
    `| ${r.model} | ${r.seq_len} | ${r.test_f1_macro.toFixed(3)} | ${
      baseline === undefined ? "-" : `${r.test_f1_macro >= baseline ? "+" : ""}${(r.test_f1_macro - baseline).toFixed(3)}`
    } | ${r.test_accuracy.toFixed(3)} | ${r.val_f1_macro.toFixed(3)} | ${r.best_epoch} / ${r.epochs_run} | ${r.fit_s.toFixed(0)} | ${
      r.measured!.slice(0, 10)
    } |`
  ),
  "",
].join("\n");
await Deno.writeTextFile(join("experiments", "benchmarks", "models.md"), md);
console.log(md);
Deno.exit(0);
