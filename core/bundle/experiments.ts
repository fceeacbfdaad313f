import { z } from "zod";
import { ConfigError, DataError, NotFoundError } from "../errors.ts";
import { EXPERIMENT_FILE } from "../experiment/record.ts";
import type { RunReader } from "../platform.ts";
import { readRunJson, RunRecord } from "../train/run_record.ts";
import type { FilesTable, RunFile } from "./files.ts";
import { checkKeyedSection } from "./keyed_files.ts";
import { type BundleExperiment, type BundleHeader, ExperimentName } from "./format.ts";

/**
 * Experiments in a bundle: each experiment's folder (experiment.json, report.json, report.md, and any
 * other file it holds) carried byte for byte in the `experiments` section, listed in the header's
 * `experiments`. Experiments are read from an experiments store: a RunReader keyed by experiment name
 * (`dirname(runs folder)/<name>/` on disk, an IndexedDB store in the app).
 */

/** What experiment.json must hold for an experiment to be packed: its own name (the rest travels as it is). */
const NamedRecord = z.looseObject({ name: z.string() });

/**
 * The experiments the given runs were trained for (run.json's `experiment.name`), sorted, each once.
 *
 * @example
 * ```ts
 * await experimentsOfRuns(store, picked); // ["baseline"]
 * ```
 */
export async function experimentsOfRuns(reader: RunReader, runIds: readonly string[]): Promise<string[]> {
  const names = new Set<string>();
  for (const id of runIds) {
    const name = (await readRunJson(reader, id, "run.json", RunRecord)).experiment?.name;
    if (name !== undefined) names.add(name);
  }
  return [...names].sort();
}

/**
 * Reads the named experiments' files from an experiments store for packing. A name that is no folder
 * name is a ConfigError; an experiment without experiment.json, or whose experiment.json names another
 * experiment, is a DataError naming it.
 */
export async function readExperiments(
  reader: RunReader,
  names: readonly string[],
  onExperiment?: (name: string, paths: string[]) => void,
): Promise<{ entries: BundleExperiment[]; files: RunFile[] }> {
  const sorted = [...names].sort();
  const repeated = sorted.find((name, i) => sorted[i - 1] === name);
  if (repeated) throw new ConfigError(`Experiment ${repeated} is asked for twice`, { value: repeated });
  const entries: BundleExperiment[] = [];
  const files: RunFile[] = [];
  for (const name of sorted) {
    if (!ExperimentName.safeParse(name).success) {
      throw new ConfigError(`Experiment name "${name}" may hold only letters, digits, ".", "_" and "-"`, { value: name });
    }
    const paths = await reader.files(name).catch((error) => {
      // the store names its keys "runs" in its messages; this one holds experiments
      if (error instanceof NotFoundError) throw new NotFoundError(`No experiment ${name} in the experiments store`);
      throw error;
    });
    if (!paths.includes(EXPERIMENT_FILE)) throw new DataError(`Experiment ${name} has no ${EXPERIMENT_FILE} (its files: ${paths.join(", ") || "none"})`);
    const record = await readRunJson(reader, name, EXPERIMENT_FILE, NamedRecord);
    if (record.name !== name) {
      throw new DataError(`Experiment ${name}: ${EXPERIMENT_FILE} names experiment "${record.name}", not the folder's name`, { file: EXPERIMENT_FILE });
    }
    for (const path of paths) files.push({ id: name, path, data: await reader.read(name, path) });
    entries.push({ name, files: paths });
    onExperiment?.(name, paths);
  }
  return { entries, files };
}

/**
 * The checks decodeBundle makes of a bundle's experiments: names and paths once each, experiment.json
 * always listed, every listed file in the section and every file of the section listed. Returns the
 * section's table (undefined for a bundle without experiments).
 */
export function checkExperiments(header: BundleHeader, section: Uint8Array | undefined, name: string): FilesTable | undefined {
  return checkKeyedSection(header.experiments ?? [], section, name, { key: "experiment", section: "experiments", required: EXPERIMENT_FILE });
}

/**
 * A bundle's experiments as a RunReader keyed by experiment name: the files as the experiment's folder
 * had them, byte for byte. For the viewer's experiment pages and for import.
 */
export class BundleExperimentReader implements RunReader {
  private readonly experiments: Map<string, string[]>;

  constructor(private readonly bundle: { name: string; header: BundleHeader; experiments?: FilesTable }) {
    this.experiments = new Map((bundle.header.experiments ?? []).map((e) => [e.name, [...e.files].sort()]));
  }

  async list(): Promise<string[]> {
    return [...this.experiments.keys()];
  }

  async files(name: string): Promise<string[]> {
    return [...this.paths(name)];
  }

  async read(name: string, path: string): Promise<Uint8Array> {
    if (!this.paths(name).includes(path)) throw new NotFoundError(`Experiment ${name} has no ${path} in ${this.bundle.name}`);
    // decodeBundle checked that the section holds every listed file
    return this.bundle.experiments!.get(name, path)!;
  }

  private paths(name: string): string[] {
    const paths = this.experiments.get(name);
    if (!paths) throw new NotFoundError(`No experiment ${name} in ${this.bundle.name}`);
    return paths;
  }
}
