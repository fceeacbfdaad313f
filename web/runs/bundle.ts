import { copyExperiments, type ExperimentCopyResult } from "../../core/bundle/copy_experiments.ts";
import { copyRuns } from "../../core/bundle/copy_runs.ts";
import { decodeBundle } from "../../core/bundle/decode.ts";
import { encodeBundle } from "../../core/bundle/encode.ts";
import { RunId } from "../../core/bundle/format.ts";
import { BundleExperimentReader, experimentsOfRuns } from "../../core/bundle/experiments.ts";
import { copyRegistry, type RegistryCopyResult } from "../../core/bundle/copy_registry.ts";
import { BundleRegistryReader } from "../../core/bundle/registry.ts";
import { listModels } from "../../core/model_registry/list.ts";
import type { RegistryReader, RegistryStore } from "../../core/model_registry/store.ts";
import { bundleBytes, embedBundle } from "../../core/bundle/html.ts";
import { BundleRunReader } from "../../core/bundle/reader.ts";
import { importStudies, type StudyImportResult } from "../../core/bundle/import_studies.ts";
import { BundleStudyReader, studiesOfRuns, type StudyReader } from "../../core/bundle/studies.ts";
import type { JournalStore } from "../../core/tune/journal.ts";
import { NotFoundError } from "../../core/errors.ts";
import { EXPERIMENT_FILE } from "../../core/experiment/record.ts";
import type { RunReader, RunStore } from "../../core/platform.ts";

/**
 * Writes runs into a folder the way the CLI lays them out (`<folder>/<run id>/run.json`, `model/...`),
 * so `mf predict --run <folder>/<run id>` reads them as they are. Returns the number of files written.
 */
