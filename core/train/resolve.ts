import type { z } from "zod";
import { DatasetConfig } from "../config/dataset.ts";
import { parseConfig } from "../config/parse.ts";
import { TrainerConfig } from "../config/trainer.ts";
import { fullName, type ModelPlugin } from "../model.ts";

/** What a run is asked to train: a plugin and its raw settings (validated by {@linkcode resolveRun}). */
export interface RunSettings {
  plugin: ModelPlugin;
  params?: unknown;
  dataset?: unknown;
  trainer?: unknown;
}

/** A run's settings after validation and defaults: what it trains with and what run.json records. */
export interface ResolvedRun {
  plugin: ModelPlugin;
  name: string;
  params: Record<string, unknown>;
  dataset: DatasetConfig & { seq_len: number };
  trainer: TrainerConfig;
}

/**
 * Validates a run's params (the plugin's schema), dataset and trainer settings, fills in defaults and the
 * plugin's window length; each error names its section (`neural:mlp config`, `dataset config`, ...).
 * `where` prefixes the section names, e.g. with a config file and key.
 */
export function resolveRun(settings: RunSettings, where = ""): ResolvedRun {
  const { plugin } = settings;
  const name = fullName(plugin);
  const params = parseConfig(plugin.configSchema, settings.params ?? {}, `${where}${name} config`) as z.output<typeof plugin.configSchema>;
  const dataset = parseConfig(DatasetConfig, settings.dataset ?? {}, `${where}dataset config`);
  const trainer = parseConfig(TrainerConfig, settings.trainer ?? {}, `${where}trainer config`);
  return { plugin, name, params: params as Record<string, unknown>, dataset: { ...dataset, seq_len: dataset.seq_len ?? plugin.defaultSeqLen }, trainer };
}
