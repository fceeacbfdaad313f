import { basename, join } from "node:path";
import { copyExperiments } from "../../core/bundle/copy_experiments.ts";
import { copyRuns } from "../../core/bundle/copy_runs.ts";
import { decodeBundle } from "../../core/bundle/decode.ts";
import { BUNDLE_FILE } from "../../core/bundle/format.ts";
import { BundleExperimentReader } from "../../core/bundle/experiments.ts";
import { bundleBytes } from "../../core/bundle/html.ts";
import { BundleRunReader } from "../../core/bundle/reader.ts";
import { ConfigError, DataError, NotFoundError } from "../../core/errors.ts";
import { parseFlags } from "../args.ts";
import { DiskRunStore } from "../disk_store.ts";
import { experimentsBeside, REGISTRY_FOLDER } from "./export.ts";
import { copyRegistry } from "../../core/bundle/copy_registry.ts";
import { BundleRegistryReader } from "../../core/bundle/registry.ts";
import { DiskRegistryStore } from "../disk_registry_store.ts";
import { importStudies } from "../../core/bundle/import_studies.ts";
import { BundleStudyReader } from "../../core/bundle/studies.ts";
import { DiskJournalStore } from "../disk_journal.ts";
import { STUDIES_FOLDER } from "../export_studies.ts";

const flags = { runs: { type: "string" }, registry: { type: "string" }, studies: { type: "string" }, json: { type: "boolean" } } as const;

/** Usage of `mf import`. */
export const importUsage = `mf import BUNDLE [--runs experiments/runs] [--registry DIR] [--studies DIR] [--json]
     (BUNDLE: an exported site folder, a single-file export (.html) or a bundle file (${BUNDLE_FILE}, or the app's
      download); every run is checked before any is written, and a damaged one is refused (exit code 1, the others
      imported); runs whose id is already in --runs are skipped, never overwritten; a folder left by an import cut
      short (no run.json) is replaced. The bundle's experiments
      go beside the runs folder (experiments/<name>/ for experiments/runs); one already there with the same
      files is left as it is, one there in another version is skipped, never overwritten. Its registered models
      go into --registry, by default registry/ beside the runs folder, by the same rule. Its tuning studies go into
      --studies, by default studies/ beside the runs folder: a study not there is created, one there with the same
      journal is left, one whose journal the bundle's continues gets the rest appended under the study's lock, any
      other is kept as it is and named; a journal that does not replay is refused (exit code 1, the rest imported))`;

/** `mf import`: copies the runs of a bundle into a runs folder. */
export async function importCommand(args: string[]): Promise<void> {
  const positional = args[0] !== undefined && !args[0].startsWith("-");
  const path = positional ? args[0] : undefined;
  const rest = positional ? args.slice(1) : args;
  const f = parseFlags("import", rest, flags);
  if (f.help) return console.log(importUsage);
  if (!path) throw new ConfigError(`mf import: name the bundle to import: ${importUsage.split("\n")[0]}`, { key: "BUNDLE" });
  const file = await bundlePath(path);
  const bytes = await bundleBytes(await Deno.readFile(file), file);
  const bundle = decodeBundle(bytes, file);
  const reader = new BundleRunReader(bundle);
  const root = f.runs ?? join("experiments", "runs");
  const ids = await reader.list();
  console.log(
    `Importing ${ids.length} run(s) from ${file} into ${root} (made ${reader.header.created_at} by ${reader.header.created_by}${
      reader.header.contents.models ? "" : "; without model files, so these runs cannot predict"
    })`,
  );
  // every run is checked before any is written; each is staged beside the runs and renamed into place
  const result = await copyRuns(reader, new DiskRunStore(root), {
    onRun: (id, outcome, detail) => {
      if (outcome === "damaged") console.error(`warning: run ${id} of ${file} is damaged and not imported: ${detail}`);
      else console.log(`  ${outcome === "imported" ? "imported" : "skipped "} ${id}${detail ? ` (${detail})` : ""}`);
    },
  });
  console.log(
    `Imported ${result.imported.length} run(s), skipped ${result.skipped.length}${result.damaged.length ? `, refused ${result.damaged.length} damaged` : ""}.`,
  );
  const experiments = await importExperiments(new BundleExperimentReader(bundle), root);
  const registry = await importRegistry(new BundleRegistryReader(bundle), f.registry ?? join(experimentsBeside(root).dir, REGISTRY_FOLDER));
  const studies = await importStudyJournals(new BundleStudyReader(bundle), f.studies ?? join(experimentsBeside(root).dir, STUDIES_FOLDER));
  if (f.json) {
    console.log(JSON.stringify({ imported: result.imported, skipped: result.skipped, damaged: result.damaged, runs: root, experiments, registry, studies }));
  }
  const refused = [
    ...(result.damaged.length
      ? [`${result.damaged.length} run(s) of ${file} are damaged and were not imported (the other runs were): ${result.damaged.join("; ")}`]
      : []),
    ...(studies.damaged.length
      ? [`${studies.damaged.length} study journal(s) of ${file} do not replay and were not imported (the other studies were): ${studies.damaged.join("; ")}`]
      : []),
  ];
  if (refused.length) throw new DataError(refused.join(". "), { file });
}

