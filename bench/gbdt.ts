// GBDT benchmark (issues 4 and 16): our trees:gbdt in its three styles against LightGBM (and XGBoost `hist` when it is
// installed) on the same split, in the same run.
// Usage: npm run bench:gbdt [-- --data DIR] [--threads 2 | --threads 1,2] [--repeats 3]
//   (DIR: train/val/test.parquet; default experiments/demo-data, made with mf synth when absent)
// Every fit reads the last row of each window (horizon 5) and stops early after 20 rounds without a better validation log
// loss. Ours runs through the trainer with config/models/{gbdt,lightgbm_style,catboost_style}.json (and lightgbm_style
// with uniform sampling, LightGBM's default boosting); LightGBM (pip install --break-system-packages lightgbm) runs
// bench/lightgbm_reference.py with lightgbm_style's settings translated to its names, with GOSS and without; XGBoost
// (python3-xgboost, optional) runs bench/xgboost_reference.py with gbdt.json's. The references read the split exactly as
// our model sees it (scaled by the trainer's scaler, last row per window), exported here as .npy (float32, no rounding
// as CSV would have, and read by numpy alone). The arms alternate within each repeat, so background load on a shared
// machine falls on all alike; fit times are medians over the repeats. The references run with OMP_WAIT_POLICY=PASSIVE (see
// python()). Writes experiments/benchmarks/gbdt.{json,md}.
import { parseArgs } from "node:util";
import { join } from "node:path";
import process from "node:process";
import { DatasetConfig } from "../core/config/dataset.ts";
import { loadSplits } from "../core/data/splits.ts";
import type { Windows } from "../core/data/windows.ts";
import { MemoryRunStore } from "../core/memory_store.ts";
import { LoadedDataset } from "../core/data/dataset.ts";
import { horizonColumns } from "../core/data/splits.ts";
import { fitRun } from "../core/train/fit_run.ts";
import { resolveRun } from "../core/train/resolve.ts";
import { gbdt } from "../models/gbdt/gbdt.ts";
import { synthCommand } from "../cli/commands/synth.ts";
import { openFile } from "../cli/file_source.ts";
import { platformParallelism, startBackend, versions } from "../cli/versions.ts";
import { machine, median, writeResult } from "./machine.ts";

const { values } = parseArgs({ args: Deno.args, options: { data: { type: "string" }, threads: { type: "string" }, repeats: { type: "string" } } });
const dir = values.data ?? join("experiments", "demo-data");
const threadCounts = (values.threads ?? "2").split(",").map(Number), repeats = Number(values.repeats ?? 3);
if (!(await Deno.stat(join(dir, "train.parquet")).then(() => true, () => false))) await synthCommand(["--out", dir]);
const readConfig = async (name: string) => JSON.parse(await Deno.readTextFile(join("config", "models", `${name}.json`)));
const configs = { gbdt: await readConfig("gbdt"), lightgbm_style: await readConfig("lightgbm_style"), catboost_style: await readConfig("catboost_style") };
const sources = async () => ({
  train: await openFile(join(dir, "train.parquet")),
  val: await openFile(join(dir, "val.parquet")),
  test: await openFile(join(dir, "test.parquet")),
});

/** What every arm reports of one fit. */
interface Fit {
  fit_s: number;
  /** CPU seconds of the process (all threads): ours for fitRun (after reading the files), the references for their Datasets and training. */
  cpu_s: number;
  rounds: number;
  best_iteration: number;
  test_f1_macro: number;
  test_accuracy: number;
}

/**
 * One fit of trees:gbdt through the trainer, as `mf train --config` runs it (no checkpoints: the references write none
 * either): the files read first as train() reads them, then fitRun, whose CPU time is measured (the split's scaling and
 * windows, the fit, and scoring val and test: more than the references' Dataset and training).
 */
