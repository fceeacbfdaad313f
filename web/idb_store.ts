import { NotFoundError } from "../core/errors.ts";
import type { RunStore } from "../core/platform.ts";

/** One stored file of a run; the object store's key is [runId, path]. */
interface FileRecord {
  runId: string;
  path: string;
  data: Uint8Array;
}

const FILES = "files";
const encoder = new TextEncoder();

/**
 * A RunStore in IndexedDB (works in pages and workers): one record per (run id, path), each write
 * one transaction, so a reader sees the old or the new file, never half. Survives reloads.
 * @example const store = await IdbRunStore.open(); await store.list();
 */
export class IdbRunStore implements RunStore {
  private constructor(private readonly db: IDBDatabase, readonly name: string, private readonly marker = "run.json") {}

  /** Opens (creating on first use) the database `name`. */
  static async open(name = "model-factory"): Promise<IdbRunStore> {
    const request = indexedDB.open(name, 1);
    request.onupgradeneeded = () => createFilesStore(request.result);
    return new IdbRunStore(await done(request), name);
  }

  /**
   * A store over the `files` object store of a database opened elsewhere (made by {@linkcode createFilesStore});
   * `list()` names the ids that have a `marker` file. The experiments database keeps its records this way.
   */
  static over(db: IDBDatabase, name: string, marker: string): IdbRunStore {
    return new IdbRunStore(db, name, marker);
  }

  location(runId: string): string {
    return `indexeddb://${this.name}/${runId}`;
  }

  async write(runId: string, path: string, data: Uint8Array | string): Promise<void> {
    const bytes = typeof data === "string" ? encoder.encode(data) : data;
    await this.transact("readwrite", (files) => files.put({ runId, path, data: bytes } satisfies FileRecord));
  }

  async appendLine(runId: string, path: string, line: string): Promise<void> {
    // read and write in one transaction: IndexedDB serialises readwrite transactions on a store, so appends never interleave
    await this.transact("readwrite", (files) => {
      const get = files.get([runId, path]);
      get.onsuccess = () => {
        const old = (get.result as FileRecord | undefined)?.data ?? new Uint8Array(0);
        const add = encoder.encode(`${line}\n`);
        const next = new Uint8Array(old.length + add.length);
        next.set(old);
        next.set(add, old.length);
        files.put({ runId, path, data: next } satisfies FileRecord);
      };
      return get;
    });
  }

  async read(runId: string, path: string): Promise<Uint8Array> {
    const record = await this.transact("readonly", (files) => files.get([runId, path])) as FileRecord | undefined;
    if (!record) throw new NotFoundError(`Run ${runId} has no ${path}`);
    return record.data;
  }

  async list(): Promise<string[]> {
    const keys = await this.transact("readonly", (files) => files.index("path").getAllKeys(IDBKeyRange.only(this.marker)));
    return (keys as [string, string][]).map(([runId]) => runId).sort();
  }

  async files(runId: string): Promise<string[]> {
    const keys = await this.transact("readonly", (files) => files.getAllKeys(runRange(runId)));
    return (keys as [string, string][]).map(([, path]) => path).sort();
  }

  /** Removes one file of a run (a missing one is no error). */
  async removeFile(runId: string, path: string): Promise<void> {
    await this.transact("readwrite", (files) => files.delete([runId, path]));
  }

  async remove(runId: string): Promise<void> {
    await this.transact("readwrite", (files) => files.delete(runRange(runId)));
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

/** Creates the object store a run store keeps its files in, in a database being upgraded. */
export function createFilesStore(db: IDBDatabase): void {
  const files = db.createObjectStore(FILES, { keyPath: ["runId", "path"] });
  // list() asks this index for every run that has its marker file (run.json)
  files.createIndex("path", "path");
}

/** Every key of one run: arrays sort after strings in IndexedDB, so [runId, []] bounds all its paths. */
function runRange(runId: string): IDBKeyRange {
  return IDBKeyRange.bound([runId, ""], [runId, []]);
}

/** Resolves with a request's result, rejects with its error. */
export function done<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}
