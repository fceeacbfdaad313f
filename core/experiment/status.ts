import type { RunRecord } from "../train/run_record.ts";
import { type CellClaim, lapsed } from "./claims.ts";
import { cellRun, type ExperimentRuns } from "./collect.ts";
import type { CellRecord } from "./record.ts";

/** Where a cell stands across all workers. `lapsed`: its holder stopped sending heartbeats; the next worker takes it over. */
export type CellState = "finished" | "running" | "lapsed" | "failed" | "stopped" | "pending";

/** One cell's standing: its state, the worker (and array task) that holds or last held it, its run. */
export interface CellStatus {
  cell: Pick<CellRecord, "index" | "label" | "model" | "horizon" | "seed" | "cell_id">;
  state: CellState;
  /** The claim's holder: who runs it now, or who ran it last. */
  worker?: string;
  task?: number | null;
  submission?: string;
  /** Seconds since the holder's last heartbeat (running and lapsed cells). */
  silent_s?: number;
  /** Times the cell was claimed. */
  attempts: number;
  run_id?: string;
  error?: string;
}

/**
 * Every cell's standing from its runs, its claim and the record's failures: finished (a finished run), running
 * (a live claim), lapsed (a running claim past its heartbeat), failed, stopped, or pending (nobody took it yet).
 */
export function cellStatuses(
  cells: readonly CellStatus["cell"][],
  runs: ExperimentRuns,
  claims: readonly CellClaim[],
  now: number,
  failures: Readonly<Record<string, string>> = {},
): CellStatus[] {
  const byKey = new Map(claims.map((c) => [c.key, c]));
  return cells.map((cell) => {
    const run: RunRecord | undefined = cellRun(runs.get(cell.cell_id));
    const claim = byKey.get(cell.cell_id);
    const base: CellStatus = {
      cell,
      state: "pending",
      attempts: claim?.attempt ?? 0,
      ...(claim ? { worker: claim.worker, task: claim.task, submission: claim.submission } : {}),
      ...(run ? { run_id: run.id } : {}),
    };
    if (run?.status === "finished") return { ...base, state: "finished" };
    if (claim?.state === "running") {
      return { ...base, state: lapsed(claim, now) ? "lapsed" : "running", silent_s: Math.max(0, (now - Date.parse(claim.alive_at)) / 1000) };
    }
    const error = claim?.error ?? run?.error ?? failures[cell.cell_id];
    if (claim?.state === "failed" || run?.status === "failed" || (!run && failures[cell.cell_id])) {
      return { ...base, state: "failed", ...(error ? { error } : {}) };
    }
    if (claim?.state === "stopped" || run?.status === "stopped" || run?.status === "pruned") return { ...base, state: "stopped" };
    return base;
  });
}

/** How many cells stand in each state. */
export function stateCounts(statuses: readonly CellStatus[]): Record<CellState, number> {
  const counts: Record<CellState, number> = { finished: 0, running: 0, lapsed: 0, failed: 0, stopped: 0, pending: 0 };
  for (const s of statuses) counts[s.state] += 1;
  return counts;
}
