import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../core/errors.ts";
import { appendOps, type CreateStudyOp } from "../../../core/tune/journal.ts";
import { bestTrial, claimTrial, loadStudy, openStudy } from "../../../core/tune/study.ts";
import { MemoryJournalStore } from "./memory_journal.ts";

const header: CreateStudyOp = {
  op: "create_study",
  name: "s",
  model: "logistic",
  horizon: 5,
  direction: "maximize",
  objective: "f1_macro",
  space: {},
  sampler: "random",
  pruner: null,
  settings: {},
  at: "2026-12-01T10:00:00.000Z",
};
const T0 = Date.parse("2026-12-01T10:00:00.000Z");

describe("openStudy", () => {
  it("creates a study once and joins it afterwards", async () => {
    const store = new MemoryJournalStore();
    await openStudy(store, header);
    const again = await openStudy(store, { ...header, sampler: "tpe" });
    expect(again.header.sampler).toBe("random");
    expect(store.texts.get("s")!.trim().split("\n")).toHaveLength(1);
  });

  it("refuses another model or horizon (or a checked field) without touching the journal", async () => {
    const store = new MemoryJournalStore();
    await openStudy(store, header);
    const before = store.texts.get("s");
    await expect(openStudy(store, { ...header, model: "mlp" })).rejects.toThrow(ConfigError);
    await expect(openStudy(store, { ...header, model: "mlp" })).rejects.toThrow(/Study "s" was created with model "logistic", not "mlp"/);
    await expect(openStudy(store, { ...header, horizon: 20 })).rejects.toThrow(/horizon 5, not 20/);
    await expect(openStudy(store, { ...header, objective: "log_loss" }, ["objective"])).rejects.toThrow(/objective "f1_macro", not "log_loss"/);
    expect(store.texts.get("s")).toBe(before);
  });
});

describe("claimTrial", () => {
  const claim = (store: MemoryJournalStore, worker: string, budget: number, now = T0, heartbeatMs = 60_000) =>
    claimTrial(store, "s", { worker, budget, now, heartbeatMs, sample: (_study, number) => ({ x: number * 10 }) });

  it("hands out unique consecutive numbers to concurrent workers and stops at the budget", async () => {
    const store = new MemoryJournalStore();
    await openStudy(store, header);
    const claims = await Promise.all(Array.from({ length: 12 }, (_, k) => claim(store, `w${k % 3}`, 10)));
    const numbers = claims.filter((c) => c.kind === "trial").map((c) => (c.kind === "trial" ? c.number : -1));
    expect(numbers.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(claims.filter((c) => c.kind === "wait")).toHaveLength(2);
    const study = await loadStudy(store, "s");
    expect(study.trials.map((t) => t.params.x)).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
  });

  it("is done once every budgeted trial ended, counting pruned and failed trials", async () => {
    const store = new MemoryJournalStore();
    await openStudy(store, header);
    await claim(store, "a", 2);
    await claim(store, "a", 2);
    const at = header.at;
    await appendOps(store, "s", [
      { op: "finish", trial: 0, state: "pruned", at },
      { op: "finish", trial: 1, state: "failed", reason: "nan loss", at },
    ]);
    expect((await claim(store, "a", 2)).kind).toBe("done");
  });

  it("frees the slot of a trial stopped by the user, not of one that failed on its own", async () => {
    const store = new MemoryJournalStore();
    await openStudy(store, header);
    await claim(store, "a", 2);
    await claim(store, "a", 2);
    await appendOps(store, "s", [
      { op: "finish", trial: 0, state: "failed", reason: "stopped", at: header.at },
      { op: "finish", trial: 1, state: "failed", reason: "out of memory", at: header.at },
    ]);
    expect(await claim(store, "a", 2)).toMatchObject({ kind: "trial", number: 2 });
    expect((await claim(store, "a", 2)).kind).toBe("wait");
  });

  it("marks a silent worker's trial failed and re-runs its slot", async () => {
    const store = new MemoryJournalStore();
    await openStudy(store, header);
    await claim(store, "dead", 2, T0);
    await claim(store, "live", 2, T0);
    await appendOps(store, "s", [
      { op: "heartbeat", trial: 1, worker: "live", at: new Date(T0 + 50_000).toISOString() },
      { op: "finish", trial: 1, state: "complete", value: 0.5, at: new Date(T0 + 55_000).toISOString() },
    ]);
    expect((await claim(store, "live", 2, T0 + 30_000)).kind).toBe("wait"); // trial 0 may still be alive
    const next = await claim(store, "live", 2, T0 + 61_000);
    expect(next).toMatchObject({ kind: "trial", number: 2 });
    const study = await loadStudy(store, "s");
    expect(study.trials[0]).toMatchObject({ state: "failed", reason: "heartbeat" });
    expect(study.trials).toHaveLength(3);
    await appendOps(store, "s", [{ op: "finish", trial: 2, state: "complete", value: 0.7, at: header.at }]);
    expect((await claim(store, "live", 2, T0 + 62_000)).kind).toBe("done");
    expect(bestTrial(await loadStudy(store, "s"))?.number).toBe(2);
  });

  it("names the known studies when one is missing", async () => {
    const store = new MemoryJournalStore();
    await openStudy(store, header);
    await expect(loadStudy(store, "nope")).rejects.toThrow(/No study "nope"; studies: s/);
  });
});

describe("bestTrial", () => {
  it("follows the direction and skips pruned, failed and NaN trials", () => {
    const t = (number: number, state: "complete" | "pruned" | "failed", value?: number) => ({
      number,
      state,
      value,
      params: {},
      intermediate: {},
      worker: "w",
      created_at: "",
      alive_at: "",
    });
    const trials = [t(0, "complete", 0.4), t(1, "pruned", 0.9), t(2, "complete", Number.NaN), t(3, "complete", 0.2), t(4, "failed")];
    expect(bestTrial({ trials, direction: "maximize" })?.number).toBe(0);
    expect(bestTrial({ trials, direction: "minimize" })?.number).toBe(3);
  });
});
