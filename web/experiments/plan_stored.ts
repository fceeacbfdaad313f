import { parseConfig } from "../../core/config/parse.ts";
import { ExperimentConfig } from "../../core/experiment/config.ts";
import { type ExperimentPlan, planExperiment } from "../../core/experiment/plan.ts";
import { sourcesFingerprint } from "../../core/experiment/runner.ts";
import type { Registry } from "../../core/registry.ts";
import { type StoredExperiment, storedSources } from "../idb_experiments.ts";

/**
 * Plans an experiment of the page on its files, as `mf experiment` plans it: the data's identity is each
 * file's name, size and row count plus the time split of one file, so the same config on the same files
 * gives the same cell ids in the browser and in the CLI (and a stored experiment finds its finished cells).
 */
export async function planStored(config: unknown, files: StoredExperiment["files"], options: { registry: Registry; file: string }): Promise<ExperimentPlan> {
  const parsed = parseConfig(ExperimentConfig, config, `experiment ${options.file}`);
  const dataFingerprint = { files: await sourcesFingerprint(storedSources(files)), split: parsed.data.split ?? null };
  return planExperiment(config, { ...options, dataFingerprint });
}
