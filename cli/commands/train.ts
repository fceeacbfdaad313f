import { dirname, join } from "node:path";
import { RunConfig } from "../../core/config/run_config.ts";
import { parseConfig } from "../../core/config/parse.ts";
import type { SplitSources } from "../../core/data/splits.ts";
import type { TimeSplitRecord } from "../../core/data/time_split.ts";
import { ConfigError, DataError } from "../../core/errors.ts";
import { fullName } from "../../core/model.ts";
import { resolveRun } from "../../core/train/resolve.ts";
import { train, type TrainResult } from "../../core/train/trainer.ts";
import { registry } from "../../models/index.ts";
import { intFlag, parseFlags } from "../args.ts";
import { DiskRunStore } from "../disk_store.ts";
import { type FileSource, openFile } from "../file_source.ts";
import { terminalProgress } from "../progress.ts";
import { metricsSummary } from "../summary.ts";
import { platformParallelism, processMemory, startBackend, versions } from "../versions.ts";
import { readConfigFile } from "../read_config.ts";
import { splitPaths } from "../data_files.ts";

const flags = {
  data: { type: "string" },
  train: { type: "string" },
  val: { type: "string" },
  test: { type: "string" },
  model: { type: "string" },
  horizon: { type: "string" },
  "seq-len": { type: "string" },
  config: { type: "string" },
  epochs: { type: "string" },
  "batch-size": { type: "string" },
  seed: { type: "string" },
  backend: { type: "string" },
  split: { type: "string" },
  purge: { type: "string" },
  embargo: { type: "string" },
  out: { type: "string" },
  json: { type: "boolean" },
} as const;

/** Usage of `mf train`. */
export const trainUsage = `mf train --data DIR --model NAME [--horizon 5] [--seq-len L] [--config FILE.json|.yaml] [--epochs N]
         [--batch-size N] [--seed N] [--backend auto|webgpu|wasm|cpu] [--out experiments/runs] [--json]
   (or --train FILE --val FILE --test FILE instead of --data DIR)
   (or --data FILE.parquet [--split VAL_START,TEST_START] [--purge N] [--embargo N]: one file cut by time,
    70/15/15 of its time range unless --split names two ISO times; purge defaults to the horizon)`;

/** `mf train`: prepare -> build -> fit -> evaluate, writing a run directory. */
export async function trainCommand(args: string[]): Promise<TrainResult | undefined> {
  const f = parseFlags("train", args, flags);
  if (f.help) return void console.log(trainUsage);
  const experiment = f.config ? parseConfig(RunConfig, await readConfigFile(f.config), f.config) : parseConfig(RunConfig, {}, "config");
  const modelName = f.model ?? experiment.model;
  if (!modelName) throw new DataError(`mf train: name a model with --model (or "model" in --config); models: ${registry.list().map(fullName).join(", ")}`);
  const plugin = registry.get(modelName);
  // the file is checked on its own first: a flag that overrides a key must not hide that the file's value is invalid
  if (f.config) resolveRun({ plugin, params: experiment.params, dataset: experiment.dataset, trainer: experiment.trainer }, `${f.config}: `);
  const dataset = { ...experiment.dataset, ...defined({ horizon: intFlag("horizon", f.horizon), seq_len: intFlag("seq-len", f["seq-len"]) }) };
  const trainer = {
    ...experiment.trainer,
    ...defined({ epochs: intFlag("epochs", f.epochs), batch_size: intFlag("batch-size", f["batch-size"]), seed: intFlag("seed", f.seed), backend: f.backend }),
  };
  const oneFile = f.data !== undefined && await Deno.stat(f.data).then((s) => s.isFile, () => false);
  let sources: SplitSources, attachments: Record<string, Uint8Array> | undefined;
  const opened: FileSource[] = [];
  const open = (path: string) => openFile(path).then((source) => (opened.push(source), source));
  if (oneFile) {
    if (f.train || f.val || f.test) {
      throw new ConfigError(`mf train: --data ${f.data} is one file, cut by time; --train, --val and --test name three split files instead`, { key: "data" });
    }
    Object.assign(dataset, { split: timeSplit(experiment.dataset.split, f) });
    sources = { file: await open(f.data!) };
  } else {
    const flag = (["split", "purge", "embargo"] as const).find((k) => f[k] !== undefined);
    if (flag) throw new ConfigError(`mf train: --${flag} cuts one data file by time; give --data FILE.parquet (split files are already cut)`, { key: flag });
    const paths = await splitPaths(f);
    // splits made by `mf prepare` carry their recipe; the run keeps a copy so `mf predict --raw` can redo it
    const recipe = join(dirname(paths.train), "prepare.json");
    attachments = await Deno.readFile(recipe).then((bytes) => ({ "prepare.json": bytes }), () => undefined);
    sources = { train: await open(paths.train), val: await open(paths.val), test: await open(paths.test) };
  }
  const store = new DiskRunStore(f.out ?? join("experiments", "runs"));
  try {
    const result = await train({ plugin, params: experiment.params, dataset, trainer, sources, attachments }, {
      store,
      clock: Date,
      startBackend,
      memory: processMemory,
      progress: terminalProgress(() => plugin.trainerSettings?.epoch ?? "epoch"),
      versions: versions(),
      parallel: platformParallelism(),
    });
    if (f.json) {
      const { runId: run_id, location: run_dir, record, val, test } = result;
      console.log(
        JSON.stringify({
          run_id,
          run_dir,
          model: record.model,
          horizon: record.horizon,
          backend: record.backend.name,
          status: record.status,
          split: record.dataset.split,
          val,
          test,
        }),
      );
    } else {
      console.log(
        `\nrun ${result.runId} ${result.record.status} (${result.record.stop_reason}, best ${plugin.trainerSettings?.epoch ?? "epoch"} ${
          (result.record.best_epoch ?? 0) + 1
        } of ${result.record.epochs_run}) on ${result.record.backend.name}`,
      );
      console.log(`saved in ${result.location}`);
      const split = result.record.dataset.split as TimeSplitRecord | undefined;
      if (split) {
        console.log(
          `split ${split.file} at ${split.val_start} and ${split.test_start}: ${split.rows.train} train, ${split.rows.val} val, ${split.rows.test} test rows (purge ${split.purge}, embargo ${split.embargo})`,
        );
      }
      console.log("");
      console.log(metricsSummary(result.val, result.test!));
    }
    return result;
  } finally {
    for (const source of opened) source.close();
  }
}

/** dataset.split from the config file, with --split, --purge and --embargo on top. */
function timeSplit(fromConfig: unknown, f: { split?: string; purge?: string; embargo?: string }): unknown {
  let dates: string[] | undefined;
  if (f.split !== undefined) {
    dates = f.split.split(",").map((d) => d.trim());
    if (dates.length !== 2) {
      throw new ConfigError(`--split must be two ISO times separated by a comma (validation start, test start), got "${f.split}"`, {
        key: "split",
        value: f.split,
      });
    }
  }
  const flags = defined({ dates, purge: intFlag("purge", f.purge), embargo: intFlag("embargo", f.embargo) });
  return fromConfig && typeof fromConfig === "object" && !Array.isArray(fromConfig) ? { ...fromConfig, ...flags } : fromConfig ?? flags;
}

function defined<T extends Record<string, unknown>>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Partial<T>;
}
