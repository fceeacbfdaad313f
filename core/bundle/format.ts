import { z } from "zod";
import { ModelName } from "../model_registry/names.ts";
import { StudyName } from "../tune/journal.ts";

/**
 * The bundle: runs as one file that a static viewer, the CLI and the web app all read. See
 * docs/bundle.md for the layout; this module holds its constants and the header's schema.
 */

/** The first 8 bytes of every bundle. */
export const MAGIC = "MFBUNDLE";
/** `format` in the header. */
export const FORMAT = "model-factory-bundle";
/** The one version this code writes and reads. */
export const VERSION = 1;
/** The usual file name of a bundle (in an exported site, next to index.html). */
export const BUNDLE_FILE = "runs.mfbundle";

/** A run id as a folder name: no path separators, no leading dot (the same rule as the disk store). */
export const RunId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "a run id holds letters, digits, '.', '_' and '-' and starts with a letter or digit");

/** An experiment's name as a folder name and URL part: the rule of the experiment config's `experiment.name`. */
export const ExperimentName = z.string().regex(
  /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/,
  "an experiment name holds up to 100 letters, digits, '.', '_' and '-' and starts with a letter or digit",
);

/** A run file's path: relative, `/`-separated, never leaving the run's folder. */
export const RunPath = z.string().min(1).refine(
  (p) => !p.startsWith("/") && !p.includes("\\") && p.split("/").every((part) => part !== "" && part !== "." && part !== ".."),
  "a file path is relative, '/'-separated, with no empty, '.' or '..' part",
);

/** Where a section's bytes are: offset from the start of the bundle, and length. */
export const Section = z.strictObject({ offset: z.number().int().nonnegative(), length: z.number().int().nonnegative() });
/** A parsed section entry. */
export type Section = z.output<typeof Section>;

/** One run in the header: its id and every file a reader of the bundle can read for it. */
export const BundleRun = z.looseObject({ id: RunId, files: z.array(RunPath) });
/** A parsed run entry. */
export type BundleRun = z.output<typeof BundleRun>;

/** One experiment in the header: its name and its files (experiment.json, report.json, report.md, ...). */
export const BundleExperiment = z.looseObject({ name: ExperimentName, files: z.array(RunPath) });
/** A parsed experiment entry. */
export type BundleExperiment = z.output<typeof BundleExperiment>;

/** One registered model in the header: its name and every file of its registry folder (registered_model.json, versions/...). */
export const BundleRegisteredModel = z.looseObject({ name: ModelName, files: z.array(RunPath) });
/** A parsed registered-model entry. */
export type BundleRegisteredModel = z.output<typeof BundleRegisteredModel>;

/** One tuning study in the header: its name and its files (the journal, `journal.jsonl`). */
export const BundleStudy = z.looseObject({ name: StudyName, files: z.array(RunPath) });
/** A parsed study entry. */
export type BundleStudy = z.output<typeof BundleStudy>;

/** The header without the sections' places: what a writer decides before laying the bundle out. */
export const HeaderDraft = z.looseObject({
  format: z.literal(FORMAT),
  version: z.literal(VERSION),
  created_at: z.string(),
  created_by: z.string(),
  /** A title for the viewer's page, when the exporter gave one. */
  title: z.string().optional(),
  /** Whether model files and predictions were put in (a bundle without models cannot predict). */
  contents: z.looseObject({ models: z.boolean(), predictions: z.boolean() }),
  runs: z.array(BundleRun),
  /** Experiments of the runs (their record and report), in the `experiments` section; absent from bundles without any. */
  experiments: z.array(BundleExperiment).optional(),
  /** Registered models (the model registry's folders), in the `registry` section; absent from bundles without any. */
  registry: z.array(BundleRegisteredModel).optional(),
  /** Tuning studies (each study's journal), in the `studies` section; absent from bundles without any. */
  studies: z.array(BundleStudy).optional(),
});
/** A header draft. */
export type HeaderDraft = z.output<typeof HeaderDraft>;

/**
 * The header (JSON): loose, so a field added by a later version-1 writer does not stop this reader;
 * see "Versioning" in docs/bundle.md.
 */
export const BundleHeader = HeaderDraft.extend({
  sections: z.looseObject({
    files: Section,
    epochs: Section,
    equity: Section,
    predictions: Section.optional(),
    experiments: Section.optional(),
    registry: Section.optional(),
    studies: Section.optional(),
  }),
});
/** A parsed header. */
export type BundleHeader = z.output<typeof BundleHeader>;
