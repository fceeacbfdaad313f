import { NotFoundError } from "../errors.ts";
import type { RunReader, RunStore } from "../platform.ts";
import { runProblem } from "../train/run_check.ts";

/** What a copy did: runs written, runs left alone with the reason, and damaged runs refused with the reason. */
export interface CopyResult {
  imported: string[];
  skipped: string[];
  /** Runs of the source that cannot be used as they are (see runProblem): none of their files was written. */
  damaged: string[];
}

/** What happened to one run of a copy. */
export type CopyOutcome = "imported" | "skipped" | "damaged";

/**
 * Copies runs from a reader (an imported bundle) into a store. Every run is checked whole before anything is
 * written (run.json a valid record with the id it is listed under, metrics and model JSON that parse); a damaged
 * run is refused with the reason and the others are copied. A run whose id the store already has (a folder with
 * run.json) is skipped and left untouched; a folder without run.json (a copy killed midway) is replaced. A store
 * with `writeRun` gets each run at once (on disk: staged and renamed into place); otherwise run.json is written
 * last, so a copy cut short leaves no run that lists as complete.
 */
export async function copyRuns(
  from: RunReader,
  to: RunStore,
  options: { ids?: readonly string[]; onRun?: (id: string, outcome: CopyOutcome, detail?: string) => void } = {},
): Promise<CopyResult> {
  const result: CopyResult = { imported: [], skipped: [], damaged: [] };
  const ids = options.ids ?? (await from.list());
  const problems = new Map<string, string>();
  for (const id of ids) {
    const problem = await runProblem(from, id, "whole");
    if (problem) problems.set(id, problem);
  }
  const stored = new Set(await to.list());
  for (const id of ids) {
    const problem = problems.get(id);
    if (problem) {
      result.damaged.push(problem);
      options.onRun?.(id, "damaged", problem);
      continue;
    }
    if (stored.has(id)) {
      result.skipped.push(`${id}: already in ${to.location(id)}, left as it is`);
      options.onRun?.(id, "skipped", "already there, left as it is");
      continue;
    }
    const files: Record<string, Uint8Array> = {};
    for (const path of await from.files(id)) files[path] = await from.read(id, path);
    if (to.writeRun) await to.writeRun(id, files);
    else {
      if ((await filesOf(to, id)).length) await to.remove(id); // no run.json: what a copy cut short left
      for (const [path, data] of Object.entries(files)) if (path !== "run.json") await to.write(id, path, data);
      await to.write(id, "run.json", files["run.json"]);
    }
    result.imported.push(id);
    options.onRun?.(id, "imported");
  }
  return result;
}

/** A run's files in a store, none when the store has no such run. */
async function filesOf(store: RunStore, id: string): Promise<string[]> {
  try {
    return await store.files(id);
  } catch (error) {
    if (error instanceof NotFoundError) return [];
    throw error;
  }
}
