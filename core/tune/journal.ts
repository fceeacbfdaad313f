import { z } from "zod";
import { DataError } from "../errors.ts";
import type { Direction, FrozenTrial } from "./sampler.ts";

const at = z.string().min(1);
const trialNumber = z.number().int().nonnegative();

/** The first line of every journal: what the study tunes and how; later lines may not change it. */
export const CreateStudyOp = z.strictObject({
  op: z.literal("create_study"),
  name: z.string().min(1),
  model: z.string().min(1),
  horizon: z.number().int().positive(),
  direction: z.enum(["minimize", "maximize"]),
  objective: z.string().min(1),
  /** The search space as sampled (core/tune/space.ts's SearchSpace, kept as written). */
  space: z.record(z.string(), z.unknown()),
  sampler: z.string().min(1),
  /** The pruner's name and options, or null for none. */
  pruner: z.looseObject({ name: z.string() }).nullable(),
  /** Everything else a joining worker must agree on: data, seed, heartbeat timeout, base settings. */
  settings: z.record(z.string(), z.unknown()),
  at,
});

/** The journal's operations, one JSON object per line (docs/study_journal.md). */
export const JournalOp = z.discriminatedUnion("op", [
  CreateStudyOp,
  z.strictObject({ op: z.literal("create_trial"), number: trialNumber, worker: z.string().min(1), at }),
  z.strictObject({ op: z.literal("set_params"), trial: trialNumber, params: z.record(z.string(), z.unknown()) }),
  z.strictObject({ op: z.literal("report"), trial: trialNumber, step: z.number().int().nonnegative(), value: z.number() }),
  z.strictObject({
    op: z.literal("finish"),
    trial: trialNumber,
    state: z.enum(["complete", "pruned", "failed"]),
    value: z.number().optional(),
    run_id: z.string().optional(),
    /** Every run the trial trained, one per cross-validation fold in fold order (run_id is the last). */
    runs: z.array(z.string()).optional(),
    /** Why a trial failed or was pruned; `heartbeat` (its worker went silent) and `stopped` (by the user) free its slot. */
    reason: z.string().optional(),
    at,
  }),
  z.strictObject({ op: z.literal("heartbeat"), trial: trialNumber, worker: z.string().min(1), at }),
]);
/** One parsed journal line. */
export type JournalOp = z.output<typeof JournalOp>;
/** The create_study line. */
export type CreateStudyOp = z.output<typeof CreateStudyOp>;

/** The reason written on a trial failed because its worker stopped sending heartbeats. */
export const HEARTBEAT_REASON = "heartbeat";
/** The reason written on a trial whose worker was stopped by the user (Ctrl-C, Stop). */
export const STOPPED_REASON = "stopped";

/** A trial as replayed: what a sampler sees, plus who runs it, its run, and its last sign of life. */
export interface StudyTrial extends FrozenTrial {
  worker: string;
  created_at: string;
  /** The last heartbeat (or creation) time, ISO. */
  alive_at: string;
  run_id?: string;
  /** The runs of a cross-validated trial, one per fold. */
  runs?: string[];
  reason?: string;
  finished_at?: string;
}

/** A study replayed from its journal. */
export interface Study {
  header: CreateStudyOp;
  name: string;
  direction: Direction;
  trials: StudyTrial[];
  /** Running trials whose heartbeat is older than the timeout: reported as failed in `trials`, their finish not yet written. */
  stale: number[];
}

/** How to judge running trials: a trial silent for longer than `heartbeatMs` before `now` counts as failed. */
export interface ReplayOptions {
  now?: number;
  heartbeatMs?: number;
}

/**
 * Replays a journal's text into a study. A last line without its newline is a write cut short (a killed worker)
 * and is ignored; any other line that is not a valid operation is a DataError naming its line number. With
 * `now` and `heartbeatMs`, running trials silent for longer than the timeout are returned failed and listed in `stale`.
 */