export async function exportRuns(reader: RunReader, runIds: readonly string[], folder: FileSystemDirectoryHandle): Promise<number> {
  let written = 0;
  for (const id of runIds) {
    const root = await folder.getDirectoryHandle(id, { create: true });
    for (const path of await reader.files(id)) {
      const parts = path.split("/");
      let dir = root;
      for (const part of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(part, { create: true });
      const writable = await (await dir.getFileHandle(parts.at(-1)!, { create: true })).createWritable();
      await writable.write(await reader.read(id, path) as Uint8Array<ArrayBuffer>);
      await writable.close();
      written++;
    }
  }
  return written;
}

/** What an import did: runs stored, and runs left out with the reason; and the bundle's experiments, registered models and studies, when it had any. */
export interface ImportResult {
  imported: string[];
  skipped: string[];
  experiments?: ExperimentCopyResult;
  registry?: RegistryCopyResult;
  studies?: StudyImportResult;
}

/**
 * Imports the runs in files picked as a folder (a runs folder written by the CLI or by exportRuns, or
 * one run's folder): every folder holding a run.json is a run, named by that folder. Each is checked whole before
 * anything is written (copyRuns): a damaged run (run.json that does not parse or names another id, malformed
 * metrics or model files) is skipped with the reason, and so is an id already stored; stored runs are never touched.
 */
export async function importRuns(store: RunStore, files: readonly File[]): Promise<ImportResult> {
  const pathOf = (f: File) => f.webkitRelativePath || f.name;
  const roots = files.map(pathOf).filter((p) => p === "run.json" || p.endsWith("/run.json")).map((p) => p.slice(0, -"run.json".length));
  const result: ImportResult = { imported: [], skipped: [] };
  const rootOf = new Map<string, string>();
  for (const root of roots) {
    const id = root.split("/").filter(Boolean).at(-1) ?? "";
    if (!RunId.safeParse(id).success) {
      result.skipped.push(`${root || "(picked folder)"}: ${JSON.stringify(id)} is not a run id; pick the folder that holds the run folders`);
    } else if (rootOf.has(id)) result.skipped.push(`${root}: run ${id} is also in ${rootOf.get(id)}; imported from there only`);
    else rootOf.set(id, root);
  }
  const under = (id: string) => files.filter((f) => pathOf(f).startsWith(rootOf.get(id)!));
  const picked: RunReader = {
    list: async () => [...rootOf.keys()],
    files: async (id) => under(id).map((f) => pathOf(f).slice(rootOf.get(id)!.length)),
    read: async (id, path) => {
      const file = under(id).find((f) => pathOf(f) === `${rootOf.get(id)}${path}`);
      if (!file) throw new NotFoundError(`Run ${id} has no ${path} in the picked folder`);
      return new Uint8Array(await file.arrayBuffer());
    },
  };
  const copied = await copyRuns(picked, store);
  result.imported.push(...copied.imported);
  result.skipped.push(...copied.skipped, ...copied.damaged.map((d) => `not imported (damaged): ${d}`));
  if (!roots.length) result.skipped.push("No run.json found in the picked folder");
  return result;
}

/** The stores a bundle download carries from, beside the runs, and where it names what it leaves out. */
export interface ExportOptions {
  /** The experiments store (keyed by name): the experiments the runs belong to go in, those it has a record of. */
  experiments?: RunReader;
  /** The model registry: it goes in whole, as `mf export` carries it, every model whose record reads (a corrupt one left out). */
  registry?: RegistryReader;
  /** The journal store: the studies that go with the runs go in (studiesOfRuns), as `mf export` picks them. */
  studies?: StudyReader;
  /** Given, a damaged run is left out and named here (otherwise its files travel and the import refuses it). */
  onDamaged?: (problem: string) => void;
  /** Where a study whose journal does not replay is named; it is left out either way. */
  onStudyLeftOut?: (problem: string) => void;
}

/**
 * The selected runs as a bundle (docs/bundle.md), model files in, predictions out: what `mf import` and the
 * viewer read. With stores in `options`, the runs' experiments, the model registry and the runs' tuning studies go in too.
 */
export async function exportBundle(reader: RunReader, runIds: readonly string[], options: ExportOptions = {}): Promise<Uint8Array> {
  const { experiments, registry, studies, onDamaged } = options;
  const names: string[] = [];
  if (experiments) {
    for (const name of await experimentsOfRuns(reader, runIds)) if ((await filesOf(experiments, name)).includes(EXPERIMENT_FILE)) names.push(name);
  }
  const models = registry ? (await listModels(registry)).models.map((m) => m.name) : [];
  const all = new Set(await reader.list());
  const studyNames = studies
    ? await studiesOfRuns(studies, {
      runs: new Set(runIds),
      all: all.size > 0 && [...all].every((id) => runIds.includes(id)),
      onLeftOut: (name, why) => options.onStudyLeftOut?.(`Study ${name} is left out (unreadable): ${why}`),
    })
    : [];
  return encodeBundle(reader, runIds, {
    createdBy: "Model Factory web app",
    // one damaged run is named and left out, never the reason the others cannot be downloaded
    ...(onDamaged ? { onDamaged: (_id: string, problem: string) => onDamaged(problem) } : {}),
    models: true,
    predictions: false,
    ...(experiments && names.length ? { experiments: { reader: experiments, names } } : {}),
    ...(registry && models.length ? { registry: { reader: registry, names: models } } : {}),
    ...(studies && studyNames.length ? { studies: { reader: studies, names: studyNames } } : {}),
  });
}

/** An experiment's files in a store, none when the store has no such experiment. */
async function filesOf(store: RunReader, name: string): Promise<string[]> {
  try {
    return await store.files(name);
  } catch (error) {
    if (error instanceof NotFoundError) return [];
    throw error;
  }
}

/**
 * The static viewer (built beside the app as viewer/index.html) with a bundle inside: one HTML file
 * that opens anywhere from file://.
 */
export async function viewerPage(bundle: Uint8Array): Promise<string> {
  const response = await fetch(new URL("viewer/index.html", document.baseURI));
  if (!response.ok) throw new Error(`the viewer page (viewer/index.html) is not part of this build (${response.status}); build with npm run build`);
  return embedBundle(await response.text(), bundle);
}

/** The stores a bundle import writes into beside the runs; a bundle's experiments, models or studies without one stay out. */
export interface ImportStores {
  /** The experiments store: one already stored with the same files is left, one in another version skipped, never overwritten. */
  experiments?: RunStore;
  /** The model registry, by the same rule. */
  registry?: RegistryStore;
  /** The journal store: studies are created, left when the same, appended to when the bundle's journal continues the stored one, else kept (importStudies). */
  studies?: JournalStore;
}

/**
 * Imports the runs of a bundle file: a download of this app, a bundle from mf export, or a
 * single-file viewer page. Every run is checked before anything is written: a damaged one is named and left out, the
 * others imported. Ids already stored are skipped and left as they are; run.json is written last. With `stores`,
 * the bundle's experiments, registered models and tuning studies are imported too.
 */
export async function importBundle(store: RunStore, file: File, stores: ImportStores = {}): Promise<ImportResult> {
  const bytes = await bundleBytes(new Uint8Array(await file.arrayBuffer()), file.name);
  const bundle = decodeBundle(bytes, file.name);
  const copied = await copyRuns(new BundleRunReader(bundle), store);
  // a damaged run of the bundle is named among the problems; the others are imported
  const result: ImportResult = { imported: copied.imported, skipped: [...copied.skipped, ...copied.damaged.map((d) => `not imported (damaged): ${d}`)] };
  const carried = new BundleExperimentReader(bundle);
  if (stores.experiments && (await carried.list()).length) result.experiments = await copyExperiments(carried, stores.experiments);
  const registered = new BundleRegistryReader(bundle);
  if (stores.registry && (await registered.list()).length) result.registry = await copyRegistry(registered, stores.registry);
  const studies = new BundleStudyReader(bundle);
  if (stores.studies && (await studies.list()).length) result.studies = await importStudies(studies, stores.studies);
  return result;
}
