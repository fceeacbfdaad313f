// GBDT benchmark (issue 4): our trees:gbdt against XGBoost `hist` on the same split, in the same run.
// Usage: npm run bench:gbdt [-- --data DIR] [--threads 2] [--repeats 1]   (DIR: train/val/test.parquet; default experiments/demo-data, made with mf synth when absent)
// Both fit on the last row of each window (horizon 5), 300 rounds at most, depth 6, eta 0.1, subsample 0.8,
// colsample 0.8, early stopping after 20 rounds without a better validation log loss, `threads` threads each.
// XGBoost (apt-get install python3-xgboost python3-sklearn) runs bench/xgboost_reference.py on the frames
// exported here as .npy; it is used by this benchmark only. Writes experiments/benchmarks/gbdt.{json,md}.
import { parseArgs } from "node:util";
import { join } from "node:path";
import { DatasetConfig } from "../core/config/dataset.ts";
import { loadSplits } from "../core/data/splits.ts";
import type { Windows } from "../core/data/windows.ts";
import { MemoryRunStore } from "../core/memory_store.ts";
import { train } from "../core/train/trainer.ts";
import { gbdt } from "../models/gbdt/gbdt.ts";
import { synthCommand } from "../cli/commands/synth.ts";
import { openFile } from "../cli/file_source.ts";
import { platformParallelism, startBackend, versions } from "../cli/versions.ts";
import { machine, median, writeResult } from "./machine.ts";

const { values } = parseArgs({ args: Deno.args, options: { data: { type: "string" }, threads: { type: "string" }, repeats: { type: "string" } } });
const dir = values.data ?? join("experiments", "demo-data");
const threads = Number(values.threads ?? 2), repeats = Number(values.repeats ?? 1);
if (!(await Deno.stat(join(dir, "train.parquet")).then(() => true, () => false))) await synthCommand(["--out", dir]);
const experiment = JSON.parse(await Deno.readTextFile(join("config", "models", "gbdt.json")));
const sources = async () => ({
  train: await openFile(join(dir, "train.parquet")),
  val: await openFile(join(dir, "val.parquet")),
  test: await openFile(join(dir, "test.parquet")),
});

