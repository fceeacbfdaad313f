import { dirname, isAbsolute, join, resolve } from "node:path";
import { parseConfig } from "../../core/config/parse.ts";
import { buildEnsembles } from "../../core/ensemble/build.ts";
import type { SplitSources } from "../../core/data/splits.ts";
import { ExperimentConfig } from "../../core/experiment/config.ts";
import { type Cell, type ExperimentPlan, planExperiment, selectCells } from "../../core/experiment/plan.ts";
import { type ExperimentResult, runExperiment, sourcesFingerprint } from "../../core/experiment/runner.ts";
import { registry } from "../../models/index.ts";
import { parseFlags, required } from "../args.ts";
import { splitPaths } from "../data_files.ts";
import { DiskRunStore } from "../disk_store.ts";
import { type FileSource, openFile } from "../file_source.ts";
import { experimentProgress } from "../experiment_progress.ts";
import { readConfigFile } from "../read_config.ts";
import { reportSummary } from "../report_summary.ts";
import { table } from "../summary.ts";
import { platformParallelism, processMemory, startBackend, versions } from "../versions.ts";

const flags = { config: { type: "string" }, only: { type: "string" }, "dry-run": { type: "boolean" }, json: { type: "boolean" } } as const;

/** Usage of `mf experiment`. */
export const experimentUsage = `mf experiment --config FILE.yaml|json [--only key=value,...] [--dry-run] [--json]
   (every model x horizon x seed of the file, on data read once; finished cells are skipped on a rerun;
    --only model=lstm|gru,horizon=5,label=...,seed=...; the report goes to <runs folder>/../<name>/report.md)`;

/** An experiment config with its paths made absolute (relative ones are relative to the file's folder), the model files read. */
interface LoadedExperiment {
  file: string;
  raw: Record<string, unknown>;
  config: ExperimentConfig;
  runsDir: string;
  modelFiles: Record<string, unknown>;
}

/** `mf experiment`: plans the cells, prints the plan, trains the unfinished ones and writes the report. */
export async function experimentCommand(args: string[]): Promise<ExperimentResult | undefined> {
  const f = parseFlags("experiment", args, flags);
  if (f.help) return void console.log(experimentUsage);
  const loaded = await loadExperimentFile(required("experiment", "config", f.config));
  const { config } = loaded;
  const opened: FileSource[] = [];
  try {
    const { sources, attachments } = await openData(config, opened);
    const plan = planExperiment(loaded.raw, {
      registry,
      file: loaded.file,
      modelFiles: loaded.modelFiles,
      dataFingerprint: { files: await sourcesFingerprint(sources), split: config.data.split ?? null },
    });
    const selected = selectCells(plan.cells, f.only);
    const store = new DiskRunStore(loaded.runsDir), experiments = new DiskRunStore(dirname(loaded.runsDir));
    const log = (text: string) => (f.json ? console.error(text) : console.log(text));
    log(planTable(plan, selected));
    if (f["dry-run"]) return;
    const stop = { aborted: false };
    const onInterrupt = () => {
      if (stop.aborted) Deno.exit(130);
      stop.aborted = true;
      console.error("\nstopping after the current epoch (Ctrl-C again to quit now; a rerun continues where this one stopped)");
    };
    Deno.addSignalListener("SIGINT", onInterrupt);
    let result: ExperimentResult;
    try {
      result = await runExperiment(plan, selected, {
        store,
        experiments,
        sources,
        attachments,
        file: loaded.file,
        runsLocation: loaded.runsDir,
        clock: Date,
        startBackend,
        memory: processMemory,
        versions: versions(),
        parallel: platformParallelism(),
        signal: stop,
        progress: experimentProgress(),
        afterCells: (context) => buildEnsembles(context, { store, clock: Date, versions: versions() }),
      });
    } finally {
      Deno.removeSignalListener("SIGINT", onInterrupt);
    }
    const folder = resolve(dirname(loaded.runsDir), config.experiment.name);
    const paths = { report_md: join(folder, "report.md"), report_json: join(folder, "report.json") };
    log(`\n${reportSummary(result.report)}`);
    log(`\n${result.finished} of ${result.cells} cells finished, ${result.failed} failed (${result.trained} trained now)`);
    log(`report: ${paths.report_md}`);
    if (f.json) {
      console.log(JSON.stringify({ experiment: config.experiment.name, cells: result.cells, finished: result.finished, failed: result.failed, ...paths }));
    }
    if (result.finished < result.cells) Deno.exitCode = 1;
    return result;
  } finally {
    for (const source of opened) source.close();
  }
}

/** Reads an experiment file (JSON or YAML), validates it, and resolves its relative paths against its folder. */
export async function loadExperimentFile(file: string): Promise<LoadedExperiment> {
  const raw = await readConfigFile(file);
  const config = parseConfig(ExperimentConfig, raw, `experiment config ${file}`);
  const base = dirname(file);
  const at = (path: string) => (isAbsolute(path) ? path : join(base, path));
  const data = Object.fromEntries(Object.entries(config.data).map(([k, v]) => [k, typeof v === "string" ? at(v) : v]));
  const givenOutput = (raw as { output?: { base_dir?: unknown } }).output?.base_dir !== undefined;
  // an explicit runs folder is relative to the file, like every path in it; the default is the usual experiments/runs
  const runsDir = givenOutput ? at(config.output.base_dir) : config.output.base_dir;
  const modelFiles: Record<string, unknown> = {};
  for (const model of config.models) {
    if (model.config_path && !(model.config_path in modelFiles)) modelFiles[model.config_path] = await readConfigFile(at(model.config_path));
  }
  return { file, raw: { ...(raw as Record<string, unknown>), data }, config: { ...config, data: data as ExperimentConfig["data"] }, runsDir, modelFiles };
}

/** Opens the experiment's data files (kept in `opened` to close), with the prepare.json of prepared splits. */
async function openData(config: ExperimentConfig, opened: FileSource[]): Promise<{ sources: SplitSources; attachments?: Record<string, Uint8Array> }> {
  const open = (path: string) => openFile(path).then((source) => (opened.push(source), source));
  const { data } = config;
  if (data.path) return { sources: { file: await open(data.path) } };
  const paths = await splitPaths(data.dir ? { data: data.dir } : { train: data.train_path, val: data.val_path, test: data.test_path });
  const recipe = join(dirname(paths.train), "prepare.json");
  const attachments = await Deno.readFile(recipe).then((bytes) => ({ "prepare.json": bytes }), () => undefined);
  return { sources: { train: await open(paths.train), val: await open(paths.val), test: await open(paths.test) }, attachments };
}

function planTable(plan: ExperimentPlan, selected: readonly Cell[]): string {
  const chosen = new Set(selected.map((c) => c.cellId));
  const rows = plan.cells.map((c) => [
    String(c.index + 1),
    c.label,
    c.model,
    `h${c.horizon}`,
    String(c.seed),
    String(c.resolved.dataset.seq_len),
    String(c.resolved.trainer.epochs),
    c.cellId,
    chosen.has(c.cellId) ? "" : "(not selected)",
  ]);
  const name = plan.config.experiment.name;
  return `experiment ${name}: ${plan.cells.length} cells (${plan.config.models.length} models x ${plan.config.horizons.length} horizons x ${plan.config.seeds.length} seeds)\n` +
    table([["#", "label", "model", "horizon", "seed", "window", "epochs", "cell", ""], ...rows]);
}
