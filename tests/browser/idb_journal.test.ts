import { afterEach, describe, expect, it } from "vitest";
import { ConfigError } from "../../core/errors.ts";
import { appendOps, type CreateStudyOp, replay } from "../../core/tune/journal.ts";
import { claimTrial, loadStudy, openStudy } from "../../core/tune/study.ts";
import { IdbJournalStore } from "../../web/idb_journal.ts";

// Real IndexedDB in headless Chromium; each test uses its own database.
const header: CreateStudyOp = {
  op: "create_study",
  name: "s",
  model: "linear:logistic",
  horizon: 5,
  direction: "maximize",
  objective: "f1_macro",
  space: {},
  sampler: "random",
  pruner: null,
  settings: {},
  at: "2026-12-01T10:00:00.000Z",
};
let opened: IdbJournalStore[] = [];
const open = async (db: string) => {
  const store = await IdbJournalStore.open(db);
  opened.push(store);
  return store;
};
afterEach(() => {
  opened.forEach((s) => s.close());
  opened = [];
});
const sample = (_: unknown, number: number) => ({ "params.x": number });

/** Claims in a module worker: its own connection to the database, in another thread. */
function claimInWorker(db: string, worker: string, claims: number, budget: number): Promise<number[]> {
  const thread = new Worker(new URL("./idb_journal_claims.ts", import.meta.url), { type: "module" });
  return new Promise<number[]>((resolve, reject) => {
    thread.onmessage = (e: MessageEvent<{ numbers?: number[]; error?: string }>) => (e.data.error ? reject(new Error(e.data.error)) : resolve(e.data.numbers!));
    thread.onerror = (e) => reject(new Error(e.message));
    thread.postMessage({ db, study: "s", worker, claims, budget });
  }).finally(() => thread.terminate());
}

describe("IdbJournalStore", () => {
  it("creates a study, appends lines in order and lists studies by their first line", async () => {
    const store = await open(`j-${crypto.randomUUID()}`);
    expect(await store.read("s")).toBeUndefined();
    expect(await store.list()).toEqual([]);
    await openStudy(store, header);
    await openStudy(store, { ...header, name: "a" });
    await appendOps(store, "s", [{ op: "create_trial", number: 0, worker: "w", at: header.at }, { op: "report", trial: 0, step: 0, value: 0.5 }]);
    await appendOps(store, "s", [{ op: "finish", trial: 0, state: "complete", value: 0.7, at: header.at }]);
    const text = (await store.read("s"))!;
    expect(text.split("\n").map((l) => (l ? JSON.parse(l).op : ""))).toEqual(["create_study", "create_trial", "report", "finish", ""]);
    expect(replay(text, "s").trials.map((t) => [t.state, t.value, t.intermediate])).toEqual([["complete", 0.7, { 0: 0.5 }]]);
    expect(await store.list()).toEqual(["a", "s"]);
  });

  it("keeps a study across a reopen (a reload) and forgets only the one removed", async () => {
    const db = `j-${crypto.randomUUID()}`;
    const store = await open(db);
    await openStudy(store, header);
    await openStudy(store, { ...header, name: "b" });
    await store.remove("b");
    store.close();
    const again = await open(db);
    expect(await again.list()).toEqual(["s"]);
    expect((await loadStudy(again, "s")).header.model).toBe("linear:logistic");
  });

  it("appends nothing when the decision throws, and rejects with that error", async () => {
    const store = await open(`j-${crypto.randomUUID()}`);
    await openStudy(store, header);
    const before = await store.read("s");
    await expect(openStudy(store, { ...header, model: "trees:gbdt" })).rejects.toThrow(ConfigError);
    await expect(store.transact("s", () => {
      throw new RangeError("no");
    })).rejects.toThrow(/^no$/);
    expect(await store.read("s")).toBe(before);
  });

  it("refuses a study name that is not a key it allows", async () => {
    const store = await open(`j-${crypto.randomUUID()}`);
    await expect(store.read("../x")).rejects.toThrow(/Study name "..\/x" is not allowed/);
    await expect(openStudy(store, { ...header, name: ".hidden" })).rejects.toThrow(ConfigError);
  });

  it("never gives two concurrent claims the same trial number, within one connection and across connections", async () => {
    const db = `j-${crypto.randomUUID()}`;
    const [one, two] = [await open(db), await open(db)];
    await openStudy(one, header);
    const claims = await Promise.all(
      Array.from(
        { length: 24 },
        (_, k) => claimTrial(k % 2 ? one : two, "s", { worker: `w${k % 2}`, budget: 20, now: Date.now(), heartbeatMs: 60_000, sample }),
      ),
    );
    const numbers = claims.flatMap((c) => (c.kind === "trial" ? [c.number] : []));
    expect(numbers.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(claims.filter((c) => c.kind === "wait")).toHaveLength(4);
    const study = await loadStudy(one, "s");
    expect(study.trials.map((t) => t.params["params.x"])).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it("never gives a page and two workers claiming at once the same trial number", async () => {
    const db = `j-${crypto.randomUUID()}`;
    const store = await open(db);
    await openStudy(store, header);
    const here = Promise.all(
      Array.from({ length: 10 }, () => claimTrial(store, "s", { worker: "page", budget: 30, now: Date.now(), heartbeatMs: 60_000, sample })),
    ).then((got) => got.flatMap((c) => (c.kind === "trial" ? [c.number] : [])));
    const all = (await Promise.all([here, claimInWorker(db, "a", 12, 30), claimInWorker(db, "b", 12, 30)])).flat();
    expect(all).toHaveLength(30);
    expect(all.sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    // every trial in the journal was created by the claim that got its number: the journal replays in order
    const study = await loadStudy(store, "s");
    expect(study.trials.map((t) => t.params["params.x"])).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(new Set(study.trials.map((t) => t.worker))).toEqual(new Set(["page", "a", "b"]));
  });
});
