import { describe, expect, it } from "vitest";
import { DataError } from "../../../core/errors.ts";
import { type CreateStudyOp, journalLines, type JournalOp, replay } from "../../../core/tune/journal.ts";

const header: CreateStudyOp = {
  op: "create_study",
  name: "s1",
  model: "logistic",
  horizon: 5,
  direction: "maximize",
  objective: "f1_macro",
  space: { "params.l2": { type: "float", low: 1e-5, high: 1, log: true } },
  sampler: "random",
  pruner: { name: "median", n_startup_trials: 5 },
  settings: { seed: 0, heartbeat_s: 60 },
  at: "2026-12-01T10:00:00.000Z",
};

const ops: JournalOp[] = [
  header,
  { op: "create_trial", number: 0, worker: "w1", at: "2026-12-01T10:00:01.000Z" },
  { op: "set_params", trial: 0, params: { "params.l2": 0.01 } },
  { op: "create_trial", number: 1, worker: "w2", at: "2026-12-01T10:00:02.000Z" },
  { op: "set_params", trial: 1, params: { "params.l2": 0.1 } },
  { op: "report", trial: 0, step: 0, value: 0.3 },
  { op: "report", trial: 0, step: 1, value: 0.35 },
  { op: "heartbeat", trial: 1, worker: "w2", at: "2026-12-01T10:00:30.000Z" },
  { op: "finish", trial: 0, state: "complete", value: 0.36, run_id: "run-a", at: "2026-12-01T10:00:40.000Z" },
  { op: "report", trial: 1, step: 0, value: 0.2 },
];

describe("replay", () => {
  it("rebuilds trials with params, intermediate values, run ids, workers and heartbeats", () => {
    const study = replay(journalLines(ops), "j");
    expect(study.name).toBe("s1");
    expect(study.direction).toBe("maximize");
    expect(study.trials).toHaveLength(2);
    expect(study.trials[0]).toMatchObject({ number: 0, state: "complete", value: 0.36, run_id: "run-a", worker: "w1", params: { "params.l2": 0.01 } });
    expect(study.trials[0].intermediate).toEqual({ 0: 0.3, 1: 0.35 });
    expect(study.trials[1]).toMatchObject({ number: 1, state: "running", worker: "w2", alive_at: "2026-12-01T10:00:30.000Z" });
    expect(study.trials[1].intermediate).toEqual({ 0: 0.2 });
  });

  it("ignores a partial last line (a write cut short)", () => {
    const text = journalLines(ops) + '{"op":"report","trial":1,"st';
    expect(replay(text, "j").trials[1].intermediate).toEqual({ 0: 0.2 });
  });

  it("reports a corrupt line in the middle by its line number", () => {
    const lines = journalLines(ops).split("\n");
    lines[4] = '{"op":"set_params","trial":1,"par';
    expect(() => replay(lines.join("\n"), "study s1 journal")).toThrow(DataError);
    expect(() => replay(lines.join("\n"), "study s1 journal")).toThrow(/study s1 journal line 5 is corrupt/);
    lines[4] = '{"op":"teleport","trial":1}';
    expect(() => replay(lines.join("\n"), "j")).toThrow(/j line 5 is not a journal operation/);
  });

  it("rejects a journal without create_study first, a second study, and out-of-order or unknown trials", () => {
    expect(() => replay(journalLines(ops.slice(1)), "j")).toThrow(/line 1: the journal must start with create_study/);
    expect(() => replay(journalLines([...ops, header]), "j")).toThrow(/line 11: a second create_study/);
    expect(() => replay(journalLines([header, { op: "create_trial", number: 1, worker: "w", at: "x" }]), "j")).toThrow(
      /out of order; the next trial number is 0/,
    );
    expect(() => replay(journalLines([header, { op: "report", trial: 3, step: 0, value: 1 }]), "j")).toThrow(/trial 3, which was never created/);
    expect(() => replay("", "j")).toThrow(/is empty/);
  });

  it("keeps the first finish of a trial (a worker judged dead cannot revive it)", () => {
    const text = journalLines([
      ...ops,
      { op: "finish", trial: 1, state: "failed", reason: "heartbeat", at: "2026-12-01T10:05:00.000Z" },
      { op: "finish", trial: 1, state: "complete", value: 0.9, at: "2026-12-01T10:06:00.000Z" },
    ]);
    expect(replay(text, "j").trials[1]).toMatchObject({ state: "failed", reason: "heartbeat" });
    expect(replay(text, "j").trials[1].value).toBeUndefined();
  });

  it("treats a running trial silent for longer than the heartbeat timeout as failed and lists it as stale", () => {
    const text = journalLines(ops);
    const now = Date.parse("2026-12-01T10:01:00.000Z");
    expect(replay(text, "j", { now, heartbeatMs: 60_000 }).stale).toEqual([]);
    const study = replay(text, "j", { now, heartbeatMs: 20_000 });
    expect(study.stale).toEqual([1]);
    expect(study.trials[1]).toMatchObject({ state: "failed", reason: "heartbeat" });
    expect(study.trials[0].state).toBe("complete");
  });

  it("journalLines validates what it writes", () => {
    expect(() => journalLines([{ op: "report", trial: -1, step: 0, value: 1 } as JournalOp])).toThrow();
  });
});
