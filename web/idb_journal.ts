import { ConfigError } from "../core/errors.ts";
import { journalLines, type JournalOp, type JournalStore, StudyName } from "../core/tune/journal.ts";
import { done } from "./idb_store.ts";

/** One journal line of a study; the object store's key is [study, seq], seq counting lines from 0. */
interface LineRecord {
  study: string;
  seq: number;
  line: string;
}

const LINES = "lines";
/** The page's own record of each study it started (data files, budget): web/studies/tune_records.ts. */
export const TUNES = "tunes";

/**
 * Opens (creating on first use) the studies database that goes with the runs database `runsDb`: `<runsDb>-studies`,
 * holding the journals (`lines`) and the page's tune records (`tunes`). Works in pages and workers.
 */
export async function openStudiesDatabase(runsDb = "model-factory"): Promise<IDBDatabase> {
  const request = indexedDB.open(`${runsDb}-studies`, 1);
  request.onupgradeneeded = () => {
    const lines = request.result.createObjectStore(LINES, { keyPath: ["study", "seq"] });
    // list() asks this index for every study's first line (create_study)
    lines.createIndex("seq", "seq");
    request.result.createObjectStore(TUNES, { keyPath: "name" });
  };
  return await done(request);
}

/**
 * Study journals in IndexedDB, one record per line keyed by (study, line number), shared by every tab and worker of
 * the origin. `transact` is one readwrite transaction: it reads the study's lines, calls `decide` (synchronous) in
 * the read's callback and adds the new lines before the transaction ends. IndexedDB runs readwrite transactions over
 * one object store one at a time across every connection of the origin, and commits each whole or not at all (a tab
 * closed mid-way aborts it), so no other writer gets between the read and the append (two workers never take the
 * same trial number) and no line is ever half written. That is what the disk journal's lock file and fsync give;
 * a Web Lock would add a second mechanism around a read transaction and a write transaction for what one
 * transaction already guarantees. Lines are added with `add`, which fails rather than overwrite, under strict
 * durability (on disk before the transaction completes), as the CLI syncs its journal. Each append writes only its
 * own lines; `decide` still sees the whole text, as on disk.
 * @example const journals = await IdbJournalStore.open("model-factory"); await loadStudy(journals, "logistic-h5");
 */
export class IdbJournalStore implements JournalStore {
  private constructor(private readonly db: IDBDatabase) {}

  /** Opens the studies database of the runs database `runsDb`. */
  static async open(runsDb = "model-factory"): Promise<IdbJournalStore> {
    return new IdbJournalStore(await openStudiesDatabase(runsDb));
  }

  async read(name: string): Promise<string | undefined> {
    checkName(name);
    const tx = this.db.transaction(LINES, "readonly");
    const records = await done(tx.objectStore(LINES).getAll(studyRange(name))) as LineRecord[];
    return records.length ? text(records) : undefined;
  }

  transact<T>(name: string, decide: (text: string | undefined) => { ops: JournalOp[]; result: T }): Promise<T> {
    checkName(name);
    return new Promise<T>((resolve, reject) => {
      const tx = this.db.transaction(LINES, "readwrite", { durability: "strict" });
      const lines = tx.objectStore(LINES);
      let result: T;
      // the first failure is the one to report: an abort that follows it carries no message of its own
      let failure: unknown;
      const get = lines.getAll(studyRange(name));
      get.onsuccess = () => {
        try {
          const records = get.result as LineRecord[];
          const decided = decide(records.length ? text(records) : undefined);
          result = decided.result;
          const added = journalLines(decided.ops).split("\n").slice(0, -1);
          added.forEach((line, i) => lines.add({ study: name, seq: records.length + i, line } satisfies LineRecord));
        } catch (error) {
          failure = error;
          tx.abort();
        }
      };
      tx.oncomplete = () => resolve(result);
      tx.onabort = () => reject(failure ?? tx.error ?? new Error(`IndexedDB transaction on study ${name} aborted`));
    });
  }

  async list(): Promise<string[]> {
    const tx = this.db.transaction(LINES, "readonly");
    const keys = await done(tx.objectStore(LINES).index("seq").getAllKeys(IDBKeyRange.only(0))) as [string, number][];
    return keys.map(([study]) => study).sort();
  }

  /** Forgets a study's journal (its runs stay in the runs store). */
  async remove(name: string): Promise<void> {
    const tx = this.db.transaction(LINES, "readwrite");
    tx.objectStore(LINES).delete(studyRange(name));
    await committed(tx);
  }

  /** Closes the connection (tests; a page keeps it open). */
  close(): void {
    this.db.close();
  }
}

function checkName(name: string): void {
  const parsed = StudyName.safeParse(name);
  if (!parsed.success) throw new ConfigError(`Study name "${name}" is not allowed: ${parsed.error.issues[0].message}`, { key: "study", value: name });
}

/** Every line of one study: numbers sort before arrays in IndexedDB keys, so [name, []] bounds all its line numbers. */
function studyRange(name: string): IDBKeyRange {
  return IDBKeyRange.bound([name, 0], [name, []]);
}

function committed(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error ?? new Error("IndexedDB transaction aborted"));
  });
}

function text(records: LineRecord[]): string {
  return records.map((r) => r.line + "\n").join("");
}
