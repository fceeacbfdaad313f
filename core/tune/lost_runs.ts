import type { RunStore } from "../platform.ts";
import { markRunFailed, readRunJson, RunRecord } from "../train/run_record.ts";
import { HEARTBEAT_REASON, type Study } from "./journal.ts";

/**
 * Marks failed the runs a study's lost workers left `running`: a trial judged failed because its worker went silent
 * (a reload, a closed tab, a killed process) has no run id in the journal, but its run, tagged with the study and
 * trial, still says `running`. Only such trials' runs are touched; returns the ids marked.
 */
export async function markLostTrialRuns(store: RunStore, study: Study): Promise<string[]> {
  const lost = new Set(study.trials.filter((t) => t.state === "failed" && t.reason === HEARTBEAT_REASON && !t.run_id).map((t) => t.number));
  if (lost.size === 0) return [];
  const marked: string[] = [];
  for (const runId of await store.list()) {
    const record = await readRunJson(store, runId, "run.json", RunRecord);
    if (record.study?.name !== study.name || !lost.has(record.study.trial) || record.status !== "running") continue;
    const message = `interrupted: trial ${record.study.trial} of study ${study.name} lost its worker (no heartbeat), and its slot was run again`;
    if (await markRunFailed(store, runId, message)) marked.push(runId);
  }
  return marked;
}
