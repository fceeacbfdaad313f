import { dirname, isAbsolute, join } from "node:path";
import { parseConfig } from "../../core/config/parse.ts";
import type { SplitSources } from "../../core/data/splits.ts";
import { ExperimentConfig } from "../../core/experiment/config.ts";
import { splitPaths } from "../data_files.ts";
import { type FileSource, openFile } from "../file_source.ts";
import { readConfigFile } from "../read_config.ts";

/** An experiment config with its paths made absolute (relative ones are relative to the file's folder), the model files read. */
export interface LoadedExperiment {
  file: string;
  raw: Record<string, unknown>;
  config: ExperimentConfig;
  runsDir: string;
  modelFiles: Record<string, unknown>;
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
export async function openData(
  config: ExperimentConfig,
  opened: FileSource[],
): Promise<{ sources: SplitSources; attachments?: Record<string, Uint8Array> }> {
  const open = (path: string) => openFile(path).then((source) => (opened.push(source), source));
  const { data } = config;
  if (data.path) return { sources: { file: await open(data.path) } };
  const paths = await splitPaths(data.dir ? { data: data.dir } : { train: data.train_path, val: data.val_path, test: data.test_path });
  const recipe = join(dirname(paths.train), "prepare.json");
  const attachments = await Deno.readFile(recipe).then((bytes) => ({ "prepare.json": bytes }), () => undefined);
  return { sources: { train: await open(paths.train), val: await open(paths.val), test: await open(paths.test) }, attachments };
}
