import type { Study, StudyTrial } from "../../core/tune/journal.ts";
import { bestTrial, countsTowardBudget } from "../../core/tune/study.ts";

/** Where a stored study stands, for the list and the study page. */
export interface StudyStatus {
  /** Trials ended that count toward the budget (complete, pruned, failed other than by a lost worker or a stop). */
  ended: number;
  /** The page's budget for the study, when it keeps one (a tune record). */
  budget?: number;
  /** Trials whose worker is alive (a heartbeat within the timeout). */
  running: number;
  /** Running trials whose heartbeat lapsed: their worker is gone (a reload, a closed tab); the next claim fails them. */
  lost: number;
  best?: StudyTrial;
  /** running here: this tab tunes it; running: another tab or worker does; interrupted: only lost trials hold it; complete; incomplete. */
  state: "running here" | "running" | "interrupted" | "complete" | "incomplete";
}

/** A study's status from its journal replayed with the heartbeat timeout (`loadStudy(store, name, { now, heartbeatMs })`). */
export function studyStatus(study: Study, budget: number | undefined, here: boolean): StudyStatus {
  const ended = study.trials.filter((t) => t.state !== "running" && countsTowardBudget(t)).length;
  const running = study.trials.filter((t) => t.state === "running").length;
  const lost = study.stale.length;
  const state = here ? "running here" : running ? "running" : lost ? "interrupted" : budget !== undefined && ended >= budget ? "complete" : "incomplete";
  return { ended, ...(budget !== undefined ? { budget } : {}), running, lost, best: bestTrial(study), state };
}

/** The heartbeat timeout a study's workers keep, in ms (its create_study settings; one minute when absent, as `mf tune`). */
export function heartbeatMs(study: Study): number {
  const seconds = Number(study.header.settings.heartbeat_s);
  return (seconds > 0 ? seconds : 60) * 1000;
}
