import { ConfigError } from "../errors.ts";
import type { RunReader } from "../platform.ts";
import { runProblem } from "../train/run_check.ts";
import { readRunJson, RunRecord } from "../train/run_record.ts";
import { packBundle } from "./container.ts";
import { derivedFrom } from "./decode.ts";
import { type EpochLine, epochsSection, parseMetricsJsonl } from "./epochs.ts";
import { type EquityCurves, equityCurves, equitySection } from "./equity.ts";
import { readExperiments } from "./experiments.ts";
import { readRegistry } from "./registry.ts";
import { readStudies, type StudyReader } from "./studies.ts";
import type { RegistryReader } from "../model_registry/store.ts";
import { filesSection, type RunFile } from "./files.ts";
import { type BundleRun, FORMAT, type HeaderDraft, RunId, VERSION } from "./format.ts";
import { type PredictionColumns, predictionsSection, readPredictions } from "./predictions.ts";

/** What goes into a bundle besides what the run views need. */
export interface EncodeOptions {
  /** The model files (`model/...`), so an imported run can predict. Default true. */
  models?: boolean;
  /** The predictions of val and test (`predictions/*.parquet`); large. Default false. */
  predictions?: boolean;
  /** Who made the bundle, e.g. `mf export (model-factory 0.1.0)`. */
  createdBy: string;
  /** A title for the viewer's page. */
  title?: string;
  /** Creation time in ms since the epoch (default: now). */
  now?: number;
  /** Called once per run as it is packed, with the paths it got. */
  onRun?: (runId: string, paths: string[]) => void;
  /**
   * Experiments to carry (their record and report): every file `reader` lists for each name, byte for
   * byte. `reader` is the experiments store, keyed by experiment name.
   */
  experiments?: { reader: RunReader; names: readonly string[]; onExperiment?: (name: string, paths: string[]) => void };
  /**
   * When given, a damaged run (core/train/run_check.ts: run.json, metrics or model JSON that does not read) is left out
   * and reported here, and the others are packed; without it, such a run is a DataError.
   */
  onDamaged?: (runId: string, problem: string) => void;
  /** Registered models to carry (every file of each model's registry folder, byte for byte), read from `reader`. */
  registry?: { reader: RegistryReader; names: readonly string[]; onModel?: (name: string, paths: string[]) => void };
  /** Tuning studies to carry (each study's journal text), read from a journal store. */
  studies?: { reader: StudyReader; names: readonly string[]; onStudy?: (name: string, trials: number) => void };
}

/**
 * Packs runs read from any RunReader (the disk, IndexedDB, another bundle), and optionally experiments,
 * registered models and tuning studies, into one bundle (see docs/bundle.md). A run without a valid run.json, or an experiment without its
 * experiment.json, is a DataError naming it; an unknown or repeated id or name is a ConfigError.
 */
export async function encodeBundle(reader: RunReader, runIds: readonly string[], options: EncodeOptions): Promise<Uint8Array> {
  const { models = true, predictions = false } = options;
  const ids = [...runIds].sort();
  const repeated = ids.find((id, i) => ids[i - 1] === id);
  if (repeated) throw new ConfigError(`Run ${repeated} is asked for twice`, { value: repeated });
  const files: RunFile[] = [];
  const epochs: { id: string; lines: EpochLine[] }[] = [];
  const equity: { id: string; curves: EquityCurves }[] = [];
  const preds: { id: string; split: string; columns: PredictionColumns }[] = [];
  const runs: BundleRun[] = [];
  for (const id of ids) {
    if (!RunId.safeParse(id).success) throw new ConfigError(`Run id "${id}" may hold only letters, digits, ".", "_" and "-"`, { value: id });
    if (options.onDamaged) {
      const problem = await runProblem(reader, id, "whole");
      if (problem) {
        options.onDamaged(id, problem);
        continue;
      }
    } else await readRunJson(reader, id, "run.json", RunRecord); // a run that does not parse is not packed
    const paths: string[] = [];
    for (const path of await reader.files(id)) {
      if ((!models && path.startsWith("model/")) || (!predictions && path.startsWith("predictions/"))) continue;
      const data = await reader.read(id, path);
      paths.push(path);
      const derived = derivedFrom(path);
      if (derived?.section === "epochs") {
        const lines = parseMetricsJsonl(new TextDecoder().decode(data), id);
        if (lines.length) {
          epochs.push({ id, lines });
          continue;
        }
      } else if (derived?.section === "equity") {
        const curves = equityCurves(new TextDecoder().decode(data));
        // a curve without points would vanish from the table, so such a file travels byte for byte
        if (curves && Object.keys(curves).length && Object.values(curves).every((c) => c.time.length)) {
          equity.push({ id, curves });
          continue;
        }
      } else if (derived?.section === "predictions") {
        const columns = await readPredictions(data);
        if (columns?.datetime.length) {
          preds.push({ id, split: derived.split, columns });
          continue;
        }
      }
      // everything else, and files of a shape the typed sections do not hold, travel byte for byte
      files.push({ id, path, data });
    }
    runs.push({ id, files: paths });
    options.onRun?.(id, paths);
  }
  const carried = options.experiments?.names.length
    ? await readExperiments(options.experiments.reader, options.experiments.names, options.experiments.onExperiment)
    : undefined;
  const registered = options.registry?.names.length ? await readRegistry(options.registry.reader, options.registry.names, options.registry.onModel) : undefined;
  const studies = options.studies?.names.length ? await readStudies(options.studies.reader, options.studies.names, options.studies.onStudy) : undefined;
  const draft: HeaderDraft = {
    format: FORMAT,
    version: VERSION,
    created_at: new Date(options.now ?? Date.now()).toISOString(),
    created_by: options.createdBy,
    ...(options.title ? { title: options.title } : {}),
    contents: { models, predictions },
    runs,
    // left out when there are none, so a bundle without experiments is what version 1 always was
    ...(carried ? { experiments: carried.entries } : {}),
    ...(registered ? { registry: registered.entries } : {}),
    ...(studies ? { studies: studies.entries } : {}),
  };
  return packBundle(draft, {
    files: filesSection(files),
    epochs: epochsSection(epochs),
    equity: equitySection(equity),
    ...(predictions ? { predictions: predictionsSection(preds) } : {}),
    ...(carried ? { experiments: filesSection(carried.files, "experiment") } : {}),
    ...(registered ? { registry: filesSection(registered.files, "model") } : {}),
    ...(studies ? { studies: filesSection(studies.files, "study") } : {}),
  });
}
