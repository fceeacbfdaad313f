import { z } from "zod";
import { DatasetConfig } from "../config/dataset.ts";
import { TrainerConfig } from "../config/trainer.ts";
import { DatasetFingerprint } from "../data/fingerprint.ts";
import { DataError } from "../errors.ts";
import type { RunReader, RunStore } from "../platform.ts";

/**
 * Lifecycle of a run: `running` until it ends as finished, failed, stopped by the user, or pruned by a tuner (its curves
 * kept); `interrupted` when its process died without a word (killed, crashed): a reader found it gone (core/train/liveness.ts).
 */
export const RunStatus = z.enum(["running", "finished", "failed", "stopped", "pruned", "interrupted"]);

/** The tuning study and trial a run was trained for (and the cross-validation fold, 0 first, when the study uses folds). */
export const StudyTag = z.looseObject({ name: z.string(), trial: z.number().int().nonnegative(), fold: z.number().int().nonnegative().optional() });

/** The experiment cell a run was trained for. */
export const ExperimentTag = z.looseObject({ name: z.string(), cell_id: z.string(), label: z.string() });

/** What a model's feature importance measures, as the model says: a short name (a column heading) and how it is measured. */
export const ImportanceKind = z.looseObject({ label: z.string().min(1), detail: z.string() });
/** A parsed importance kind. */
export type ImportanceKind = z.output<typeof ImportanceKind>;

/** run.json: what was trained, on what, how, and how it ended (DESIGN.md "A run"). */
export const RunRecord = z.looseObject({
  id: z.string().min(1),
  model: z.string().min(1),
  family: z.string().min(1),
  horizon: z.number().int().positive(),
  seq_len: z.number().int().positive(),
  // The stored sections are read loosely (a run written by an older version keeps loading); their shape is the schemas'.
  config: z.looseObject({
    params: z.record(z.string(), z.unknown()),
    dataset: DatasetConfig.loose().partial(),
    trainer: TrainerConfig.loose().partial(),
  }),
  dataset: DatasetFingerprint,
  backend: z.looseObject({ name: z.string(), requested: z.string(), reason: z.string(), adapter: z.string().optional() }),
  versions: z.record(z.string(), z.string()),
  seed: z.number().int(),
  status: RunStatus,
  error: z.string().optional(),
  created_at: z.string(),
  best_epoch: z.number().int().optional(),
  epochs_run: z.number().int().optional(),
  stop_reason: z.string().optional(),
  timings: z.record(z.string(), z.number()),
  /** Peak resident memory sampled at each epoch and after scoring, where the platform can tell. */
  resources: z.looseObject({ peak_rss_mb: z.number() }).optional(),
  /** False when the run skipped scoring the test split (tuning). */
  test_scored: z.boolean().optional(),
  /** The experiment and cell the run was trained for. */
  experiment: ExperimentTag.optional(),
  /** The study and trial the run was trained for. */
  study: StudyTag.optional(),
  /** What feature_importance.json measures, as the model reported it; absent without one, and in runs stored before it was recorded. */
  importance_kind: ImportanceKind.optional(),
});
/** A parsed run.json. */
export type RunRecord = z.output<typeof RunRecord>;

/** Where a run belongs, written into run.json: an experiment's cell or a study's trial. */
export type RunTags = Partial<Pick<RunRecord, "experiment" | "study">>;

/** What predict needs to turn a file into model input: the features in order, the scaler, the window. */
export const Preprocess = z.looseObject({
  features: z.array(z.string()).min(1),
  horizon: z.number().int().positive(),
  seq_len: z.number().int().positive(),
  label_column: z.string(),
  /** The training run's NaN policy, applied again to prediction input. */
  nan_policy: DatasetConfig.shape.nan_policy,
  scaler: z.object({ kind: z.literal("standard"), features: z.array(z.string()), mean: z.array(z.number()), std: z.array(z.number()) }).optional(),
});
/** A parsed model/preprocess.json. */
export type Preprocess = z.output<typeof Preprocess>;

const decoder = new TextDecoder();

/**
 * Marks a run `failed` with `message` if it is still `running`: for a watcher whose training process
 * died without a word (a crashed worker, a lost device). A finished or stopped run is left alone.
 */
export async function markRunFailed(store: RunStore, runId: string, message: string): Promise<boolean> {
  const record = await readRunJson(store, runId, "run.json", RunRecord);
  if (record.status !== "running") return false;
  await store.write(runId, "run.json", jsonText({ ...record, status: "failed", error: message }));
  return true;
}

/** JSON text of a value, for run files. */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, null, 2) + "\n";
}

/** Reads and validates a JSON file of a run with `schema`; a malformed file is a DataError naming it. */
export async function readRunJson<S extends z.ZodType>(reader: RunReader, runId: string, path: string, schema: S): Promise<z.output<S>> {
  const text = decoder.decode(await reader.read(runId, path));
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new DataError(`Run ${runId}: ${path} is not valid JSON: ${(cause as Error).message}`, { file: path });
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    // detail lines indented: a message reads as one line about the file, then what is wrong in it
    const detail = z.prettifyError(parsed.error).split("\n").map((line) => `  ${line}`).join("\n");
    throw new DataError(`Run ${runId}: ${path} is malformed:\n${detail}`, { file: path });
  }
  return parsed.data;
}
