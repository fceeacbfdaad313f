import { describe, expect, it } from "vitest";
import { chooseMembers, findCandidates } from "../../../core/ensemble/members.ts";
import type { ExperimentRuns } from "../../../core/experiment/collect.ts";
import { MemoryRunStore } from "../../../core/memory_store.ts";
import { jsonText, type RunRecord } from "../../../core/train/run_record.ts";

interface Fake {
  id: string;
  label: string;
  family: string;
  horizon: number;
  val: number;
  test: number;
  status?: RunRecord["status"];
}

/** A store and the experiment's runs: one cell per fake run, in the order given, with metrics.json {val, test}. */
async function experiment(fakes: readonly Fake[]) {
  const store = new MemoryRunStore();
  const runs: ExperimentRuns = new Map();
  const cells = fakes.map((f, index) => ({ cellId: `cell-${f.id}`, index, label: f.label }));
  for (const f of fakes) {
    const record = { id: f.id, family: f.family, horizon: f.horizon, status: f.status ?? "finished", created_at: "2025-01-01T00:00:00Z" } as RunRecord;
    runs.set(`cell-${f.id}`, [record]);
    await store.write(f.id, "run.json", jsonText(record));
    await store.write(f.id, "metrics.json", jsonText({ val: { f1_macro: f.val }, test: { f1_macro: f.test } }));
  }
  return { store, runs, cells };
}

describe("ensemble members", () => {
  it("takes each family's best run on validation macro-F1, never on test", async () => {
    const { store, runs, cells } = await experiment([
      { id: "lin-a", label: "logistic", family: "linear", horizon: 5, val: 0.45, test: 0.3 },
      // the trap: best of its family on test, worse on validation
      { id: "lin-b", label: "logistic-w2", family: "linear", horizon: 5, val: 0.4, test: 0.6 },
      { id: "mlp", label: "mlp", family: "neural", horizon: 5, val: 0.38, test: 0.5 },
      { id: "lstm", label: "lstm", family: "neural", horizon: 5, val: 0.39, test: 0.2 },
      { id: "gbdt", label: "gbdt", family: "trees", horizon: 5, val: 0.5, test: 0.1, status: "failed" },
      { id: "ens", label: "soft_voting", family: "ensemble", horizon: 5, val: 0.9, test: 0.9 },
      { id: "lin-h20", label: "logistic", family: "linear", horizon: 20, val: 0.3, test: 0.3 },
    ]);
    const members = chooseMembers(await findCandidates(store, cells, runs));
    expect(members.get(5)!.map((m) => [m.record.id, m.label, m.valF1])).toEqual([["lin-a", "logistic", 0.45], ["lstm", "lstm", 0.39]]);
    expect(members.get(20)!.map((m) => m.record.id)).toEqual(["lin-h20"]);
  });

  it("breaks a tie on validation by the earlier cell, and orders members by family", () => {
    const record = (id: string, family: string) => ({ id, family, horizon: 5 }) as RunRecord;
    const members = chooseMembers([
      { record: record("t1", "trees"), label: "gbdt", valF1: 0.4, order: 3 },
      { record: record("n2", "neural"), label: "mlp-b", valF1: 0.4, order: 2 },
      { record: record("n1", "neural"), label: "mlp-a", valF1: 0.4, order: 1 },
    ]);
    expect(members.get(5)!.map((m) => m.record.id)).toEqual(["n1", "t1"]);
  });

  it("leaves out runs whose validation macro-F1 is not a number", async () => {
    const { store, runs, cells } = await experiment([{ id: "a", label: "a", family: "linear", horizon: 5, val: 0.4, test: 0.4 }]);
    await store.write("a", "metrics.json", jsonText({ val: { f1_macro: null } }));
    expect(await findCandidates(store, cells, runs)).toEqual([]);
  });
});
