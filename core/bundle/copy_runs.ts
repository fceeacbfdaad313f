import { NotFoundError } from "../errors.ts";
import type { RunReader, RunStore } from "../platform.ts";

/** What a copy did: runs written, and runs left alone with the reason. */
export interface CopyResult {
  imported: string[];
  skipped: string[];
}

/**
 * Copies runs from a reader (an imported bundle) into a store. A run whose id the store already has
 * (even as a leftover folder without run.json) is skipped and left untouched; run.json is written
 * last, so a copy cut short leaves no run that lists as complete.
 */
export async function copyRuns(
  from: RunReader,
  to: RunStore,
  options: { ids?: readonly string[]; onRun?: (id: string, copied: boolean) => void } = {},
): Promise<CopyResult> {
  const result: CopyResult = { imported: [], skipped: [] };
  const stored = new Set(await to.list());
  for (const id of options.ids ?? (await from.list())) {
    if (stored.has(id) || (await filesOf(to, id)).length) {
      result.skipped.push(`${id}: already in ${to.location(id)}, left as it is`);
      options.onRun?.(id, false);
      continue;
    }
    const paths = await from.files(id);
    for (const path of paths.filter((p) => p !== "run.json")) await to.write(id, path, await from.read(id, path));
    await to.write(id, "run.json", await from.read(id, "run.json"));
    result.imported.push(id);
    options.onRun?.(id, true);
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
