import { basename, dirname, join, resolve } from "node:path";
import { encodeBundle } from "../../core/bundle/encode.ts";
import { BUNDLE_FILE, ExperimentName } from "../../core/bundle/format.ts";
import { embedBundle } from "../../core/bundle/html.ts";
import { matches, parseSelect, SELECT_KEYS } from "../../core/bundle/select.ts";
import { ConfigError, DataError, NotFoundError } from "../../core/errors.ts";
import { listModels } from "../../core/model_registry/list.ts";
import { DiskRegistryStore } from "../disk_registry_store.ts";
import { EXPERIMENT_FILE } from "../../core/experiment/record.ts";
import type { RunRecord } from "../../core/train/run_record.ts";
import { listRuns } from "../../core/train/run_listing.ts";
import { localProbe } from "../process_probe.ts";
import { settleRuns } from "../run_ref.ts";
import pkg from "../../package.json" with { type: "json" };
import { parseFlags } from "../args.ts";
import { DiskRunStore } from "../disk_store.ts";
import { STUDIES_FOLDER, studiesToCarry } from "../export_studies.ts";
import { viewerHtml } from "../viewer_build.ts";
import { writeAtomic } from "../write_atomic.ts";

const flags = {
  runs: { type: "string" },
  select: { type: "string" },
  out: { type: "string" },
  "single-file": { type: "string" },
  "no-models": { type: "boolean" },
  "with-predictions": { type: "boolean" },
  title: { type: "string" },
  registry: { type: "string" },
  "no-registry": { type: "boolean" },
  studies: { type: "string" },
  "no-studies": { type: "boolean" },
  json: { type: "boolean" },
} as const;

/** Usage of `mf export`. */
export const exportUsage = `mf export [--runs experiments/runs] [--select "model=lstm,horizon=5"] --out DIR | --single-file FILE.html
           [--no-models] [--with-predictions] [--title TEXT] [--registry DIR | --no-registry] [--studies DIR | --no-studies] [--json]
     (--out: a static site, index.html + ${BUNDLE_FILE}, for any static server; --single-file: one HTML file
      with everything inlined, opened by double-click; both may be given.
      --select: key=value[,key=value...], key=a|b for alternatives; keys: ${SELECT_KEYS.join(", ")}.
      Model files are in by default, so an imported run can predict (--no-models leaves them out);
      predictions only with --with-predictions. The experiments the selected runs belong to go in too,
      with their reports: each from its folder beside the runs folder, e.g. experiments/<name>/. The model
      registry goes in whole: --registry DIR, by default registry/ beside the runs folder (experiments/registry)
      when it exists; --no-registry leaves it out. Tuning studies go in as their journals: from --studies DIR, by
      default studies/ beside the runs folder (experiments/studies), every study when all runs are exported, else
      those with a trial among the exported runs; --no-studies leaves them out.)`;

