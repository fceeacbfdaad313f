import { z } from "zod";
import { DatasetFingerprint } from "../data/fingerprint.ts";
import { ExperimentTag, RunRecord } from "../train/run_record.ts";
import { AliasName, ModelName } from "./names.ts";

/**
 * The registry's records (zod, loose so that a field added later does not stop an older reader):
 * `registered_model.json` per model, `versions/<n>/version.json` per version.
 */

/** What a version expects of its input and gives back: the feature columns in order, horizon, window, classes. */
export const Signature = z.looseObject({
  /** Feature columns, in the order the model reads them. */
  features: z.array(z.string()).min(1),
  horizon: z.number().int().positive(),
  /** Rows per window, the last one the row being scored. */
  window_length: z.number().int().positive(),
  /** The classes of the probability columns, in order: -1 short, 0 neutral, 1 long. */
  classes: z.array(z.number().int()),
  /** The label column the model was trained on (needed only to evaluate). */
  label_column: z.string(),
});
/** A parsed signature. */
export type Signature = z.output<typeof Signature>;

/** Scalar metrics of one split (accuracy, f1_macro, log_loss, sharpe, ...): metrics.json's numbers, without the tables. */
export const ScalarMetrics = z.record(z.string(), z.number());
/** Scalar metrics of one split. */
export type ScalarMetrics = z.output<typeof ScalarMetrics>;

/** Where a version came from: the run, its experiment or study, data, settings, scores and toolkit. */
export const Lineage = z.looseObject({
  run_id: z.string().min(1),
  model: z.string().min(1),
  family: z.string().min(1),
  seed: z.number().int(),
  /** When the run was created. */
  run_created_at: z.string(),
  /** The experiment cell the run was trained for, when it was. */
  experiment: ExperimentTag.optional(),
  /** The study and trial the run was trained for, when it was (as run.json has it). */
  study: z.unknown().optional(),
  dataset: DatasetFingerprint,
  config: RunRecord.shape.config,
  metrics: z.looseObject({ val: ScalarMetrics.optional(), test: ScalarMetrics.optional() }),
  /** Library and runtime versions the run was trained with. */
  versions: z.record(z.string(), z.string()),
  backend: z.string(),
  /** An ensemble's member runs (copied into the version beside it). */
  members: z.array(z.string()).optional(),
  /** Set when the version came from an exported folder (`mf registry import`): the model and version it was. */
  imported_from: z.looseObject({ name: z.string(), version: z.number().int(), at: z.string() }).optional(),
});
/** A parsed lineage. */
export type Lineage = z.output<typeof Lineage>;

/** versions/<n>/version.json: one registered version. */
export const ModelVersion = z.looseObject({
  name: ModelName,
  version: z.number().int().positive(),
  created_at: z.string(),
  /** The writer, e.g. `mf registry (model-factory 0.1.0)`. */
  created_by: z.string(),
  run_id: z.string().min(1),
  /** Runs copied into the version (`versions/<n>/runs/<id>/`): the source run first, then an ensemble's members. */
  runs: z.array(z.string().min(1)).min(1),
  /** Whether the source run's prepare.json is in the version, so raw bars can be scored. */
  prepare: z.boolean(),
  signature: Signature,
  lineage: Lineage,
  tags: z.record(z.string(), z.string()),
});
/** A parsed version record. */
export type ModelVersion = z.output<typeof ModelVersion>;

/** One move of an alias: set (from null), moved, or removed (to null). */
export const AliasMove = z.looseObject({
  alias: AliasName,
  from: z.number().int().positive().nullable(),
  to: z.number().int().positive().nullable(),
  at: z.string(),
  note: z.string(),
});
/** A parsed alias move. */
export type AliasMove = z.output<typeof AliasMove>;

/** registered_model.json: a model's name, description, tags, aliases and their history. */
export const RegisteredModel = z.looseObject({
  name: ModelName,
  description: z.string(),
  tags: z.record(z.string(), z.string()),
  created_at: z.string(),
  updated_at: z.string(),
  /** The highest version number ever given: numbers are never reused, even after a delete. */
  last_version: z.number().int().nonnegative(),
  /** alias -> version. */
  aliases: z.record(AliasName, z.number().int().positive()),
  /** Every alias move, oldest first. */
  history: z.array(AliasMove),
});
/** A parsed model record. */
export type RegisteredModel = z.output<typeof RegisteredModel>;
