// Pruning benchmark (issue 13's Must-show): tuning the MLP on synth, the median pruner should train at least 40%
// fewer epochs than no pruner, with a best validation objective within 0.005 (medians over seeds).
// Usage: npm run bench:pruning [-- --seeds 4] [--trials 30] [--epochs 20] [--pruner median] [--name pruning]
// Each seed tunes the MLP twice through core/tune/study_worker.ts exactly as `mf tune` runs it (TPE, the MLP's own
// search space, f1_macro on validation, the study seed also the trainer seed), once with `--pruner none` and once
// with `--pruner <spec>` (default: `median`, mf tune's default pruner with its defaults, core/tune/pruners/flag.ts).
// Epochs trained are the trials' reports (one per epoch); early stopping (patience 5) applies in both arms.
// Writes experiments/benchmarks/<name>.{json,md} after every seed; --rewrite renders them again from the json, measuring nothing.
import { parseArgs } from "node:util";
import { DatasetConfig } from "../core/config/dataset.ts";
import { horizonLabels, LoadedDataset } from "../core/data/dataset.ts";
import { writeParquet } from "../core/data/parquet_write.ts";
import { synthSplits } from "../core/data/synth.ts";
import { MemoryRunStore } from "../core/memory_store.ts";
import type { ByteSource } from "../core/platform.ts";
import type { CreateStudyOp } from "../core/tune/journal.ts";
import { parsePrunerFlag } from "../core/tune/pruners/flag.ts";
import { makePruner } from "../core/tune/pruners/make.ts";
import type { PrunerConfig } from "../core/tune/pruners/pruner.ts";
import { tpeSampler } from "../core/tune/samplers/tpe.ts";
import type { SearchSpace } from "../core/tune/space.ts";
import { bestTrial, loadStudy, openStudy } from "../core/tune/study.ts";
import { runStudyWorker } from "../core/tune/study_worker.ts";
import { mlp } from "../models/mlp/mlp.ts";
import { DiskJournalStore } from "../cli/disk_journal.ts";
import { platformParallelism, startBackend, versions } from "../cli/versions.ts";
import { machine, median, writeResult } from "./machine.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    seeds: { type: "string" },
    trials: { type: "string" },
    epochs: { type: "string" },
    pruner: { type: "string" },
    name: { type: "string" },
    rewrite: { type: "boolean" },
  },
});
const seeds = Number(values.seeds ?? 4), trials = Number(values.trials ?? 30), epochs = Number(values.epochs ?? 20);
const prunerSpec = values.pruner ?? "median";
const pruned = parsePrunerFlag(prunerSpec);
if (!pruned) throw new Error(`--pruner ${prunerSpec}: the benchmark compares a pruner against none; name one`);
const synth = { symbols: 3, rows: 4000, features: 32, seed: 7, horizons: [5] };
const HORIZON = 5, TARGET_SAVED = 0.4, TARGET_DIFF = 0.005;

const splits = synthSplits(synth);
const source = (name: string, bytes: Uint8Array): ByteSource => ({
  name,
  byteLength: bytes.length,
  slice: (start, end = bytes.length) => bytes.buffer.slice(bytes.byteOffset + start, bytes.byteOffset + end) as ArrayBuffer,
});
const data = await LoadedDataset.load({
  train: source("train.parquet", writeParquet(splits.train.columns)),
  val: source("val.parquet", writeParquet(splits.val.columns)),
  test: source("test.parquet", writeParquet(splits.test.columns)),
}, { ...DatasetConfig.parse({ horizon: HORIZON }), labels: horizonLabels([HORIZON]) });
const root = await Deno.makeTempDir({ prefix: "mf-bench-pruning-" });

interface Arm {
  epochs: number;
  best: number;
  complete: number;
  pruned: number;
  failed: number;
  seconds: number;
}

/** One study of `trials` trials with `pruner`, as `mf tune --seed seed --epochs epochs` runs it; what it trained and found. */
async function tune(seed: number, pruner: PrunerConfig | null, arm: string): Promise<Arm> {
  const name = `s${seed}-${arm}`;
  const store = new DiskJournalStore(root);
  const base = { params: {}, dataset: { horizon: HORIZON }, trainer: { epochs, seed } };
  const header: CreateStudyOp = {
    op: "create_study",
    name,
    model: "neural:mlp",
    horizon: HORIZON,
    direction: "maximize",
    objective: "f1_macro",
    space: mlp.searchSpace,
    sampler: "tpe",
    pruner,
    settings: { seed, heartbeat_s: 600, base },
    at: new Date().toISOString(),
  };
  await openStudy(store, header);
  const t0 = performance.now();
  await runStudyWorker(data, {
    store,
    study: name,
    plugin: mlp,
    base,
    space: mlp.searchSpace as SearchSpace,
    sampler: tpeSampler(),
    pruner: pruner ? makePruner(pruner) : undefined,
    objective: "f1_macro",
    seed,
    budget: trials,
    worker: "bench",
    heartbeatMs: 600_000,
    now: Date.now,
    sleep: (ms) => new Promise((done) => setTimeout(done, ms)),
    every: () => () => undefined, // one worker: no one else needs its heartbeats
  }, { store: new MemoryRunStore(), clock: Date, startBackend, versions: versions(), parallel: platformParallelism() });
  const study = await loadStudy(store, name);
  const count = (state: string) => study.trials.filter((t) => t.state === state).length;
  const result = {
    epochs: study.trials.reduce((sum, t) => sum + Object.keys(t.intermediate).length, 0),
    best: bestTrial(study)?.value ?? Number.NaN,
    complete: count("complete"),
    pruned: count("pruned"),
    failed: count("failed"),
    seconds: Math.round((performance.now() - t0) / 100) / 10,
  };
  console.error(`seed ${seed} ${arm}: ${JSON.stringify(result)}`);
  return result;
}