/** `mf export`: the selected runs as a static viewer site and/or one self-contained HTML file. */
export async function exportCommand(args: string[]): Promise<void> {
  const f = parseFlags("export", args, flags);
  if (f.help) return console.log(exportUsage);
  const out = f.out, single = f["single-file"];
  if (!out && !single) throw new ConfigError("mf export: give --out DIR (a static site) or --single-file FILE.html (one file), or both", { key: "out" });
  const selection = f.select === undefined ? undefined : parseSelect(f.select);
  const root = f.runs ?? join("experiments", "runs");
  const store = new DiskRunStore(root);
  await settleRuns(store);
  const listing = await listRuns(store, { now: Date.now(), probe: localProbe() });
  // one damaged run is named and left out, never the reason the others cannot be exported
  const damaged = new Set(listing.damaged.map((d) => d.id));
  for (const d of listing.damaged) console.error(`warning: run ${d.id} is damaged and left out: ${d.problem}`);
  if (!listing.runs.length) {
    throw new DataError(
      `No runs in ${root}${
        damaged.size ? ` that can be read (${damaged.size} damaged)` : ""
      } (a run is a folder holding run.json); train one with mf train, or point --runs at a runs folder`,
      { file: root },
    );
  }
  const records = listing.runs.map((r) => r.record);
  const chosen = selection ? records.filter((r) => matches(r, selection)) : records;
  if (!chosen.length) {
    const seen = (pick: (r: RunRecord) => string | number) => [...new Set(records.map(pick))].sort().join(", ");
    throw new DataError(
      `No run in ${root} matches --select "${f.select}": its ${records.length} runs have model ${seen((r) => r.model)}; horizon ${
        seen((r) => r.horizon)
      }; status ${seen((r) => r.status)}`,
      { key: "select", value: f.select },
    );
  }
  if (out) await checkOutFolder(out);
  const log = (line: string) => console.log(line);
  const html = await viewerHtml(log);
  const models = !f["no-models"], predictions = Boolean(f["with-predictions"]);
  log(
    `Exporting ${chosen.length} of ${records.length} run(s) from ${root} (model files: ${models ? "yes" : "no"}, predictions: ${predictions ? "yes" : "no"})`,
  );
  const beside = experimentsBeside(root);
  const experiments = await experimentsToCarry(chosen, beside, log);
  const registry = f["no-registry"] ? undefined : await registryToCarry(f.registry ?? join(beside.dir, REGISTRY_FOLDER), f.registry !== undefined, log);
  const studies = f["no-studies"] ? undefined : await studiesToCarry(f.studies ?? join(beside.dir, STUDIES_FOLDER), {
    named: f.studies !== undefined,
    exported: new Set(chosen.map((r) => r.id)),
    all: chosen.length === records.length,
    log,
  });
  const byId = new Map(chosen.map((r) => [r.id, r]));
  let n = 0;
  const left: string[] = [];
  const bundle = await encodeBundle(store, chosen.map((r) => r.id), {
    onDamaged: (id, problem) => {
      left.push(id);
      console.error(`warning: run ${id} is damaged and left out: ${problem}`);
    },
    models,
    predictions,
    title: f.title,
    createdBy: `mf export (model-factory ${pkg.version})`,
    onRun: (id, paths) => {
      const r = byId.get(id)!;
      log(`  [${++n}/${chosen.length}] ${id}  ${r.model} h${r.horizon} ${r.status}  ${paths.length} files`);
    },
    experiments: {
      reader: beside.store,
      names: experiments,
      onExperiment: (name, paths) => log(`  experiment ${name}  ${paths.length} files (${paths.join(", ")})`),
    },
    registry: registry && {
      reader: registry.store,
      names: registry.names,
      onModel: (name, paths) => log(`  registered model ${name}  ${paths.length} files`),
    },
    studies: studies && { reader: studies.store, names: studies.names, onStudy: (name, trials) => log(`  study ${name}  ${trials} trials`) },
  });
  if (left.length === chosen.length) {
    throw new DataError(`None of the ${chosen.length} selected run(s) in ${root} can be exported: each is damaged (see the warnings)`, { file: root });
  }
  const written: Record<string, number> = {};
  if (out) {
    await Deno.mkdir(out, { recursive: true });
    await writeAtomic(join(out, BUNDLE_FILE), bundle);
    await writeAtomic(join(out, "index.html"), new TextEncoder().encode(html));
    written[join(out, "index.html")] = html.length;
    written[join(out, BUNDLE_FILE)] = bundle.length;
    log(
      `Site: ${out}/ (index.html ${size(html.length)}, ${BUNDLE_FILE} ${
        size(bundle.length)
      }); serve it with any static server, e.g. python3 -m http.server -d ${out}`,
    );
  }
  if (single) {
    const page = new TextEncoder().encode(await embedBundle(html, bundle));
    await writeAtomic(single, page);
    written[single] = page.length;
    log(`Single file: ${single} (${size(page.length)}); it opens by double-click, no server needed`);
  }
  if (f.json) {
    console.log(
      JSON.stringify({
        runs: chosen.map((r) => r.id).filter((id) => !left.includes(id)),
        damaged: [...damaged, ...left].sort(),
        experiments,
        registry: registry?.names ?? [],
        studies: studies?.names ?? [],
        models,
        predictions,
        bundle_bytes: bundle.length,
        files: written,
      }),
    );
  }
}

