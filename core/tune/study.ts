import { ConfigError } from "../errors.ts";
import { type CreateStudyOp, HEARTBEAT_REASON, type JournalOp, type JournalStore, replay, STOPPED_REASON, type Study, type StudyTrial } from "./journal.ts";

/** The fields of a study a joining worker may state; those it states must equal the stored ones. */
export type StudyIdentity = Pick<CreateStudyOp, "model" | "horizon" | "objective" | "direction" | "sampler">;

/**
 * Creates the study `header.name` or joins it. Joining with another model or horizon (or another of the fields
 * named in `check`) is a ConfigError naming both values; the journal is not touched. Returns the stored study.
 */
export async function openStudy(store: JournalStore, header: CreateStudyOp, check: readonly (keyof StudyIdentity)[] = []): Promise<Study> {
  const source = journalSource(header.name);
  const text = await store.transact(header.name, (current) => {
    if (current === undefined) return { ops: [header], result: journalText([header]) };
    const stored = replay(current, source).header;
    for (const key of ["model", "horizon", ...check] as const) {
      if (stored[key] !== header[key]) {
        throw new ConfigError(
          `Study "${header.name}" was created with ${key} ${JSON.stringify(stored[key])}, not ${
            JSON.stringify(header[key])
          }; use another --study name or join it with ${key} ${JSON.stringify(stored[key])}`,
          { key, value: header[key] },
        );
      }
    }
    return { ops: [], result: current };
  });
  return replay(text, source);
}

/** What `claimTrial` decided: a trial to run, wait (others' trials fill the budget but are still running), or the study is done. */
export type Claim =
  | { kind: "trial"; number: number; params: Record<string, unknown>; study: Study }
  | { kind: "wait"; study: Study }
  | { kind: "done"; study: Study };

/** What a worker states when it claims a trial. */
export interface ClaimOptions {
  worker: string;
  /** The study's total: trials that end complete, pruned or failed (not by a lost heartbeat or a stop), running ones included. */
  budget: number;
  now: number;
  heartbeatMs: number;
  /** Chooses the new trial's parameters from the study as it stands (running trials included), under the lock. */
  sample(study: Study, number: number): Record<string, unknown>;
}

/**
 * Under the study's lock: marks trials whose worker went silent as failed (their slots free again), then, if the
 * budget has room, creates the next trial with the next number and its sampled parameters. Done when the
 * budget's trials have all ended; wait when the rest are still running.
 */
export function claimTrial(store: JournalStore, name: string, options: ClaimOptions): Promise<Claim> {
  const source = journalSource(name);
  return store.transact<Claim>(name, (text) => {
    if (text === undefined) throw new ConfigError(`Study "${name}" does not exist`);
    const study = replay(text, source, { now: options.now, heartbeatMs: options.heartbeatMs });
    const at = new Date(options.now).toISOString();
    const ops: JournalOp[] = study.stale.map((trial) => ({ op: "finish", trial, state: "failed", reason: HEARTBEAT_REASON, at }));
    const counted = study.trials.filter(countsTowardBudget);
    if (counted.length >= options.budget) {
      const kind = counted.some((t) => t.state === "running") ? "wait" : "done";
      return { ops, result: { kind, study } };
    }
    const number = study.trials.length;
    const params = options.sample(study, number);
    ops.push({ op: "create_trial", number, worker: options.worker, at }, { op: "set_params", trial: number, params });
    const trial: StudyTrial = { number, state: "running", params, intermediate: {}, worker: options.worker, created_at: at, alive_at: at };
    return { ops, result: { kind: "trial", number, params, study: { ...study, trials: [...study.trials, trial] } } };
  });
}

/** Whether a trial takes one of the study's budgeted slots: all do except those failed because their worker died or was stopped. */
export function countsTowardBudget(trial: StudyTrial): boolean {
  return !(trial.state === "failed" && (trial.reason === HEARTBEAT_REASON || trial.reason === STOPPED_REASON));
}

/** The best complete trial for the study's direction, or undefined when none completed. */
export function bestTrial(study: Pick<Study, "trials" | "direction">): StudyTrial | undefined {
  let best: StudyTrial | undefined;
  for (const trial of study.trials) {
    if (trial.state !== "complete" || trial.value === undefined || Number.isNaN(trial.value)) continue;
    if (!best || (study.direction === "maximize" ? trial.value > best.value! : trial.value < best.value!)) best = trial;
  }
  return best;
}

/** Reads and replays a stored study; a missing study is a ConfigError naming the known ones. */
export async function loadStudy(store: JournalStore, name: string, options: { now?: number; heartbeatMs?: number } = {}): Promise<Study> {
  const text = await store.read(name);
  if (text === undefined) {
    const known = await store.list();
    throw new ConfigError(`No study "${name}"; studies: ${known.length ? known.join(", ") : "(none)"}`, { value: name });
  }
  return replay(text, journalSource(name), options);
}

/** How a study's journal is named in messages. */
export function journalSource(name: string): string {
  return `study ${name} journal`;
}

function journalText(ops: JournalOp[]): string {
  return ops.map((op) => JSON.stringify(op) + "\n").join("");
}