/** Writes experiments/benchmarks/<name>.{json,md} from the seeds measured so far. */
async function report(): Promise<void> {
  const saved = median(perSeed.map((s) => s.epochs_saved_pct)), diff = median(perSeed.map((s) => s.best_diff));
  const noise = median(perSeed.map((s) => Math.abs(s.noise_best_diff)));
  const same = (s: Seed) => s.none_again.epochs === s.none.epochs && s.none_again.best === s.none.best;
  const repeated = perSeed.filter(same).map((s) => s.seed), differed = perSeed.filter((s) => !same(s)).map((s) => s.seed);
  const holds = saved >= 100 * TARGET_SAVED && Math.abs(diff) <= TARGET_DIFF;
  const fewer = perSeed.filter((s) => s.epochs_saved_pct >= 100 * TARGET_SAVED).length;
  const close = perSeed.filter((s) => Math.abs(s.best_diff) <= TARGET_DIFF).length;
  const verdict = `${holds ? "holds" : "does not hold"}: median ${saved.toFixed(1)}% fewer epochs (target >= 40%), median best-value difference ${
    diff >= 0 ? "+" : ""
  }${
    diff.toFixed(4)
  } (target within 0.005) over ${perSeed.length} of ${seeds} seeds; per seed ${fewer}/${perSeed.length} save >= 40%, ${close}/${perSeed.length} are within 0.005`;

  await writeResult(values.name ?? "pruning", {
    machine: machine(),
    setup: { model: "neural:mlp", synth, horizon: HORIZON, trials, epochs, sampler: "tpe", objective: "f1_macro (validation)", pruner: pruned },
    per_seed: perSeed,
    median_epochs_saved_pct: saved,
    median_best_diff: diff,
    median_abs_noise_best_diff: noise,
    must_show: { holds, verdict },
  }, [
    [
      "setup",
      `MLP on synth (${synth.symbols} symbols x ${synth.rows} rows x ${synth.features} features, H=${HORIZON}); TPE, ${trials} trials, ${epochs} epochs, early stopping patience 5`,
    ],
    ["pruner", `\`--pruner ${prunerSpec}\` = ${JSON.stringify(pruned)}`],
    ...perSeed.map((s): [string, string] => [
      `seed ${s.seed}: epochs (none / pruner)`,
      `${s.none.epochs} / ${s.pruner.epochs} (${
        s.epochs_saved_pct.toFixed(1)
      }% fewer; ${s.pruner.pruned} of ${trials} pruned); ${s.none.seconds} s / ${s.pruner.seconds} s`,
    ]),
    ...perSeed.map((s): [string, string] => [
      `seed ${s.seed}: best val F1 (none / pruner)`,
      `${s.none.best.toFixed(4)} / ${s.pruner.best.toFixed(4)} (${s.best_diff >= 0 ? "+" : ""}${s.best_diff.toFixed(4)})`,
    ]),
    ...perSeed.map((s): [string, string] => [
      `seed ${s.seed}: best val F1, none run again`,
      `${s.none_again.best.toFixed(4)} (${s.noise_best_diff >= 0 ? "+" : ""}${
        s.noise_best_diff.toFixed(4)
      } from the first none; ${s.none_again.epochs} epochs)`,
    ]),
    ["median epochs saved", `${saved.toFixed(1)}%`],
    ["median best-value difference", `${diff >= 0 ? "+" : ""}${diff.toFixed(4)}`],
    ["median \\|best-value difference\\| between two none runs", noise.toFixed(4)],
    ["Must-show (>= 40% fewer epochs, best within 0.005)", verdict],
    [
      "repeatability",
      `none run again gave the same epochs and best value on seeds ${repeated.join(", ") || "none"} and not on seeds ${differed.join(", ") || "none"}. ` +
      "At seed 0 the MLP's first layer is initialised with seed 0, which tfjs takes as no seed (`seed ? seed : Math.random()`), so " +
      "its curves, and TPE's later choices, change from run to run: the difference between the two none runs there shows how far the " +
      "best of 30 trials moves when nothing but one layer's initial weights changes",
    ],
  ]);
}

type Seed = { seed: number; none: Arm; pruner: Arm; none_again: Arm; epochs_saved_pct: number; best_diff: number; noise_best_diff: number };
const perSeed: Seed[] = [];
if (values.rewrite) {
  // renders experiments/benchmarks/<name>.{json,md} again from the seeds its json holds, measuring nothing
  const saved = JSON.parse(await Deno.readTextFile(`experiments/benchmarks/${values.name ?? "pruning"}.json`));
  perSeed.push(...saved.per_seed);
  await report();
  await Deno.remove(root, { recursive: true });
  Deno.exit(0);
}
try {
  for (let seed = 0; seed < seeds; seed++) {
    const none = await tune(seed, null, "none"), withPruner = await tune(seed, pruned, "pruner");
    // the same study again without a pruner: whether the comparison repeats, and where it does not (seed 0, see
    // the .md) how far the best value moves when only the training's run-to-run variation changes
    const again = await tune(seed, null, "none-again");
    perSeed.push({
      seed,
      none,
      pruner: withPruner,
      none_again: again,
      epochs_saved_pct: 100 * (1 - withPruner.epochs / none.epochs),
      best_diff: withPruner.best - none.best,
      noise_best_diff: again.best - none.best,
    });
    await report(); // after every seed, so that a bench cut short still leaves what it measured
  }
} finally {
  await Deno.remove(root, { recursive: true });
}
// the wasm backend's worker threads keep the process alive
Deno.exit(0);
