import { z } from "zod";
import { NotFoundError } from "../../core/errors.ts";
import { openStudiesDatabase, TUNES } from "../idb_journal.ts";
import { StoredExperiment } from "../idb_experiments.ts";

/**
 * What the page keeps of a study it tunes, besides its journal: the data files (the browser keeps the File
 * objects, so a reload can resume without picking them again, unless the browser let go of them) and the budget
 * the page asked for (a worker's trial count; the journal does not hold it).
 */
export const TuneRecord = z.looseObject({
  name: z.string(),
  files: StoredExperiment.shape.files,
  budget: z.number().int().positive(),
  saved_at: z.string(),
});
/** A study's tune record. */
export type TuneRecord = z.output<typeof TuneRecord>;

/**
 * The tune records in the studies database (web/idb_journal.ts), keyed by study name; in pages and workers.
 * @example const records = await IdbTuneRecords.open("model-factory"); await records.get("logistic-h5");
 */
export class IdbTuneRecords {
  private constructor(private readonly db: IDBDatabase) {}

  /** Opens the studies database of the runs database `runsDb`. */
  static async open(runsDb = "model-factory"): Promise<IdbTuneRecords> {
    return new IdbTuneRecords(await openStudiesDatabase(runsDb));
  }

  /** Stores (or replaces) a study's record. */
  async save(record: TuneRecord): Promise<void> {
    await this.transact("readwrite", (tunes) => tunes.put(TuneRecord.parse(record)));
  }

  /** One study's record; NotFoundError when the page never tuned it (a study made elsewhere, or its record removed). */
  async get(name: string): Promise<TuneRecord> {
    const found = await this.transact("readonly", (tunes) => tunes.get(name));
    if (found === undefined) throw new NotFoundError(`No data files are stored in this browser for study "${name}"`);
    return TuneRecord.parse(found);
  }

  /** Every record, by name. */
  async list(): Promise<TuneRecord[]> {
    const all = await this.transact("readonly", (tunes) => tunes.getAll()) as unknown[];
    return all.map((x) => TuneRecord.parse(x)).sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Forgets a study's record and files. */
  async remove(name: string): Promise<void> {
    await this.transact("readwrite", (tunes) => tunes.delete(name));
  }

  /** Closes the connection (tests; a page keeps it open). */
  close(): void {
    this.db.close();
  }

  private transact<T>(mode: IDBTransactionMode, body: (tunes: IDBObjectStore) => IDBRequest<T>): Promise<T> {
    return new Promise((resolve, reject) => {
      const tx = this.db.transaction(TUNES, mode);
      const request = body(tx.objectStore(TUNES));
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error ?? new Error("IndexedDB transaction aborted"));
    });
  }
}
