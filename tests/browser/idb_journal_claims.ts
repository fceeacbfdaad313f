// A worker that claims trials of a study in the IndexedDB journal (tests/browser/idb_journal.test.ts): another
// connection to the same database in another thread, as a second tab or a tune worker would be.
import { claimTrial } from "../../core/tune/study.ts";
import { IdbJournalStore } from "../../web/idb_journal.ts";

self.onmessage = async (event: MessageEvent<{ db: string; study: string; worker: string; claims: number; budget: number }>) => {
  const { db, study, worker, claims, budget } = event.data;
  try {
    const store = await IdbJournalStore.open(db);
    const sample = (_: unknown, number: number) => ({ "params.x": number });
    const got = await Promise.all(
      Array.from({ length: claims }, () => claimTrial(store, study, { worker, budget, now: Date.now(), heartbeatMs: 60_000, sample })),
    );
    store.close();
    self.postMessage({ numbers: got.flatMap((c) => (c.kind === "trial" ? [c.number] : [])) });
  } catch (error) {
    self.postMessage({ error: String((error as Error)?.message ?? error) });
  }
};
