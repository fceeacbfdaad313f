import { cellRun, findExperimentRuns } from "../../core/experiment/collect.ts";
import { EXPERIMENT_FILE, ExperimentRecord } from "../../core/experiment/record.ts";
import { type CellStatus, cellStatusOf } from "../../core/experiment/report.ts";
import type { RunReader } from "../../core/platform.ts";
import { readRunJson } from "../../core/train/run_record.ts";
import type { IdbExperimentStore, StoredExperiment } from "../idb_experiments.ts";

/** A cell of a stored experiment and where it stands, from experiment.json and the runs store. */
export interface CellState {
  index: number;
  label: string;
  model: string;
  horizon: number;
  seed: number;
  cellId: string;
  status: CellStatus;
  runId?: string;
  error?: string;
}

/** A stored experiment as the list shows it: its queue, and its cells once the runner has written its record. */
export interface ExperimentState {
  stored: StoredExperiment;
  /** Empty until the first start wrote experiment.json. */
  cells: CellState[];
  counts: Record<CellStatus, number>;
  updated_at?: string;
}

const STATUSES: readonly CellStatus[] = ["finished", "failed", "running", "pending", "stopped"];

/**
 * Every stored experiment with each cell's status, found as the report finds it: the cell's newest
 * finished run, else its newest run of any status, else its recorded failure, else pending.
 */
export async function readExperimentStates(experiments: IdbExperimentStore, runs: RunReader): Promise<ExperimentState[]> {
  const out: ExperimentState[] = [];
  for (const stored of await experiments.list()) out.push(await readExperimentState(experiments, runs, stored));
  return out;
}

/** One stored experiment with each cell's status. */
export async function readExperimentState(experiments: IdbExperimentStore, runs: RunReader, stored: StoredExperiment): Promise<ExperimentState> {
  const hasRecord = (await experiments.records.files(stored.name)).includes(EXPERIMENT_FILE);
  const record = hasRecord ? await readRunJson(experiments.records, stored.name, EXPERIMENT_FILE, ExperimentRecord) : undefined;
  const found = record ? await findExperimentRuns(runs, stored.name) : new Map();
  const cells = (record?.cells ?? []).map((c): CellState => {
    const run = cellRun(found.get(c.cell_id));
    const failure = record?.failures[c.cell_id];
    return {
      index: c.index,
      label: c.label,
      model: c.model,
      horizon: c.horizon,
      seed: c.seed,
      cellId: c.cell_id,
      status: run ? cellStatusOf(run.status) : failure ? "failed" : "pending",
      ...(run ? { runId: run.id } : {}),
      ...(run?.error ?? failure ? { error: run?.error ?? failure } : {}),
    };
  });
  const counts = Object.fromEntries(STATUSES.map((s) => [s, cells.filter((c) => c.status === s).length])) as Record<CellStatus, number>;
  return { stored, cells, counts, updated_at: record?.updated_at };
}
