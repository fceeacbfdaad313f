import { join } from "node:path";
import { ConfigError } from "../core/errors.ts";
import { journalLines, type JournalOp, type JournalStore, StudyName } from "../core/tune/journal.ts";
import { type LockOptions, withFileLock } from "./disk_lock.ts";

/** The journal's file name inside a study's folder. */
export const JOURNAL_FILE = "journal.jsonl";

/**
 * Studies on disk: `<root>/<name>/journal.jsonl`, shared by any number of processes. Every append happens under
 * `<root>/<name>/journal.lock` (created with O_EXCL; stale locks of dead processes are broken, cli/disk_lock.ts)
 * and is fsynced before the lock is released. A last line cut short by a killed writer is cut off under the lock
 * before the next append, so it never fuses with a new line.
 */
export class DiskJournalStore implements JournalStore {
  constructor(readonly root: string, private readonly lock: LockOptions = {}) {}

  /** The study's folder. */
  folder(name: string): string {
    const parsed = StudyName.safeParse(name);
    if (!parsed.success) throw new ConfigError(`Study name "${name}" is not allowed: ${parsed.error.issues[0].message}`, { key: "study", value: name });
    return join(this.root, name);
  }

  async read(name: string): Promise<string | undefined> {
    try {
      return await Deno.readTextFile(join(this.folder(name), JOURNAL_FILE));
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return undefined;
      throw error;
    }
  }

  async transact<T>(name: string, decide: (text: string | undefined) => { ops: JournalOp[]; result: T }): Promise<T> {
    const folder = this.folder(name);
    await Deno.mkdir(folder, { recursive: true });
    const path = join(folder, JOURNAL_FILE);
    return await withFileLock(join(folder, "journal.lock"), async () => {
      let text = await this.read(name);
      if (text !== undefined && text.length > 0 && !text.endsWith("\n")) {
        // a writer killed mid-line: its partial line was never part of the journal; drop it before appending
        const keep = text.lastIndexOf("\n") + 1;
        await Deno.truncate(path, new TextEncoder().encode(text.slice(0, keep)).length);
        text = text.slice(0, keep);
      }
      const { ops, result } = decide(text === "" ? undefined : text);
      if (ops.length > 0) {
        const file = await Deno.open(path, { create: true, append: true });
        try {
          const bytes = new TextEncoder().encode(journalLines(ops));
          for (let written = 0; written < bytes.length;) written += await file.write(bytes.subarray(written));
          await file.syncData();
        } finally {
          file.close();
        }
      }
      return result;
    }, this.lock);
  }

  async list(): Promise<string[]> {
    const names: string[] = [];
    try {
      for await (const entry of Deno.readDir(this.root)) {
        if (!entry.isDirectory) continue;
        const exists = await Deno.stat(join(this.root, entry.name, JOURNAL_FILE)).then(() => true, (error) => {
          if (error instanceof Deno.errors.NotFound) return false;
          throw error;
        });
        if (exists) names.push(entry.name);
      }
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return [];
      throw error;
    }
    return names.sort();
  }
}
