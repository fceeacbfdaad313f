import type { ClaimStore } from "../../core/experiment/claims.ts";
import { findExperimentRuns } from "../../core/experiment/collect.ts";
import type { Cell, ExperimentPlan } from "../../core/experiment/plan.ts";
import { EXPERIMENT_FILE, ExperimentRecord } from "../../core/experiment/record.ts";
import { type CellStatus, cellStatuses, stateCounts } from "../../core/experiment/status.ts";
import type { RunReader, RunStore } from "../../core/platform.ts";
import { readRunJson } from "../../core/train/run_record.ts";
import { duration } from "../experiment_progress.ts";
import { table } from "../summary.ts";

/** Every cell's standing across the workers that share the runs folder. */
export async function experimentStatuses(plan: ExperimentPlan, store: RunReader, experiments: RunStore, claims: ClaimStore): Promise<CellStatus[]> {
  const name = plan.config.experiment.name;
  const record = (await experiments.files(name).catch((): string[] => [])).includes(EXPERIMENT_FILE)
    ? await readRunJson(experiments, name, EXPERIMENT_FILE, ExperimentRecord)
    : undefined;
  const cells = plan.cells.map((c: Cell) => ({ index: c.index, label: c.label, model: c.model, horizon: c.horizon, seed: c.seed, cell_id: c.cellId }));
  return cellStatuses(cells, await findExperimentRuns(store, name), await claims.list(), Date.now(), record?.failures);
}

/** One line of counts: "5 finished, 2 running, 1 failed, 0 pending of 8 cells". */
export function statusLine(statuses: readonly CellStatus[]): string {
  const counts = stateCounts(statuses);
  const parts = Object.entries(counts).filter(([state, n]) => n > 0 || state === "finished" || state === "pending").map(([state, n]) => `${n} ${state}`);
  return `${parts.join(", ")} of ${statuses.length} cells`;
}

/** `mf experiment --config F --status`: each cell's state, the array task and worker that hold (or held) it, its run; --json adds a line. */
export async function printStatus(plan: ExperimentPlan, store: RunReader, experiments: RunStore, claims: ClaimStore, json: boolean): Promise<void> {
  const statuses = await experimentStatuses(plan, store, experiments, claims);
  const out = json ? (text: string) => console.error(text) : (text: string) => console.log(text);
  const rows = statuses.map((s) => [
    String(s.cell.index + 1),
    s.cell.label,
    `h${s.cell.horizon}`,
    String(s.cell.seed),
    s.state,
    s.task === undefined || s.task === null ? "-" : String(s.task),
    s.worker ?? "-",
    s.silent_s === undefined ? "-" : `${duration(s.silent_s)} ago`,
    String(s.attempts),
    s.run_id ?? (s.error ? `(${s.error.slice(0, 60)})` : ""),
  ]);
  out(`experiment ${plan.config.experiment.name}: ${statusLine(statuses)}`);
  out(table([["#", "label", "horizon", "seed", "state", "task", "worker", "heartbeat", "claims", "run"], ...rows]));
  if (json) {
    console.log(JSON.stringify({
      experiment: plan.config.experiment.name,
      cells: statuses.length,
      ...stateCounts(statuses),
      status: statuses.map((s) => ({
        cell_id: s.cell.cell_id,
        label: s.cell.label,
        horizon: s.cell.horizon,
        seed: s.cell.seed,
        state: s.state,
        task: s.task ?? null,
        worker: s.worker ?? null,
        run_id: s.run_id ?? null,
      })),
    }));
  }
}
