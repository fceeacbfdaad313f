import { describe, expect, it } from "vitest";
import { journalLines, type JournalOp, replay } from "../../../core/tune/journal.ts";
import { heartbeatMs, studyStatus } from "../../../web/studies/study_status.ts";

const at = (s: number) => new Date(Date.UTC(2026, 11, 1, 10, 0, s)).toISOString();
const header: JournalOp = {
  op: "create_study",
  name: "s",
  model: "linear:logistic",
  horizon: 5,
  direction: "maximize",
  objective: "f1_macro",
  space: {},
  sampler: "random",
  pruner: null,
  settings: { heartbeat_s: 10 },
  at: at(0),
};
const trial = (number: number, s: number): JournalOp => ({ op: "create_trial", number, worker: "w", at: at(s) });
const finish = (trial: number, state: "complete" | "pruned" | "failed", value?: number, reason?: string): JournalOp => ({
  op: "finish",
  trial,
  state,
  ...(value !== undefined ? { value } : {}),
  ...(reason ? { reason } : {}),
  at: at(30),
});
const study = (ops: JournalOp[], nowS: number) => replay(journalLines([header, ...ops]), "s", { now: Date.parse(at(nowS)), heartbeatMs: 10_000 });

describe("studyStatus", () => {
  const ops = [trial(0, 1), finish(0, "complete", 0.4), trial(1, 2), finish(1, "pruned"), trial(2, 3), finish(2, "failed", undefined, "stopped"), trial(3, 40)];

  it("counts ended trials toward the budget (not a stopped one) and finds the best", () => {
    const s = studyStatus(study(ops, 45), 6, false);
    expect([s.ended, s.running, s.lost, s.state, s.best?.number]).toEqual([2, 1, 0, "running", 0]);
    expect(studyStatus(study(ops, 45), 6, true).state).toBe("running here");
  });

  it("calls a study whose only running trial's heartbeat lapsed interrupted, and one that holds its budget complete", () => {
    const s = studyStatus(study(ops, 51), 6, false);
    expect([s.ended, s.running, s.lost, s.state]).toEqual([2, 0, 1, "interrupted"]);
    const done = [...ops, finish(3, "complete", 0.5)];
    expect(studyStatus(study(done, 51), 3, false).state).toBe("complete");
    expect(studyStatus(study(done, 51), 4, false).state).toBe("incomplete");
    expect(studyStatus(study(done, 51), undefined, false).state).toBe("incomplete");
  });

  it("reads the heartbeat timeout from the study's settings", () => {
    expect(heartbeatMs(study([], 0))).toBe(10_000);
    expect(heartbeatMs({ ...study([], 0), header: { ...study([], 0).header, settings: {} } })).toBe(60_000);
  });
});