async function ours(config: keyof typeof configs, threads: number, override: object = {}): Promise<Fit> {
  const files = await sources();
  const { params, dataset, trainer } = configs[config];
  const request = { plugin: gbdt, params: { ...params, ...override }, dataset, trainer: { ...trainer, backend: "cpu", checkpoint: false } };
  const resolved = resolveRun(request).dataset, columns = horizonColumns(resolved.horizon);
  const data = await LoadedDataset.load(files, { ...resolved, labels: [{ label: resolved.label_column ?? columns.label, fwdReturn: columns.fwdReturn }] });
  const before = process.cpuUsage();
  const result = await fitRun(data, { ...request, loadSeconds: 0 }, {
    store: new MemoryRunStore(),
    clock: Date,
    startBackend,
    versions: versions(),
    parallel: { spawn: platformParallelism().spawn, threads },
  });
  const cpu = process.cpuUsage(before);
  Object.values(files).forEach((f) => f.close());
  const { record, test } = result;
  return {
    fit_s: record.timings.fit_s!,
    cpu_s: (cpu.user + cpu.system) / 1e6,
    rounds: record.epochs_run!,
    best_iteration: record.best_epoch!,
    test_f1_macro: test!.f1_macro,
    test_accuracy: test!.accuracy,
  };
}

/** lightgbm_style.json's settings under LightGBM's names (its other settings keep LightGBM's defaults). */
function lightgbmParams(goss: boolean): Record<string, unknown> {
  const p = configs.lightgbm_style.params;
  return {
    num_leaves: p.num_leaves,
    max_depth: p.max_depth > 0 ? p.max_depth : -1,
    learning_rate: p.learning_rate,
    lambda_l2: p.lambda,
    min_sum_hessian_in_leaf: p.min_child_weight,
    feature_fraction: p.colsample_bytree,
    max_bin: p.max_bins,
    ...(goss ? { data_sample_strategy: "goss", top_rate: p.top_rate, other_rate: p.other_rate } : {}),
  };
}

