import type { ComputeBackend } from "../compute.ts";
import { DataError } from "../errors.ts";
import { type LoadedRun, loadRun } from "../predict.ts";
import type { Registry } from "../registry.ts";
import type { ModelRef } from "./names.ts";
import { readVersion, resolveVersion } from "./read.ts";
import type { ModelVersion } from "./records.ts";
import type { RegistryReader } from "./store.ts";
import { VersionRunReader } from "./version_reader.ts";

/** A registered version ready to score: its record, the model loaded from the version's own copy, and that copy as a RunReader. */
export interface LoadedVersion {
  version: ModelVersion;
  run: LoadedRun;
  /** The version's runs (for prepare.json and an ensemble's members). */
  reader: VersionRunReader;
  /** `NAME/VERSION`, for messages and summaries. */
  label: string;
}

/**
 * Loads the version a reference points at (`NAME@ALIAS` or `NAME/VERSION`) from the registry alone, never from
 * the runs folder, to compute on `backend`. Unknown names, aliases and versions list what exists.
 *
 * @example
 * ```ts
 * const { run } = await loadVersion(registryStore, parseModelRef("btc-h5@champion", { needVersion: true }), plugins, backend);
 * const { probs } = await predictFile(run, source);
 * ```
 */
export async function loadVersion(reader: RegistryReader, ref: ModelRef, plugins: Registry, backend: ComputeBackend): Promise<LoadedVersion> {
  const number = await resolveVersion(reader, ref);
  const version = await readVersion(reader, ref.name, number);
  const runs = new VersionRunReader(reader, ref.name, number);
  const run = await loadRun(runs, version.run_id, plugins, backend);
  const label = `${ref.name}/${number}`;
  if (run.preprocess.features.join("\u0000") !== version.signature.features.join("\u0000")) {
    run.model.dispose();
    throw new DataError(`${reader.location(ref.name)}: version ${number}'s signature and its copied preprocess.json list different features`);
  }
  return { version, run, reader: runs, label };
}
