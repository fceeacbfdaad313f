import { NotFoundError } from "../errors.ts";
import { EXPERIMENT_FILE } from "../experiment/record.ts";
import type { RunReader, RunStore } from "../platform.ts";

/** What copying experiments did: written, already there byte for byte, or left out with the reason. */
export interface ExperimentCopyResult {
  imported: string[];
  /** Already in the store with the same files: nothing to do. */
  identical: string[];
  /** `<name>: why`, for experiments the store holds in another version (never overwritten). */
  skipped: string[];
}

/** How one experiment went, for progress lines. */
export type ExperimentCopyOutcome = "imported" | "identical" | "skipped";

/**
 * Copies experiments (a bundle's) into an experiments store, keyed by name. An experiment the store
 * does not have is written, experiment.json last, so one cut short is not taken for complete. One it
 * has with every file equal is left as it is and reported identical; one it has in another version
 * (a file differs or is missing) is never overwritten: it is skipped, naming the files that differ.
 *
 * @example
 * ```ts
 * const { imported, skipped } = await copyExperiments(new BundleExperimentReader(bundle), experimentsStore);
 * ```
 */
export async function copyExperiments(
  from: RunReader,
  to: RunStore,
  options: { names?: readonly string[]; onExperiment?: (name: string, outcome: ExperimentCopyOutcome, detail: string) => void } = {},
): Promise<ExperimentCopyResult> {
  const result: ExperimentCopyResult = { imported: [], identical: [], skipped: [] };
  for (const name of options.names ?? (await from.list())) {
    const paths = await from.files(name);
    const stored = await filesOf(to, name);
    if (stored.length) {
      const differ: string[] = [];
      for (const path of paths) {
        const mine = stored.includes(path) ? await to.read(name, path) : undefined;
        if (!mine) differ.push(`${path} (not there)`);
        else if (!sameBytes(mine, await from.read(name, path))) differ.push(path);
      }
      if (differ.length === 0) {
        result.identical.push(name);
        options.onExperiment?.(name, "identical", `already in ${to.location(name)}, identical`);
      } else {
        const why = `${to.location(name)} holds another version (${differ.join(", ")} differ${differ.length === 1 ? "s" : ""}); left as it is`;
        result.skipped.push(`${name}: ${why}`);
        options.onExperiment?.(name, "skipped", why);
      }
      continue;
    }
    for (const path of paths.filter((p) => p !== EXPERIMENT_FILE)) await to.write(name, path, await from.read(name, path));
    if (paths.includes(EXPERIMENT_FILE)) await to.write(name, EXPERIMENT_FILE, await from.read(name, EXPERIMENT_FILE));
    result.imported.push(name);
    options.onExperiment?.(name, "imported", `into ${to.location(name)}`);
  }
  return result;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** An experiment's files in a store, none when the store has no such experiment. */
async function filesOf(store: RunStore, name: string): Promise<string[]> {
  try {
    return await store.files(name);
  } catch (error) {
    if (error instanceof NotFoundError) return [];
    throw error;
  }
}
