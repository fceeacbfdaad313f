import { z } from "zod";
import type { SplitSources } from "../core/data/splits.ts";
import { NotFoundError } from "../core/errors.ts";
import { EXPERIMENT_FILE } from "../core/experiment/record.ts";
import { blobSource } from "./blob_source.ts";
import { createFilesStore, done, IdbRunStore } from "./idb_store.ts";

const QUEUES = "queues";
const isBlob = (v: unknown) => typeof Blob !== "undefined" && v instanceof Blob;
const StoredFile = z.custom<File>(isBlob, "a File");

/**
 * What the page keeps of an experiment besides its record and report: the config it was planned from,
 * its data files (the browser keeps the File objects), and whether its queue should be running.
 */
export const StoredExperiment = z.looseObject({
  name: z.string(),
  /** The experiment config as the page built it (ExperimentConfig's input); planned again on every start. */
  config: z.record(z.string(), z.unknown()),
  files: z.union([z.object({ file: StoredFile }), z.object({ train: StoredFile, val: StoredFile, test: StoredFile })]),
  /** running: the queue should run (a reload resumes it); stopped: Stop was pressed; ended: every cell was tried. */
  state: z.enum(["running", "stopped", "ended"]),
  /** Why the last start failed before or between cells (a bad config, an unreadable file). */
  error: z.string().optional(),
  saved_at: z.string(),
});
/** An experiment's queue as stored. */
export type StoredExperiment = z.output<typeof StoredExperiment>;

/**
 * The experiments database (`<runs database>-experiments`): `records`, a RunStore keyed by experiment name
 * for the runner's experiment.json, report.json and report.md, and the queues (config, files, state).
 * Runs themselves stay in the runs database. Works in pages and workers.
 * @example const experiments = await IdbExperimentStore.open("model-factory"); await experiments.list();
 */
export class IdbExperimentStore {
  private constructor(private readonly db: IDBDatabase, readonly records: IdbRunStore) {}

  /** Opens (creating on first use) the experiments database that goes with the runs database `runsDb`. */
  static async open(runsDb = "model-factory"): Promise<IdbExperimentStore> {
    const name = `${runsDb}-experiments`;
    const request = indexedDB.open(name, 1);
    request.onupgradeneeded = () => {
      createFilesStore(request.result);
      request.result.createObjectStore(QUEUES, { keyPath: "name" });
    };
    const db = await done(request);
    return new IdbExperimentStore(db, IdbRunStore.over(db, name, EXPERIMENT_FILE));
  }

  /** Stores (or replaces) an experiment's queue. */
  async save(experiment: StoredExperiment): Promise<void> {
    await this.transact("readwrite", (queues) => queues.put(experiment));
  }

  /** One experiment's queue; NotFoundError when none has that name. */
  async get(name: string): Promise<StoredExperiment> {
    const found = await this.transact("readonly", (queues) => queues.get(name));
    if (found === undefined) throw new NotFoundError(`No experiment named "${name}" is stored in this browser`);
    return StoredExperiment.parse(found);
  }

  /** Every stored queue, by name. */
  async list(): Promise<StoredExperiment[]> {
    const all = await this.transact("readonly", (queues) => queues.getAll());
    return (all as unknown[]).map((x) => StoredExperiment.parse(x)).sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Sets a queue's state (and its last error, cleared when absent). */
  async setState(name: string, state: StoredExperiment["state"], error?: string): Promise<void> {
    const { error: _old, ...stored } = await this.get(name);
    await this.save({ ...stored, state, ...(error ? { error } : {}) });
  }

  /** Forgets an experiment: its queue, data files, record and report (its runs stay in the runs store). */
  async remove(name: string): Promise<void> {
    await this.transact("readwrite", (queues) => queues.delete(name));
    await this.records.remove(name);
  }

  private transact<T>(mode: IDBTransactionMode, body: (queues: IDBObjectStore) => IDBRequest<T>): Promise<T> {
    return new Promise((resolve, reject) => {
      const tx = this.db.transaction(QUEUES, mode);
      const request = body(tx.objectStore(QUEUES));
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error ?? new Error("IndexedDB transaction aborted"));
    });
  }
}

/** An experiment's stored files as byte sources, read a slice at a time. */
export function storedSources(files: StoredExperiment["files"]): SplitSources {
  return "file" in files ? { file: blobSource(files.file) } : { train: blobSource(files.train), val: blobSource(files.val), test: blobSource(files.test) };
}
