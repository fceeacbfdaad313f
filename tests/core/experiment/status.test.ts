import { describe, expect, it } from "vitest";
import type { CellClaim } from "../../../core/experiment/claims.ts";
import type { ExperimentRuns } from "../../../core/experiment/collect.ts";
import { cellStatuses, stateCounts } from "../../../core/experiment/status.ts";
import type { RunRecord } from "../../../core/train/run_record.ts";

const NOW = Date.parse("2026-01-01T00:10:00Z");
const cell = (id: string, index: number) => ({ index, label: `m${index}`, model: "linear:logistic", horizon: 5, seed: 1, cell_id: id });
const cells = ["a", "b", "c", "d", "e", "f"].map(cell);
const claim = (key: string, state: CellClaim["state"], aliveAgoS: number, more: Partial<CellClaim> = {}): CellClaim => ({
  key,
  state,
  worker: `slurm-9[${key.charCodeAt(0) - 97}]@node:1`,
  task: key.charCodeAt(0) - 97,
  submission: "slurm-9",
  token: key,
  claimed_at: "2026-01-01T00:00:00Z",
  alive_at: new Date(NOW - aliveAgoS * 1000).toISOString(),
  heartbeat_s: 60,
  attempt: 1,
  ...more,
});
const run = (id: string, cellId: string, status: RunRecord["status"]) =>
  ({ id, status, created_at: "2026-01-01T00:00:00Z", experiment: { cell_id: cellId } }) as RunRecord;

describe("cellStatuses", () => {
  it("tells finished, running, lapsed, failed, stopped and pending cells apart, with the array task holding each", () => {
    const runs: ExperimentRuns = new Map([
      ["a", [run("r-a", "a", "finished")]],
      ["b", [run("r-b", "b", "running")]],
      ["c", [run("r-c", "c", "running")]],
      ["e", [run("r-e", "e", "stopped")]],
    ]);
    const claims = [
      claim("a", "finished", 500, { run_id: "r-a" }),
      claim("b", "running", 10),
      claim("c", "running", 120),
      claim("d", "failed", 300, { error: "no samples", attempt: 2 }),
    ];
    const statuses = cellStatuses(cells, runs, claims, NOW, { f: "never started" });
    expect(statuses.map((s) => s.state)).toEqual(["finished", "running", "lapsed", "failed", "stopped", "failed"]);
    expect(statuses[1]).toMatchObject({ task: 1, worker: "slurm-9[1]@node:1", silent_s: 10, run_id: "r-b" });
    expect(statuses[2].silent_s).toBe(120);
    expect(statuses[3]).toMatchObject({ error: "no samples", attempts: 2 });
    expect(statuses[5]).toMatchObject({ error: "never started", attempts: 0 });
    expect(stateCounts(statuses)).toEqual({ finished: 1, running: 1, lapsed: 1, failed: 2, stopped: 1, pending: 0 });
    expect(cellStatuses(cells.slice(0, 1), new Map(), [], NOW)[0]).toMatchObject({ state: "pending", attempts: 0 });
  });
});