/** A .npy file (format 1.0, little-endian, C order) of a float32 or int32 array. */
function npy(data: Float32Array | Int32Array, shape: number[]): Uint8Array {
  const descr = data instanceof Float32Array ? "<f4" : "<i4";
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(", ")}${shape.length === 1 ? "," : ""}), }`;
  header += " ".repeat((64 - ((10 + header.length + 1) % 64)) % 64) + "\n";
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}

/** The splits exactly as our model sees them (scaled by the trainer's scaler, last row per window), as .npy files. */
async function exportSplits(to: string): Promise<Record<string, number>> {
  const dataset = DatasetConfig.parse(configs.gbdt.dataset);
  const splits = await loadSplits(await sources(), { ...dataset, seq_len: dataset.seq_len ?? 1 });
  const rows = (w: Windows) => w.gather(Int32Array.from({ length: w.size }, (_, k) => k));
  for (const split of ["train", "val", "test"] as const) {
    const w = splits[split];
    await Deno.writeFile(join(to, `${split}_x.npy`), npy(rows(w), [w.size, w.seqLen * w.nFeatures]));
    await Deno.writeFile(join(to, `${split}_y.npy`), npy(Int32Array.from(w.classes()), [w.size]));
  }
  return { train: splits.train.size, val: splits.val.size, test: splits.test.size, features: splits.featureNames.length };
}

/** Runs a reference script and returns its JSON line, or throws with the tail of its stderr. */
async function python(script: string, args: string[], install: string): Promise<Record<string, unknown>> {
  // OpenMP threads that spin while they wait take the cores from the threads they wait for on a machine shared with other
  // work (LightGBM at 2 threads took ~10x the CPU of 1 thread here); passive waiting is the right setting for such a machine.
  const env = { OMP_WAIT_POLICY: "PASSIVE" };
  const out = await new Deno.Command("/usr/bin/python3", { args: [join("bench", script), ...args], env, stdout: "piped", stderr: "piped" }).output()
    .catch((e) => e as Error);
  if (out instanceof Error || !out.success) {
    const why = out instanceof Error ? out.message : new TextDecoder().decode(out.stderr).trim().split("\n").slice(-2).join(" ");
    throw new Error(`${script} did not run (${install}): ${why}`);
  }
  return JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").at(-1)!);
}

const reference = (r: Record<string, unknown>): Fit => ({
  fit_s: Number(r.fit_s),
  cpu_s: Number(r.cpu_s ?? NaN),
  rounds: Number(r.rounds),
  best_iteration: Number(r.best_iteration),
  test_f1_macro: Number(r.test_f1_macro),
  test_accuracy: Number(r.test_accuracy),
});
let lightgbmVersion = "";
async function lightgbm(folder: string, threads: number, goss: boolean): Promise<Fit> {
  const r = await python(
    "lightgbm_reference.py",
    [folder, String(threads), JSON.stringify(lightgbmParams(goss))],
    "pip install --break-system-packages lightgbm",
  );
  lightgbmVersion = String(r.lightgbm);
  return reference(r);
}
const hasXgboost = (await new Deno.Command("/usr/bin/python3", { args: ["-c", "import xgboost, sklearn"], stderr: "null" }).output()).success;

/** The arms in the order each repeat runs them. */
const arms: { name: string; label: string; run(folder: string, threads: number): Promise<Fit> }[] = [
  { name: "lightgbm_goss", label: "LightGBM, GOSS (lightgbm_style's settings)", run: (f, t) => lightgbm(f, t, true) },
  { name: "ours_lightgbm_style", label: "trees:gbdt lightgbm_style.json (leaf-wise 31, GOSS)", run: (_, t) => ours("lightgbm_style", t) },
  { name: "lightgbm_gbdt", label: "LightGBM, plain gbdt (lightgbm_style's settings, no GOSS)", run: (f, t) => lightgbm(f, t, false) },
  {
    name: "ours_lightgbm_style_uniform",
    label: "trees:gbdt lightgbm_style.json with sampling uniform",
    run: (_, t) => ours("lightgbm_style", t, { sampling: "uniform", subsample: 1 }),
  },
  { name: "ours_gbdt", label: "trees:gbdt gbdt.json (XGBoost-style, depth 6)", run: (_, t) => ours("gbdt", t) },
  { name: "ours_catboost_style", label: "trees:gbdt catboost_style.json (oblivious depth 6, ordered boosting)", run: (_, t) => ours("catboost_style", t) },
  ...(hasXgboost
    ? [{
      name: "xgboost",
      label: "XGBoost hist (gbdt.json's settings)",
      run: async (f: string, t: number) => reference(await python("xgboost_reference.py", [f, String(t)], "apt-get install python3-xgboost python3-sklearn")),
    }]
    : []),
];

const loadStart = Deno.loadavg()[0];
const folder = await Deno.makeTempDir({ prefix: "mf-bench-gbdt-" });
const samples = await exportSplits(folder);
const runs: ({ threads: number; repeat: number; arm: string } & Fit)[] = [];
for (const threads of threadCounts) {
  for (let repeat = 0; repeat < repeats; repeat++) {
    for (const arm of arms) {
      const fit = await arm.run(folder, threads);
      runs.push({ threads, repeat, arm: arm.name, ...fit });
      console.log(
        `threads ${threads} repeat ${repeat} ${arm.name}: fit ${fit.fit_s.toFixed(2)} s, cpu ${fit.cpu_s.toFixed(2)} s, F1 ${fit.test_f1_macro.toFixed(4)}`,
      );
    }
  }
}
await Deno.remove(folder, { recursive: true });

/** Per threads setting and arm: median times over the repeats, quality of the first repeat (every repeat fits the same model). */
const summary = Object.fromEntries(threadCounts.map((threads) => [
  threads,
  Object.fromEntries(arms.map(({ name }) => {
    const mine = runs.filter((r) => r.threads === threads && r.arm === name);
    return [name, {
      fit_s: median(mine.map((r) => r.fit_s)),
      cpu_s: median(mine.map((r) => r.cpu_s)),
      test_f1_macro: mine[0].test_f1_macro,
      test_accuracy: mine[0].test_accuracy,
      rounds: mine[0].rounds,
      best_iteration: mine[0].best_iteration,
      same_model_every_repeat: mine.every((r) => r.test_f1_macro === mine[0].test_f1_macro && r.rounds === mine[0].rounds),
    }];
  })),
]));
type Summary = (typeof summary)[number][string];
/** Ours against a LightGBM arm: the fit-time ratio and F1 gap, and whether the target holds (time at most, F1 within 0.01). */
const versus = (a: Summary, b: Summary) => ({
  fit_time_ratio: a.fit_s / b.fit_s,
  cpu_time_ratio: a.cpu_s / b.cpu_s,
  f1_gap: a.test_f1_macro - b.test_f1_macro,
  target_met: a.fit_s <= b.fit_s && Math.abs(a.test_f1_macro - b.test_f1_macro) <= 0.01,
});
const comparisons = Object.fromEntries(threadCounts.map((t) => [t, {
  goss: versus(summary[t].ours_lightgbm_style, summary[t].lightgbm_goss),
  plain: versus(summary[t].ours_lightgbm_style_uniform, summary[t].lightgbm_gbdt),
  defaults: versus(summary[t].ours_gbdt, summary[t].lightgbm_gbdt),
}]));
const load = { start: loadStart, end: Deno.loadavg()[0] };

const sign = (x: number) => `${x >= 0 ? "+" : ""}${x.toFixed(4)}`;
const rows: [string, string][] = [
  ["data", `${dir}: ${samples.train} / ${samples.val} / ${samples.test} train / val / test samples x ${samples.features} features, horizon 5, last row`],
  ["stopping", "early stopping after 20 rounds without a better validation log loss; at most 300 rounds (catboost_style: 500)"],
  [
    "LightGBM's settings",
    "lightgbm_style's under LightGBM's names, which are LightGBM's defaults (31 leaves, learning rate 0.1, no L2, min_sum_hessian 1e-3, every feature, 255 bins; min_data_in_leaf 20, which ours lacks); GOSS top 0.2, other 0.1",
  ],
  [
    "rounds",
    "LightGBM's multiclass hessian is 1.5 p(1-p), ours XGBoost's 2 p(1-p): at one learning rate its leaf steps are 4/3 of ours, so it stops in fewer rounds",
  ],
  [
    "repeats (arms alternating) / machine load (1-min average, start / end)",
    `${repeats} / ${load.start.toFixed(1)} / ${load.end.toFixed(1)} on ${machine().cores} cores`,
  ],
];
for (const t of threadCounts) {
  for (const arm of arms) {
    const s = summary[t][arm.name];
    rows.push([
      `${arm.label.replace(/^LightGBM/, `LightGBM ${lightgbmVersion}`)}, ${t} thread${t > 1 ? "s" : ""}`,
      `fit ${s.fit_s.toFixed(2)} s (CPU ${s.cpu_s.toFixed(2)} s), test macro-F1 ${s.test_f1_macro.toFixed(4)}, rounds ${s.rounds} / best ${s.best_iteration}`,
    ]);
  }
  const pairs = [
    ["defaults", "gbdt.json vs LightGBM's defaults (plain gbdt)"],
    ["goss", "lightgbm_style vs LightGBM GOSS"],
    ["plain", "lightgbm_style uniform vs LightGBM plain gbdt"],
  ] as const;
  for (const [key, label] of pairs) {
    const c = comparisons[t][key];
    rows.push([
      `${label}, ${t} thread${t > 1 ? "s" : ""}`,
      `fit time ratio ${c.fit_time_ratio.toFixed(3)} (CPU ${c.cpu_time_ratio.toFixed(3)}), F1 gap ${sign(c.f1_gap)}: target (ratio <= 1, |gap| <= 0.01) ${
        c.target_met ? "met" : "not met"
      }`,
    ]);
  }
}
await writeResult("gbdt", {
  machine: machine(),
  load_average_1min: load,
  data: dir,
  samples,
  threads: threadCounts,
  repeats,
  lightgbm: lightgbmVersion,
  settings: { ...Object.fromEntries(Object.entries(configs).map(([k, v]) => [k, { params: v.params, trainer: v.trainer }])), lightgbm: lightgbmParams(true) },
  summary,
  comparisons,
  runs,
}, rows);
