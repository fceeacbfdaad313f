import { describe, expect, it } from "vitest";
import type { ProgressEvent } from "../../../core/platform.ts";
import { advance, STARTING, statusText, timeLeft, type TrainProgress } from "../../../web/train/progress_view.ts";

/** Feeds timed events in order; returns the progress after each. */
function replay(events: [number, ProgressEvent][]): TrainProgress[] {
  const out: TrainProgress[] = [];
  let p = STARTING;
  for (const [t, event] of events) out.push(p = advance(p, event, t));
  return out;
}

const epoch = (e: number, epochs: number): ProgressEvent => ({ kind: "epoch", epoch: e, epochs, metrics: {}, best: false });
const step = (e: number, epochs: number, s: number, steps: number): ProgressEvent => ({ kind: "step", epoch: e, epochs, step: s, steps, loss: 1 });

describe("time left", () => {
  it("leaves start-up out: 10 s of reading and binning, then 100 rounds of 0.2 s, is about 16.8 s left when first told", () => {
    // the estimate the page used to make, elapsed / fraction - elapsed, said 10.2 / 0.01 - 10.2 = 1010 s after round 1
    const events: [number, ProgressEvent][] = [[0, { kind: "phase", phase: "read", detail: "train.parquet" }]];
    for (let r = 0; r < 100; r++) events.push([10_000 + 200 * (r + 1), epoch(r, 100)]);
    const states = replay(events);
    // nothing until 3 s of fitting have passed since the first round reported
    const first = states.findIndex((p, k) => timeLeft(p, events[k][0]) !== undefined);
    expect(first).toBe(16); // round 16 done at 13.2 s, 3 s after round 1
    expect(timeLeft(states[first], events[first][0])).toBeCloseTo(84 * 0.2, 6);
    // it keeps time between events: half a round later, 0.1 s less
    expect(timeLeft(states[first], events[first][0] + 100)).toBeCloseTo(84 * 0.2 - 0.1, 6);
    // and never goes below 0
    expect(timeLeft(states[first], events[first][0] + 60_000)).toBe(0);
  });

  it("leaves the first, slower rounds out of the rate (code warming up)", () => {
    // 5 rounds of 1 s, then rounds of 0.2 s: at round 20 the rate over all of it would say 80 x 7 / 19 = 29.5 s
    const times = Array.from({ length: 100 }, (_, r) => (r < 5 ? 1_000 * (r + 1) : 5_000 + 200 * (r - 4)));
    const states = replay(times.map((t, r) => [t, epoch(r, 100)]));
    expect(timeLeft(states[19], times[19])).toBeCloseTo(80 * 0.2, 6);
  });

  it("keeps a bounded history however long the run", () => {
    const states = replay(Array.from({ length: 5_000 }, (_, r) => [100 * r, epoch(r, 5_000)] as [number, ProgressEvent]));
    expect(states.at(-1)!.history.length).toBeLessThanOrEqual(64);
    expect(timeLeft(states[2_500], 250_000)).toBeCloseTo(2_499 * 0.1, 6);
  });

  it("counts batches within an epoch", () => {
    const states = replay([5, 10, 15, 20, 25, 30, 35].map((s, k) => [5_000 + 500 * k, step(0, 4, s, 100)]));
    // 5 batches (0.05 epochs) every 0.5 s: at 8 s, 0.35 of the first epoch done, 3.65 epochs left take 36.5 s
    expect(timeLeft(states[5], 7_500)).toBeUndefined();
    expect(states[6].fraction).toBeCloseTo(0.35 / 4, 9);
    expect(timeLeft(states[6], 8_000)).toBeCloseTo(3.65 / 0.1, 6);
  });

  it("has no estimate while evaluating", () => {
    const states = replay([[0, epoch(0, 4)], [1_500, epoch(1, 4)], [3_000, epoch(2, 4)], [4_500, epoch(3, 4)], [4_600, { kind: "phase", phase: "evaluate" }]]);
    expect(timeLeft(states[3], 4_500)).toBe(0);
    expect(timeLeft(states[4], 4_600)).toBeUndefined();
  });
});

describe("the status line follows the events", () => {
  it("says what the run is doing at each stage", () => {
    const states = replay([
      [0, { kind: "phase", phase: "read", detail: "train.parquet" }],
      [10, { kind: "phase", phase: "fit", detail: "mlp: 1000 train" }],
      [20, step(0, 20, 8, 40)],
      [30, epoch(0, 20)],
      [40, step(1, 20, 16, 40)],
      [50, { kind: "phase", phase: "evaluate" }],
    ]);
    expect(states.map((p) => statusText(p))).toEqual([
      "starting: read: train.parquet",
      "starting: fit: mlp: 1000 train",
      "training: epoch 1 of 20, batch 8 of 40",
      "training: 1 of 20 epochs done",
      "training: epoch 2 of 20, batch 16 of 40",
      "scoring val and test after 1 of 20 epochs",
    ]);
    expect(statusText(states[3], "boosting round")).toBe("training: 1 of 20 boosting rounds done");
  });

  it("says where a stopped run stopped, not 100%", () => {
    const [, , stopped] = replay([[0, epoch(0, 500)], [10, epoch(1, 500)], [20, step(2, 500, 30, 40)]]);
    expect(stopped.fraction).toBeCloseTo(2.75 / 500, 9);
    expect(statusText(stopped, "epoch", { status: "stopped" })).toBe("stopped at 0%: 2 of 500 epochs done, epoch 3 at batch 30 of 40");
    const [, late] = replay([[0, epoch(0, 4)], [10, epoch(1, 4)]]);
    expect(statusText(late, "round", { status: "stopped" })).toBe("stopped at 50%: 2 of 4 rounds done");
    expect(statusText(STARTING, "epoch", { status: "stopped" })).toBe("stopped before training began");
  });

  it("counts with thousands separators, and says only the status of a finished or failed run", () => {
    const [p] = replay([[0, step(1199, 5000, 1500, 2000)]]);
    expect(statusText(p)).toBe("training: epoch 1,200 of 5,000, batch 1,500 of 2,000");
    expect(statusText(p, "epoch", { status: "finished" })).toBe("finished");
    expect(statusText(p, "epoch", { status: "failed" })).toBe("failed");
  });
});