/** The experiments folder of a runs folder: its parent, where experiment `<name>` keeps `<name>/experiment.json`. */
export function experimentsBeside(runs: string): { dir: string; store: DiskRunStore; why(name: string): string | undefined } {
  const dir = dirname(resolve(runs));
  return {
    dir,
    store: new DiskRunStore(dir),
    /** Why an experiment of this name cannot live beside these runs, or undefined when it can. */
    why: (name) =>
      !ExperimentName.safeParse(name).success
        ? `"${name}" is not a folder name`
        : name === basename(resolve(runs))
        ? `its folder would be the runs folder ${runs}`
        : name === REGISTRY_FOLDER
        ? `its folder would be the model registry's`
        : name === STUDIES_FOLDER
        ? `its folder would be the studies'`
        : undefined,
  };
}

/** The experiments the runs name that have a record beside the runs folder; the others are named and left out. */
async function experimentsToCarry(records: readonly RunRecord[], beside: ReturnType<typeof experimentsBeside>, log: (line: string) => void) {
  const names = [...new Set(records.flatMap((r) => (r.experiment ? [r.experiment.name] : [])))].sort();
  const found: string[] = [];
  for (const name of names) {
    const record = join(beside.dir, name, EXPERIMENT_FILE);
    const why = beside.why(name) ?? (await Deno.stat(record).then(() => undefined, (error) => {
      if (error instanceof Deno.errors.NotFound) return `no ${record}`;
      throw error;
    }));
    if (why) log(`Experiment ${name} (named by the runs) is left out: ${why}`);
    else found.push(name);
  }
  return found;
}

/** The registry folder's name beside the runs folder (experiments/registry for experiments/runs). */
export const REGISTRY_FOLDER = "registry";

/**
 * The registered models to carry: every readable model of the registry folder (a corrupt one is named and
 * left out). A missing folder carries nothing, unless it was named with --registry, which is then an error.
 */
async function registryToCarry(dir: string, named: boolean, log: (line: string) => void) {
  const exists = await Deno.stat(dir).then(() => true, (error) => {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  });
  if (!exists) {
    if (named) throw new NotFoundError(`--registry ${dir}: no such folder`);
    return undefined;
  }
  const store = new DiskRegistryStore(dir);
  const { models, problems } = await listModels(store);
  for (const problem of problems) log(`Registry: left out (unreadable): ${problem}`);
  return { store, names: models.map((m) => m.name) };
}

/** An export folder must be new, empty, or an earlier export (which is replaced): never someone's other files. */
async function checkOutFolder(out: string): Promise<void> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(out)) names.push(entry.name);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return;
    throw error;
  }
  const ours = new Set(["index.html", BUNDLE_FILE]);
  if (names.length && !names.includes(BUNDLE_FILE)) {
    throw new ConfigError(
      `--out ${out} is a folder with other files (${names.slice(0, 5).join(", ")}${
        names.length > 5 ? ", ..." : ""
      }); give a new or empty folder, or an earlier export`,
      { key: "out", value: out },
    );
  }
  const others = names.filter((n) => !ours.has(n));
  if (others.length) {
    throw new ConfigError(`--out ${out} holds an export and other files (${others.slice(0, 5).join(", ")}); give a new or empty folder`, {
      key: "out",
      value: out,
    });
  }
}

function size(bytes: number): string {
  return bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${Math.ceil(bytes / 1e3)} kB`;
}
