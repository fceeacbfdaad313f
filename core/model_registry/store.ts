/**
 * The registry's storage seam. A registered model is a folder of small files keyed by its name:
 *
 * ```
 * <name>/registered_model.json          the model: description, tags, aliases, alias history
 * <name>/versions/<n>/version.json      version n: lineage, signature, tags (written last)
 * <name>/versions/<n>/runs/<run_id>/    what predicting needs of the run: run.json, metrics.json,
 *                                       model/ (with preprocess.json), prepare.json; an ensemble's members beside it
 * ```
 *
 * cli/ keeps it on disk (`experiments/registry/`), the app in IndexedDB; core only sees these interfaces.
 */

/** The model record's path in a model's folder. */
export const MODEL_FILE = "registered_model.json";
/** A version record's name in its folder. */
export const VERSION_FILE = "version.json";

/** Path of version `n`'s folder (or of a file in it) inside the model's folder. */
export function versionPath(version: number, path?: string): string {
  return path ? `versions/${version}/${path}` : `versions/${version}`;
}

/** The read side: what a viewer (or a bundle) offers. The same shape as RunReader, keyed by model name. */
export interface RegistryReader {
  /** Names of the registered models (folders holding registered_model.json), sorted. */
  list(): Promise<string[]>;
  /** Paths of a model's files, relative and `/`-separated, sorted; NotFoundError when there is no such model. */
  files(name: string): Promise<string[]>;
  /** Bytes of one file of a model; NotFoundError when absent. */
  read(name: string, path: string): Promise<Uint8Array>;
  /** Where a model lives, for a person: a folder on disk, `indexeddb://...`, a bundle's name. */
  location(name: string): string;
}

/**
 * A writable registry. Writes are atomic per file (a reader sees the old or the new bytes); `withLock`
 * serialises every change of one model (registering, moving aliases, deleting) across processes or tabs,
 * so two registrations at once get versions n and n+1.
 */
export interface RegistryStore extends RegistryReader {
  write(name: string, path: string, data: Uint8Array | string): Promise<void>;
  /** Removes a file or a folder (every file under `path/`) of a model; nothing there is not an error. */
  remove(name: string, path: string): Promise<void>;
  /** Runs `work` holding the model's exclusive lock, and releases it however `work` ends. */
  withLock<T>(name: string, work: () => Promise<T>): Promise<T>;
}
