import { z } from "zod";
import type { ComputeBackend } from "./compute.ts";
import { detectColumns } from "./data/columns.ts";
import type { Frame } from "./data/frame.ts";
import { readFrame, readMetadata } from "./data/read_frame.ts";
import { scaleFrame } from "./data/scaler.ts";
import { Windows } from "./data/windows.ts";
import { loadEnsembleRun } from "./ensemble/load.ts";
import { ENSEMBLE_FAMILY } from "./ensemble/spec.ts";
import { DataError, NotFoundError } from "./errors.ts";
import type { Model, ModelFiles, ModelPlugin } from "./model.ts";
import type { ByteSource, RunReader } from "./platform.ts";
import type { Registry } from "./registry.ts";
import { horizonColumns } from "./data/splits.ts";
import { predictionsParquet } from "./train/predictions.ts";
import { Preprocess, readRunJson, RunRecord } from "./train/run_record.ts";

/** A run's model, ready to score new data. */
export interface LoadedRun {
  record: RunRecord;
  preprocess: Preprocess;
  /** Absent for an ensemble: its members have theirs. */
  plugin?: ModelPlugin;
  model: Model;
}

/** Loads the model of a stored run (its plugin, config, weights and preprocessing) to compute on `backend`; an ensemble loads its members. */
export async function loadRun(reader: RunReader, runId: string, registry: Registry, backend: ComputeBackend): Promise<LoadedRun> {
  const record = await readRunJson(reader, runId, "run.json", RunRecord);
  const preprocess = await readRunJson(reader, runId, "model/preprocess.json", Preprocess);
  if (record.family === ENSEMBLE_FAMILY) return loadEnsembleRun(reader, record, preprocess, (id) => loadRun(reader, id, registry, backend));
  const plugin = registry.get(record.model);
  const parsed = plugin.configSchema.safeParse(record.config.params);
  if (!parsed.success) {
    const detail = z.prettifyError(parsed.error).split("\n").map((line) => `  ${line}`).join("\n");
    throw new DataError(`Run ${runId}: run.json's config.params are not valid ${record.model} settings:\n${detail}`, {
      file: "run.json",
    });
  }
  const files: ModelFiles = {};
  for (const path of await reader.files(runId)) {
    if (path.startsWith("model/") && path !== "model/preprocess.json") files[path.slice("model/".length)] = await reader.read(runId, path);
  }
  if (Object.keys(files).length === 0) throw new NotFoundError(`Run ${runId} has no saved model (status ${record.status})`);
  for (const [name, bytes] of Object.entries(files)) {
    if (!name.endsWith(".json")) continue;
    try {
      JSON.parse(decoder.decode(bytes));
    } catch (cause) {
      throw new DataError(`Run ${runId}: model/${name} is not valid JSON (${(cause as Error).message}); the run's saved model is damaged`, {
        file: `model/${name}`,
      });
    }
  }
  const shape = { seqLen: preprocess.seq_len, nFeatures: preprocess.features.length, nClasses: 3 as const };
  let model: Model;
  try {
    model = await plugin.load(files, parsed.data, shape, { backend });
  } catch (cause) {
    // whatever the plugin's loader says (a truncated weights file, a manifest that does not fit), it is about these stored files
    const listed = Object.keys(files).map((name) => `model/${name}`).join(", ");
    throw new DataError(`Run ${runId}: its saved model (${listed}) cannot be loaded: ${(cause as Error)?.message ?? cause}`, { file: listed });
  }
  return { record, preprocess, plugin, model };
}

const decoder = new TextDecoder();

/** Predictions of one file: the samples scored, their probabilities (n x 3), and the predictions Parquet. */
export interface FilePredictions {
  windows: Windows;
  probs: Float32Array;
  parquet: Uint8Array;
}

/**
 * Scores every row of `source` that has a full window, with the run's features (checked by name and
 * order), scaler and window length. Labels are not needed; rows are scored whether labelled or not.
 */
export async function predictFile(run: LoadedRun, source: ByteSource, options: { onWarning?: (message: string) => void } = {}): Promise<FilePredictions> {
  return predictFrame(run, await readRunFrame(run, source, options));
}

/**
 * Reads `source` with the run's feature columns (checked by name and order) and NaN policy. With `labels`,
 * the run's label column is required (a DataError naming the file and column when absent) and the
 * horizon's forward returns are read when present, as training read them. `onWarning` hears what the NaN policy did
 * that a person should know (a feature without any finite value filled with 0).
 */
export async function readRunFrame(
  run: LoadedRun,
  source: ByteSource,
  options: { labels?: boolean; onWarning?: (message: string) => void } = {},
): Promise<Frame> {
  const { preprocess } = run;
  const columns = detectColumns(source.name, await readMetadata(source)).features;
  const expected = preprocess.features;
  const missing = expected.filter((c) => !columns.includes(c));
  const extra = columns.filter((c) => !expected.includes(c));
  const firstMoved = expected.findIndex((c, j) => columns[j] !== c);
  if (missing.length || extra.length || firstMoved >= 0) {
    const detail = missing.length || extra.length
      ? [missing.length ? `missing: ${missing.join(", ")}` : "", extra.length ? `unexpected: ${extra.join(", ")}` : ""].filter(Boolean).join("; ")
      : `column ${firstMoved} is "${columns[firstMoved]}", the model expects "${expected[firstMoved]}"`;
    throw new DataError(`Feature columns of ${source.name} do not match run ${run.record.id} (${expected.length} features): ${detail}`, { file: source.name });
  }
  return readFrame(source, {
    labelColumn: preprocess.label_column,
    fwdReturnColumn: options.labels ? horizonColumns(preprocess.horizon).fwdReturn : undefined,
    requireLabel: options.labels ?? false,
    featureColumns: expected,
    nanPolicy: preprocess.nan_policy,
    onWarning: options.onWarning,
  });
}

/**
 * Scores a frame whose features are already the run's, in its order (a file read above, or prepared raw bars).
 * `sampling` makes only labelled rows samples (evaluation), optionally without neutrals, as the run's training did.
 */
export async function predictFrame(
  run: LoadedRun,
  frame: Frame,
  sampling: { requireLabel?: boolean; excludeNeutrals?: boolean } = {},
): Promise<FilePredictions> {
  const { preprocess } = run;
  if (frame.featureNames.join() !== preprocess.features.join()) {
    throw new DataError(
      `Features of ${frame.source} (${frame.featureNames.length}) are not run ${run.record.id}'s (${preprocess.features.length}): ${
        frame.featureNames.slice(0, 5).join(", ")
      }, ...`,
      { file: frame.source },
    );
  }
  const scaled = preprocess.scaler ? scaleFrame(preprocess.scaler, frame) : frame;
  const windows = new Windows(scaled, { seqLen: preprocess.seq_len, requireLabel: sampling.requireLabel ?? false, excludeNeutrals: sampling.excludeNeutrals });
  if (windows.size === 0) {
    const labelled = sampling.requireLabel ? ` ending in a labelled row (${frame.labelColumn})` : "";
    throw new DataError(`${frame.source} has no symbol with ${preprocess.seq_len} rows${labelled}, the run's window length`, { file: frame.source });
  }
  const probs = await run.model.predict(windows);
  return { windows, probs, parquet: predictionsParquet(windows, probs, preprocess.horizon) };
}
