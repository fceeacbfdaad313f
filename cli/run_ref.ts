import { basename, dirname, join } from "node:path";
import { parseMetricsJsonl } from "../core/bundle/epochs.ts";
import { DataError, NotFoundError } from "../core/errors.ts";
import { effectiveRecord, settleInterrupted } from "../core/train/liveness.ts";
import { readRunJson, RunRecord } from "../core/train/run_record.ts";
import { DiskRunStore } from "./disk_store.ts";
import { localProbe } from "./process_probe.ts";

/** The runs folder when --runs is not given. */
export const DEFAULT_RUNS = join("experiments", "runs");

/**
 * A run named on the command line: a folder holding run.json (its parent is the store), or an id in the runs folder.
 * An id that is not one, or names no run there, is an error naming it and the folder.
 */
export async function openRunRef(run: string, runs: string | undefined): Promise<{ store: DiskRunStore; runId: string }> {
  const trimmed = run.replace(/[\\/]+$/, "");
  const isDir = trimmed !== "" && await exists(join(trimmed, "run.json"));
  if (!isDir && /[\\/]/.test(trimmed)) throw new NotFoundError(`No run at ${run} (it has no run.json)`);
  const store = new DiskRunStore(isDir ? dirname(trimmed) : runs ?? DEFAULT_RUNS);
  const runId = isDir ? basename(trimmed) : trimmed;
  if (!(await exists(join(store.location(runId), "run.json")))) {
    const partial = await store.isPartial(runId);
    throw new NotFoundError(
      `No run ${runId} in ${store.root}${partial ? ` (${store.location(runId)} has no run.json: a copy cut short; mf import replaces it)` : ""}`,
    );
  }
  return { store, runId };
}

/**
 * Rewrites the runs of a folder (or only `ids`) whose process is gone as `interrupted`, a warning line for each: what
 * every command that opens a runs folder does first, so no reader is left with a `running` run that never ends.
 */
export async function settleRuns(store: DiskRunStore, ids?: readonly string[]): Promise<string[]> {
  const settled = await settleInterrupted(store, { now: Date.now(), probe: localProbe(), ids });
  for (const id of settled) console.error(`warning: run ${id} was left running by a process that is gone; marked interrupted`);
  return settled;
}

/** What a prediction scores with when the run is not finished: its status and the epoch its saved model comes from. */
export interface Checkpoint {
  status: RunRecord["status"];
  /** 0-based epoch of the saved model, when the files tell. */
  epoch?: number;
  description: string;
}

/**
 * Refuses to score with a run that is not `finished` unless `allow` is set, saying its status (and why it ended) and
 * which checkpoint its model/ holds; with `allow`, warns the same and returns it for the summary. Undefined for a
 * finished run.
 */
export async function checkFinished(store: DiskRunStore, runId: string, allow: boolean): Promise<Checkpoint | undefined> {
  await settleRuns(store, [runId]);
  const record = await effectiveRecord(store, await readRunJson(store, runId, "run.json", RunRecord), { now: Date.now(), probe: localProbe() });
  if (record.status === "finished") return undefined;
  const checkpoint = await checkpointOf(store, record);
  const ended = record.status === "stopped" || record.status === "pruned";
  const reason = record.error?.replace(/^interrupted: /, "") ?? (ended ? record.stop_reason : undefined);
  const why = reason ? ` (${reason})` : "";
  if (checkpoint.epoch === undefined) {
    // nothing to score with, allowed or not
    throw new NotFoundError(`Run ${runId} is ${record.status}${why}, not finished, and ${checkpoint.description}: there is no model to score with`);
  }
  if (!allow) {
    throw new DataError(
      `Run ${runId} is ${record.status}${why}, not finished: its saved model is ${checkpoint.description}; give --allow-unfinished to score with it anyway`,
      { value: record.status },
    );
  }
  console.error(`warning: run ${runId} is ${record.status}${why}: scoring with ${checkpoint.description}`);
  return checkpoint;
}

/** Which saved model a run holds: the final one (stopped or pruned runs end by saving it) or the last best-epoch checkpoint. */
async function checkpointOf(store: DiskRunStore, record: RunRecord): Promise<Checkpoint> {
  const ended = record.status === "stopped" || record.status === "pruned";
  if (ended && record.best_epoch !== undefined) {
    const restored = record.config.trainer.restore_best !== false;
    const epoch = restored ? record.best_epoch : (record.epochs_run ?? record.best_epoch + 1) - 1;
    return {
      status: record.status,
      epoch,
      description: `the one saved when it ended, with ${restored ? "the best" : "the last"} epoch's weights (epoch ${epoch + 1} of ${
        record.epochs_run ?? "?"
      })`,
    };
  }
  const files = await store.files(record.id);
  const lines = files.includes("metrics.jsonl") ? parseMetricsJsonl(new TextDecoder().decode(await store.read(record.id, "metrics.jsonl")), record.id) : [];
  const best = lines.filter((l) => l.best === true).at(-1);
  // preprocess.json is written after the model's own files: without it the checkpoint is not complete
  const hasModel = files.includes("model/preprocess.json") && files.some((p) => p.startsWith("model/") && p !== "model/preprocess.json");
  if (!best || !hasModel || record.config.trainer.checkpoint === false) {
    return { status: record.status, description: `it saved no checkpoint (${lines.length} epoch(s) ran)` };
  }
  const loss = typeof best.val_loss === "number" ? `, ${best.val_loss.toFixed(4)}` : "";
  return {
    status: record.status,
    epoch: best.epoch,
    description: `the checkpoint of epoch ${best.epoch + 1} (the best validation loss by then${loss}; ${lines.length} epoch(s) ran)`,
  };
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}
