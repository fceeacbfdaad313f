import { describe, expect, it } from "vitest";
import { replay } from "../../../core/tune/journal.ts";
import { axisPosition, bestSettings, history, intermediate, paramAxes, studyView } from "../../../core/tune/study_view.ts";
import { fakeStudyJournal } from "../../fixtures/fake_study.ts";

/** A small hand-written study: minimised, a log learning rate, a categorical with a list choice, a conditional int. */
const JOURNAL = [
  {
    op: "create_study",
    name: "small",
    model: "neural:mlp",
    horizon: 5,
    direction: "minimize",
    objective: "log_loss",
    space: {
      "params.learning_rate": { type: "float", low: 0.0001, high: 0.1, log: true },
      "params.hidden": { type: "categorical", choices: [[64], [128, 64]] },
      "params.layers": { type: "int", low: 1, high: 3, when: { param: "params.hidden", in: [[128, 64]] } },
    },
    sampler: "random",
    pruner: null,
    settings: { seed: 0, heartbeat_s: 60, base: { params: { dropout: 0.1 }, dataset: { horizon: 5 }, trainer: { epochs: 3 } } },
    at: "2026-01-01T00:00:00.000Z",
  },
  { op: "create_trial", number: 0, worker: "w", at: "2026-01-01T00:00:01.000Z" },
  { op: "set_params", trial: 0, params: { "params.learning_rate": 0.01, "params.hidden": [64] } },
  { op: "report", trial: 0, step: 0, value: 1.0 },
  { op: "report", trial: 0, step: 1, value: 0.9 },
  { op: "finish", trial: 0, state: "complete", value: 0.9, run_id: "run-0", at: "2026-01-01T00:00:11.000Z" },
  { op: "create_trial", number: 1, worker: "w", at: "2026-01-01T00:00:12.000Z" },
  { op: "set_params", trial: 1, params: { "params.learning_rate": 0.001, "params.hidden": [128, 64], "params.layers": 2 } },
  { op: "report", trial: 1, step: 0, value: 1.2 },
  { op: "finish", trial: 1, state: "pruned", run_id: "run-1", reason: "pruned", at: "2026-01-01T00:00:14.000Z" },
  { op: "create_trial", number: 2, worker: "w", at: "2026-01-01T00:00:15.000Z" },
  { op: "set_params", trial: 2, params: { "params.learning_rate": 0.1, "params.hidden": [128, 64], "params.layers": 3 } },
  { op: "report", trial: 2, step: 0, value: 0.95 },
  { op: "report", trial: 2, step: 2, value: 0.8 },
  { op: "finish", trial: 2, state: "complete", value: 0.8, run_id: "run-2", at: "2026-01-01T00:00:20.000Z" },
  { op: "create_trial", number: 3, worker: "w", at: "2026-01-01T00:00:21.000Z" },
  { op: "set_params", trial: 3, params: { "params.learning_rate": 0.0001, "params.hidden": [64] } },
  { op: "finish", trial: 3, state: "complete", value: 0.85, run_id: "run-3", at: "2026-01-01T00:00:30.000Z" },
  { op: "create_trial", number: 4, worker: "w", at: "2026-01-01T00:00:31.000Z" },
  { op: "set_params", trial: 4, params: { "params.learning_rate": 0.003, "params.hidden": [64] } },
].map((op) => JSON.stringify(op) + "\n").join("");

const study = replay(JOURNAL, "small");