export function replay(text: string, source: string, options: ReplayOptions = {}): Study {
  const lines = text.split("\n");
  lines.pop(); // the text after the last newline: empty, or a partial write that is not part of the journal
  let header: CreateStudyOp | undefined;
  const trials: StudyTrial[] = [];
  lines.forEach((line, index) => {
    const where = `${source} line ${index + 1}`;
    const op = parseLine(line, where);
    if (op.op === "create_study") {
      if (header) throw new DataError(`${where}: a second create_study; a journal holds one study`, { file: source, row: index + 1 });
      header = op;
      return;
    }
    if (!header) throw new DataError(`${where}: the journal must start with create_study, found ${op.op}`, { file: source, row: index + 1 });
    if (op.op === "create_trial") {
      if (op.number !== trials.length) {
        throw new DataError(`${where}: create_trial ${op.number} out of order; the next trial number is ${trials.length}`, { file: source, row: index + 1 });
      }
      trials.push({ number: op.number, state: "running", params: {}, intermediate: {}, worker: op.worker, created_at: op.at, alive_at: op.at });
      return;
    }
    const trial = trials[op.trial];
    if (!trial) throw new DataError(`${where}: ${op.op} for trial ${op.trial}, which was never created`, { file: source, row: index + 1 });
    if (op.op === "set_params") trial.params = { ...trial.params, ...op.params };
    else if (op.op === "report") trial.intermediate[op.step] = op.value;
    else if (op.op === "heartbeat") trial.alive_at = op.at > trial.alive_at ? op.at : trial.alive_at;
    else if (trial.state === "running") {
      // the first finish wins: a worker judged dead that finishes after all does not revive its trial
      trial.state = op.state;
      if (op.value !== undefined) trial.value = op.value;
      if (op.run_id !== undefined) trial.run_id = op.run_id;
      if (op.runs !== undefined) trial.runs = op.runs;
      if (op.reason !== undefined) trial.reason = op.reason;
      trial.finished_at = op.at;
    }
  });
  if (!header) throw new DataError(`${source} is empty: no create_study line`, { file: source });
  const stale: number[] = [];
  const { now, heartbeatMs } = options;
  if (now !== undefined && heartbeatMs !== undefined) {
    for (const trial of trials) {
      if (trial.state === "running" && now - Date.parse(trial.alive_at) > heartbeatMs) {
        trial.state = "failed";
        trial.reason = HEARTBEAT_REASON;
        stale.push(trial.number);
      }
    }
  }
  return { header, name: header.name, direction: header.direction, trials, stale };
}

function parseLine(line: string, where: string): JournalOp {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (cause) {
    throw new DataError(`${where} is corrupt (not JSON: ${(cause as Error).message}); the journal is left as it is`, { value: line.slice(0, 80) });
  }
  const parsed = JournalOp.safeParse(value);
  if (!parsed.success) throw new DataError(`${where} is not a journal operation:\n${z.prettifyError(parsed.error)}`, { value: line.slice(0, 80) });
  return parsed.data;
}

/** Serialises operations as journal lines (each ends with a newline), validating them first. */
export function journalLines(ops: readonly JournalOp[]): string {
  return ops.map((op) => JSON.stringify(JournalOp.parse(op)) + "\n").join("");
}

/**
 * Where studies are kept, injected by cli/ (files) or web/ (IndexedDB). `transact` is the one write: under the
 * study's exclusive lock it reads the journal's current text (undefined for a new study), asks `decide` what to
 * append, and appends those lines durably before releasing the lock, so decisions such as the next trial
 * number are taken on the latest state and no two workers take the same.
 */
export interface JournalStore {
  /** The journal's text, or undefined when the study does not exist. */
  read(name: string): Promise<string | undefined>;
  /** Appends what `decide` returns for the current text, atomically under the lock; returns `decide`'s result. */
  transact<T>(name: string, decide: (text: string | undefined) => { ops: JournalOp[]; result: T }): Promise<T>;
  /** The names of the stored studies, sorted. */
  list(): Promise<string[]>;
}

/** Appends operations to a study as they are (under the lock). */
export function appendOps(store: JournalStore, name: string, ops: JournalOp[]): Promise<void> {
  return store.transact(name, () => ({ ops, result: undefined }));
}

/** Study names become folder and database keys: letters, digits, `.`, `_` and `-`, not starting with a dot. */
export const StudyName = z.string().regex(/^[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}$/, "letters, digits, '.', '_' or '-' (not starting with '.')");
