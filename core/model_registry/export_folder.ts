import { ENSEMBLE_FAMILY } from "../ensemble/spec.ts";
import { ConfigError, DataError } from "../errors.ts";
import type { Registry } from "../registry.ts";
import { jsonText, Preprocess, readRunJson, RunRecord } from "../train/run_record.ts";
import { exportReadme } from "./export_readme.ts";
import { readVersion } from "./read.ts";
import type { RegistryReader } from "./store.ts";
import { VersionRunReader } from "./version_reader.ts";

/** The record of an exported folder (`registry.json`): enough for `mf registry import` to make it a version again. */
export const EXPORT_FILE = "registry.json";
/** `format` of registry.json. */
export const EXPORT_FORMAT = "model-factory-export@1";

/** A version as a self-contained folder: file name -> bytes, and what kind of model it holds. */
export interface ExportedVersion {
  files: Record<string, Uint8Array>;
  /** `network` (tfjs model.json + weights.bin) or `trees` (trees.json). */
  kind: "network" | "trees";
  /** The toolkit's own layer classes the network's topology names; plain tfjs loads the network only when there are none. */
  customLayers: string[];
}

/** The layer classes a tfjs topology names that are the toolkit's own (their class names start with "Mf"). */
export function customLayerClasses(modelJson: Uint8Array): string[] {
  const found = new Set<string>();
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === "object") {
      for (const [key, inner] of Object.entries(value)) {
        // the toolkit names every custom layer class Mf...; tfjs's own classes never start so
        if (key === "class_name" && typeof inner === "string" && inner.startsWith("Mf")) found.add(inner);
        else walk(inner);
      }
    }
  };
  walk((JSON.parse(new TextDecoder().decode(modelJson)) as { modelTopology?: unknown }).modelTopology);
  return [...found].sort();
}

/**
 * Writes one version as a folder that needs none of the toolkit to score: the model (tfjs `model.json` +
 * `weights.bin`, or `trees.json`), `preprocess.json`, `signature.json`, `prepare.json` when the version has
 * it, `registry.json` (the version record and the source run's record, for `mf registry import`) and a
 * README.md saying how to load and score it. An ensemble is refused: its members run through the toolkit.
 *
 * @example
 * ```ts
 * const { files } = await exportVersion(registryStore, "btc-h5", 3, plugins);
 * ```
 */
export async function exportVersion(reader: RegistryReader, name: string, version: number, plugins: Registry): Promise<ExportedVersion> {
  const record = await readVersion(reader, name, version);
  const runs = new VersionRunReader(reader, name, version);
  const run = await readRunJson(runs, record.run_id, "run.json", RunRecord);
  if (run.family === ENSEMBLE_FAMILY) {
    throw new ConfigError(
      `${name}/${version} is an ensemble (${run.model} of ${
        record.lineage.members?.join(", ") ?? "its members"
      }): an exported folder holds one model; score the ensemble with mf predict --model ${name}/${version}, or carry it in a bundle (mf export)`,
      { value: `${name}/${version}` },
    );
  }
  const preprocess = await readRunJson(runs, record.run_id, "model/preprocess.json", Preprocess);
  const paths = await runs.files(record.run_id);
  const modelPaths = paths.filter((p) => p.startsWith("model/") && p !== "model/preprocess.json");
  const files: Record<string, Uint8Array> = {};
  for (const path of modelPaths) files[path.slice("model/".length)] = await runs.read(record.run_id, path);
  const kind = files["model.json"] && files["weights.bin"] ? "network" : files["trees.json"] ? "trees" : undefined;
  if (!kind || Object.keys(files).length !== (kind === "network" ? 2 : 1)) {
    throw new DataError(`${name}/${version}: its model files (${Object.keys(files).join(", ")}) are neither model.json + weights.bin nor trees.json`);
  }
  const customLayers = kind === "network" ? customLayerClasses(files["model.json"]) : [];
  const input = kind === "network" ? plugins.get(run.model).input : undefined;
  const text = (value: unknown) => new TextEncoder().encode(jsonText(value));
  files["preprocess.json"] = await runs.read(record.run_id, "model/preprocess.json");
  if (record.prepare) files["prepare.json"] = await runs.read(record.run_id, "prepare.json");
  files["signature.json"] = text({ name, version, model: run.model, ...record.signature, ...(input ? { input } : {}) });
  files[EXPORT_FILE] = text({ format: EXPORT_FORMAT, name, version, model_files: modelPaths.map((p) => p.slice("model/".length)), record, run });
  files["README.md"] = new TextEncoder().encode(exportReadme({ record, run, preprocess, kind, input, customLayers }));
  return { files, kind, customLayers };
}
