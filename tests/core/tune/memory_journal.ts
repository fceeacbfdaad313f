import { journalLines, type JournalOp, type JournalStore } from "../../../core/tune/journal.ts";

/** An in-memory JournalStore for tests: one async mutex per study stands in for the lock file. */
export class MemoryJournalStore implements JournalStore {
  readonly texts = new Map<string, string>();
  private readonly queues = new Map<string, Promise<unknown>>();

  read(name: string): Promise<string | undefined> {
    return Promise.resolve(this.texts.get(name));
  }

  transact<T>(name: string, decide: (text: string | undefined) => { ops: JournalOp[]; result: T }): Promise<T> {
    const run = (this.queues.get(name) ?? Promise.resolve()).catch(() => undefined).then(async () => {
      await Promise.resolve(); // let other claims interleave, as separate processes would
      const { ops, result } = decide(this.texts.get(name));
      if (ops.length) this.texts.set(name, (this.texts.get(name) ?? "") + journalLines(ops));
      return result;
    });
    this.queues.set(name, run);
    return run;
  }

  list(): Promise<string[]> {
    return Promise.resolve([...this.texts.keys()].sort());
  }
}
