import { NotFoundError } from "../core/errors.ts";
import { MODEL_FILE, type RegistryStore } from "../core/model_registry/store.ts";
import { done } from "./idb_store.ts";

/** One stored file of a registered model; the object store's key is [name, path]. */
interface FileRecord {
  name: string;
  path: string;
  data: Uint8Array;
}

const FILES = "files";
const encoder = new TextEncoder();

/**
 * The model registry in IndexedDB (`<runs database>-registry`), in pages and workers: one record per
 * (model name, path), each write one transaction, so a reader sees the old or the new file, never half.
 * `withLock` is a Web Lock per model, held across tabs and workers of the origin, so two registrations
 * at once get versions n and n+1. The runs database is left as it is.
 *
 * @example
 * ```ts
 * const registry = await IdbRegistryStore.open("model-factory");
 * await registerRun(registry, runs, runId, { name: "btc-h5", aliases: ["champion"], createdBy: "app" });
 * ```
 */
export class IdbRegistryStore implements RegistryStore {
  private constructor(private readonly db: IDBDatabase, readonly name: string) {}

  /** Opens (creating on first use) the registry database that goes with the runs database `runsDb`. */
  static async open(runsDb = "model-factory"): Promise<IdbRegistryStore> {
    const name = `${runsDb}-registry`;
    const request = indexedDB.open(name, 1);
    request.onupgradeneeded = () => {
      const files = request.result.createObjectStore(FILES, { keyPath: ["name", "path"] });
      // list() asks this index for every model that has its record
      files.createIndex("path", "path");
    };
    return new IdbRegistryStore(await done(request), name);
  }

  location(name: string): string {
    return `indexeddb://${this.name}/${name}`;
  }

  async list(): Promise<string[]> {
    const keys = await this.transact("readonly", (files) => files.index("path").getAllKeys(IDBKeyRange.only(MODEL_FILE)));
    return (keys as [string, string][]).map(([name]) => name).sort();
  }

  async files(name: string): Promise<string[]> {
    const keys = await this.transact("readonly", (files) => files.getAllKeys(modelRange(name)));
    if (!keys.length) throw new NotFoundError(`No registered model ${name} in ${this.location(name)}`);
    return (keys as [string, string][]).map(([, path]) => path).sort();
  }

  async read(name: string, path: string): Promise<Uint8Array> {
    const record = await this.transact("readonly", (files) => files.get([name, path])) as FileRecord | undefined;
    if (!record) throw new NotFoundError(`Registered model ${name} has no ${path} in ${this.location(name)}`);
    return record.data;
  }

  async write(name: string, path: string, data: Uint8Array | string): Promise<void> {
    const bytes = typeof data === "string" ? encoder.encode(data) : data.slice();
    await this.transact("readwrite", (files) => files.put({ name, path, data: bytes } satisfies FileRecord));
  }

  async remove(name: string, path: string): Promise<void> {
    await this.transact("readwrite", (files) => {
      files.delete([name, path]);
      // every path under `path/`: "0" is the character after "/", so the range holds exactly those
      return files.delete(IDBKeyRange.bound([name, `${path}/`], [name, `${path}0`], false, true));
    });
  }

  withLock<T>(name: string, work: () => Promise<T>): Promise<T> {
    // the lock is released when the callback's promise settles, however it ends
    return navigator.locks.request(`mf-registry:${this.name}:${name}`, { mode: "exclusive" }, () => work()) as Promise<T>;
  }

  /** Closes the connection (tests; a page keeps it open). */
  close(): void {
    this.db.close();
  }

  /** Runs `body` in one transaction and resolves with its request's result once the transaction commits. */
  private transact<T>(mode: IDBTransactionMode, body: (files: IDBObjectStore) => IDBRequest<T>): Promise<T> {
    return new Promise((resolve, reject) => {
      const tx = this.db.transaction(FILES, mode);
      const request = body(tx.objectStore(FILES));
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error ?? new Error("IndexedDB transaction aborted"));
    });
  }
}

/** Every key of one model: arrays sort after strings in IndexedDB, so [name, []] bounds all its paths. */
function modelRange(name: string): IDBKeyRange {
  return IDBKeyRange.bound([name, ""], [name, []]);
}