/** One fit of trees:gbdt through the trainer, as `mf train --model gbdt` runs it (no checkpoints: XGBoost writes none either). */
async function ours() {
  const files = await sources();
  const trainer = { ...experiment.trainer, backend: "cpu", checkpoint: false };
  const result = await train({ plugin: gbdt, params: experiment.params, dataset: experiment.dataset, trainer, sources: files }, {
    store: new MemoryRunStore(),
    clock: Date,
    startBackend,
    versions: versions(),
    parallel: { spawn: platformParallelism().spawn, threads },
  });
  Object.values(files).forEach((f) => f.close());
  const { record, test } = result;
  return {
    fit_s: record.timings.fit_s!,
    rounds: record.epochs_run!,
    best_iteration: record.best_epoch!,
    test_f1_macro: test!.f1_macro,
    test_accuracy: test!.accuracy,
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
  const dataset = DatasetConfig.parse(experiment.dataset);
  const splits = await loadSplits(await sources(), { ...dataset, seq_len: dataset.seq_len ?? 1 });
  const rows = (w: Windows) => w.gather(Int32Array.from({ length: w.size }, (_, k) => k));
  for (const split of ["train", "val", "test"] as const) {
    const w = splits[split];
    await Deno.writeFile(join(to, `${split}_x.npy`), npy(rows(w), [w.size, w.seqLen * w.nFeatures]));
    await Deno.writeFile(join(to, `${split}_y.npy`), npy(Int32Array.from(w.classes()), [w.size]));
  }
  return { train: splits.train.size, val: splits.val.size, test: splits.test.size, features: splits.featureNames.length };
}

/** One XGBoost fit (bench/xgboost_reference.py), or why it could not run. */
async function xgboost(folder: string): Promise<Record<string, number | string>> {
  const out = await new Deno.Command("/usr/bin/python3", {
    args: [join("bench", "xgboost_reference.py"), folder, String(threads)],
    stdout: "piped",
    stderr: "piped",
  }).output().catch((e) => e as Error);
  if (out instanceof Error || !out.success) {
    const why = out instanceof Error ? out.message : new TextDecoder().decode(out.stderr).trim().split("\n").slice(-2).join(" ");
    throw new Error(`XGBoost reference did not run (apt-get install python3-xgboost python3-sklearn): ${why}`);
  }
  return JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").at(-1)!);
}

// Other work on the machine slows both alike; the 1-minute load average says how busy it was.
const loadStart = Deno.loadavg()[0];
const folder = await Deno.makeTempDir({ prefix: "mf-bench-gbdt-" });
const samples = await exportSplits(folder);
const runs: { ours: Awaited<ReturnType<typeof ours>>; xgboost: Record<string, number | string> }[] = [];
// Alternate the two so background load on a shared machine falls on both alike.
for (let r = 0; r < repeats; r++) runs.push({ ours: await ours(), xgboost: await xgboost(folder) });
await Deno.remove(folder, { recursive: true });

const m = <T>(pick: (run: (typeof runs)[number]) => T) => median(runs.map((run) => Number(pick(run))));
const summary = {
  ours: {
    fit_s: m((r) => r.ours.fit_s),
    test_f1_macro: runs[0].ours.test_f1_macro,
    test_accuracy: runs[0].ours.test_accuracy,
    rounds: runs[0].ours.rounds,
    best_iteration: runs[0].ours.best_iteration,
  },
  xgboost: {
    fit_s: m((r) => r.xgboost.fit_s),
    test_f1_macro: Number(runs[0].xgboost.test_f1_macro),
    test_accuracy: Number(runs[0].xgboost.test_accuracy),
    rounds: Number(runs[0].xgboost.rounds),
    best_iteration: Number(runs[0].xgboost.best_iteration),
    version: runs[0].xgboost.xgboost,
  },
};
const load = { start: loadStart, end: Deno.loadavg()[0] };
const ratio = summary.ours.fit_s / summary.xgboost.fit_s, f1Gap = summary.ours.test_f1_macro - summary.xgboost.test_f1_macro;
await writeResult("gbdt", {
  machine: machine(),
  load_average_1min: load,
  data: dir,
  samples,
  threads,
  repeats,
  settings: { params: experiment.params, trainer: experiment.trainer },
  ...summary,
  fit_time_ratio: ratio,
  f1_gap: f1Gap,
  targets: { f1_within_0_01: Math.abs(f1Gap) <= 0.01, fit_time_at_most_xgboost: ratio <= 1 },
  runs,
}, [
  ["data", `${dir}: ${samples.train} / ${samples.val} / ${samples.test} train / val / test samples x ${samples.features} features, horizon 5, last row`],
  ["settings", `max 300 rounds, depth 6, eta 0.1, subsample 0.8, colsample_bytree 0.8, early stopping 20, ${threads} threads each`],
  ["trees:gbdt test macro-F1", summary.ours.test_f1_macro.toFixed(4)],
  [`XGBoost ${summary.xgboost.version} hist test macro-F1`, summary.xgboost.test_f1_macro.toFixed(4)],
  ["F1 gap (ours - XGBoost)", `${f1Gap >= 0 ? "+" : ""}${f1Gap.toFixed(4)} (target: within 0.01)`],
  ["rounds run / best iteration (ours)", `${summary.ours.rounds} / ${summary.ours.best_iteration}`],
  ["rounds run / best iteration (XGBoost)", `${summary.xgboost.rounds} / ${summary.xgboost.best_iteration}`],
  ["fit seconds (ours: binning + boosting + validation)", summary.ours.fit_s.toFixed(2)],
  ["fit seconds (XGBoost: DMatrix + boosting + validation)", summary.xgboost.fit_s.toFixed(2)],
  ["fit time ratio (ours / XGBoost)", `${ratio.toFixed(3)} (target: <= 1)`],
  [
    "runs (alternating) / machine load (1-min average, start / end)",
    `${repeats} / ${load.start.toFixed(1)} / ${load.end.toFixed(1)} on ${machine().cores} cores`,
  ],
]);