describe("studyView", () => {
  it("draws the history of complete trials with the best so far in the study's direction", () => {
    expect(history(study)).toEqual({ numbers: [0, 2, 3], values: [0.9, 0.8, 0.85], best: [0.9, 0.8, 0.8] });
    expect(history({ ...study, direction: "maximize" }).best).toEqual([0.9, 0.9, 0.9]);
  });

  it("aligns intermediate values on the union of steps and keeps each trial's state", () => {
    expect(intermediate(study)).toEqual({
      steps: [0, 1, 2],
      trials: [
        { number: 0, state: "complete", values: [1.0, 0.9, null] },
        { number: 1, state: "pruned", values: [1.2, null, null] },
        { number: 2, state: "complete", values: [0.95, null, 0.8] },
      ],
    });
  });

  it("gives an axis per parameter from the space: log for log parameters, choices as text", () => {
    const axes = paramAxes(study);
    expect(axes.map((a) => [a.key, a.label, a.kind, a.log])).toEqual([
      ["params.learning_rate", "learning_rate", "numeric", true],
      ["params.hidden", "hidden", "categorical", false],
      ["params.layers", "layers", "numeric", false],
    ]);
    expect(axes[0]).toMatchObject({ min: 0.0001, max: 0.1 });
    expect(axes[1].choices).toEqual(["[64]", "[128,64]"]);
  });

  it("slices each parameter over the complete trials that sampled it (a conditional one only where active)", () => {
    const view = studyView(study);
    const lr = view.slices.find((s) => s.axis.key === "params.learning_rate")!;
    expect(lr.points).toEqual([{ number: 0, x: 0.01, value: 0.9 }, { number: 2, x: 0.1, value: 0.8 }, { number: 3, x: 0.0001, value: 0.85 }]);
    expect(view.slices.find((s) => s.axis.key === "params.hidden")!.points.map((p) => p.x)).toEqual([0, 1, 0]);
    expect(view.slices.find((s) => s.axis.key === "params.layers")!.points).toEqual([{ number: 2, x: 3, value: 0.8 }]);
  });

  it("places parallel-coordinate rows on log axes in log space, null where a parameter is absent", () => {
    const { parallel } = studyView(study);
    expect(parallel.objective).toEqual({ label: "log_loss", min: 0.8, max: 0.9, direction: "minimize" });
    const row0 = parallel.rows.find((r) => r.number === 0)!;
    // 0.01 is two thirds of the way from 1e-4 to 1e-1 in log space
    expect(row0.positions[0]).toBeCloseTo(2 / 3, 12);
    expect(row0.positions[1]).toBe(0);
    expect(row0.positions[2]).toBeNull();
    expect(row0.positions[3]).toBeCloseTo(1, 12);
    expect(parallel.rows.find((r) => r.number === 2)!.positions).toEqual([1, 1, 1, 0]);
    expect(axisPosition({ kind: "numeric", log: false, min: 2, max: 2 }, 2)).toBe(0.5);
  });

  it("lists every trial in the table with its state, best mark, steps, params as text, run and duration", () => {
    const { rows, counts, best } = studyView(study);
    expect(counts).toEqual({ complete: 3, pruned: 1, failed: 0, running: 1 });
    expect(best?.number).toBe(2);
    expect(rows.map((r) => [r.number, r.state, r.value, r.best, r.steps, r.run_id, r.seconds])).toEqual([
      [0, "complete", 0.9, false, 2, "run-0", 10],
      [1, "pruned", null, false, 1, "run-1", 2],
      [2, "complete", 0.8, true, 2, "run-2", 5],
      [3, "complete", 0.85, false, 0, "run-3", 9],
      [4, "running", null, false, 0, null, null],
    ]);
    expect(rows[1].params).toEqual({ "params.learning_rate": "0.001", "params.hidden": "[128,64]", "params.layers": "2" });
    expect(rows[1].reason).toBe("pruned");
  });

  it("says why there are no importances for three complete trials", () => {
    expect(studyView(study).importances).toEqual({ importances: {}, trials: 3, reason: "3 complete trial(s); importances need at least 4" });
  });

  it("gives importances of a larger study, its driving parameter first", () => {
    const view = studyView(replay(fakeStudyJournal({ name: "big", trials: 60 }), "big"));
    expect(Object.keys(view.importances.importances)[0]).toBe("params.learning_rate");
    expect(view.importances.importances["params.l2"]).toBeLessThan(view.importances.importances["params.learning_rate"] / 3);
  });

  it("builds the best trial's run settings: the base with its sampled values on top", () => {
    expect(bestSettings(study)).toEqual({
      model: "neural:mlp",
      params: { dropout: 0.1, learning_rate: 0.1, hidden: [128, 64], layers: 3 },
      dataset: { horizon: 5 },
      trainer: { epochs: 3 },
    });
    expect(bestSettings({ ...study, trials: study.trials.filter((t) => t.state !== "complete") })).toBeUndefined();
  });

  it("reports a trial value its space cannot hold as the reason for no importances, and still draws the rest", () => {
    const bad = replay(fakeStudyJournal({ name: "bad", trials: 12 }), "bad");
    bad.trials[0].params["params.learning_rate"] = "fast";
    const view = studyView(bad);
    expect(view.importances.importances).toEqual({});
    expect(view.importances.reason).toMatch(/Trial value "fast" of params\.learning_rate/);
    expect(view.history.numbers.length).toBeGreaterThan(0);
  });
});