/** Copies a bundle's experiments beside the runs folder, a line for each saying what happened. */
async function importExperiments(from: BundleExperimentReader, runs: string) {
  const names = await from.list();
  const beside = experimentsBeside(runs);
  const refused = names.flatMap((name) => {
    const why = beside.why(name);
    return why ? [`${name}: ${why}; not imported`] : [];
  });
  if (!names.length) return { imported: [], identical: [], skipped: [] };
  console.log(`Importing ${names.length} experiment(s) into ${beside.dir}`);
  for (const line of refused) console.log(`  skipped   experiment ${line}`);
  const result = await copyExperiments(from, beside.store, {
    names: names.filter((name) => !beside.why(name)),
    onExperiment: (name, outcome, detail) => console.log(`  ${outcome.padEnd(9)} experiment ${name} (${detail})`),
  });
  result.skipped.push(...refused);
  console.log(`Experiments: imported ${result.imported.length}, already there ${result.identical.length}, skipped ${result.skipped.length}.`);
  return result;
}

/** Copies a bundle's registered models into a registry folder, a line for each saying what happened. */
async function importRegistry(from: BundleRegistryReader, dir: string) {
  const names = await from.list();
  if (!names.length) return { imported: [], identical: [], skipped: [] };
  console.log(`Importing ${names.length} registered model(s) into ${dir}`);
  const result = await copyRegistry(from, new DiskRegistryStore(dir), {
    onModel: (name, outcome, detail) => console.log(`  ${outcome.padEnd(9)} model ${name} (${detail})`),
  });
  console.log(`Registered models: imported ${result.imported.length}, already there ${result.identical.length}, skipped ${result.skipped.length}.`);
  return result;
}

/** Writes a bundle's studies into a studies folder, a line for each saying what happened. */
async function importStudyJournals(from: BundleStudyReader, dir: string) {
  const names = await from.list();
  if (!names.length) return { imported: [], extended: [], identical: [], skipped: [], damaged: [] };
  console.log(`Importing ${names.length} stud${names.length === 1 ? "y" : "ies"} into ${dir}`);
  const result = await importStudies(from, new DiskJournalStore(dir), {
    onStudy: (name, outcome, detail) => {
      if (outcome === "damaged") console.error(`warning: study ${name} is not imported: ${detail}`);
      else if (outcome === "skipped") console.error(`warning: study ${name} in ${dir} is kept as it is, not the bundle's: ${detail}`);
      else console.log(`  ${outcome.padEnd(9)} study ${name} (${detail})`);
    },
  });
  console.log(
    `Studies: imported ${result.imported.length}, extended ${result.extended.length}, already there ${result.identical.length}, kept ${result.skipped.length}${
      result.damaged.length ? `, refused ${result.damaged.length}` : ""
    }.`,
  );
  return result;
}

/** The bundle file of a path: the path itself, or runs.mfbundle in an exported site folder. */
async function bundlePath(path: string): Promise<string> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) throw new NotFoundError(`No bundle at ${path}`);
    throw error;
  }
  if (!info.isDirectory) return path;
  const inside = join(path, BUNDLE_FILE);
  if (await Deno.stat(inside).then(() => true, () => false)) return inside;
  throw new NotFoundError(
    `${path} is a folder without ${BUNDLE_FILE}: give an exported site folder, a single-file export or a bundle file (${basename(path)} is none of these)`,
  );
}
