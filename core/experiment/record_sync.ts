import type { Clock, RunStore } from "../platform.ts";
import { jsonText, readRunJson } from "../train/run_record.ts";
import type { ClaimStore } from "./claims.ts";
import { type ExperimentRuns, findExperimentRuns, type PredictionsCache, reportInput } from "./collect.ts";
import type { ExperimentPlan } from "./plan.ts";
import { EXPERIMENT_FILE, ExperimentRecord } from "./record.ts";
import { buildReport, type ExperimentReport } from "./report.ts";
import { reportMarkdown } from "./report_markdown.ts";

/** Where the record and report go, and where the runs are. */
export interface RecordEnv {
  store: RunStore;
  experiments: RunStore;
  clock: Clock;
}

/** Rebuilds an experiment's report from its record and its runs: `mf report`, and after every cell. */
export async function writeReport(record: ExperimentRecord, env: RecordEnv, runs?: ExperimentRuns, cache?: PredictionsCache): Promise<ExperimentReport> {
  const found = runs ?? await findExperimentRuns(env.store, record.name);
  const now = new Date(env.clock.now()).toISOString();
  const report = buildReport(await reportInput(env.store, record, found, now, cache));
  await env.experiments.write(record.name, EXPERIMENT_FILE, jsonText({ ...record, updated_at: now }));
  await env.experiments.write(record.name, "report.json", jsonText(report));
  await env.experiments.write(record.name, "report.md", reportMarkdown(report));
  return report;
}

/** What the record must say about this experiment beyond its plan: whose file, where the runs are. */
export interface RecordOrigin {
  /** The experiment file's name. */
  file: string;
  /** Where the runs are (a directory, `indexeddb://...`). */
  runsLocation: string;
}

/**
 * One worker's share of experiment.json. Several workers rewrite the record and the report; each keeps only what
 * it changed (failures set or cleared, notes added or removed, its own seconds of work) and, under the claims'
 * exclusive lock, reads the stored record, applies its changes and writes the record and the report from the
 * runs as they are then. So the last writer's report holds every run that finished before it, and no worker's
 * changes are lost to another's.
 */
export class RecordSync {
  readonly #failures = new Map<string, string | null>();
  readonly #notesAdded = new Set<string>();
  readonly #notesRemoved = new Set<string>();
  #since: number;
  #record?: ExperimentRecord;

  constructor(readonly plan: ExperimentPlan, readonly env: RecordEnv & RecordOrigin, readonly claims: ClaimStore) {
    this.#since = env.clock.now();
  }

  /** The record as this worker last wrote it. */
  get record(): ExperimentRecord {
    if (!this.#record) throw new Error("RecordSync.open() was not called");
    return this.#record;
  }

  /** Writes the record for this plan (the stored one brought up to it, or a new one). */
  open(): Promise<ExperimentRecord> {
    return this.claims.exclusive(async () => {
      this.#record = await this.#merged();
      await this.env.experiments.write(this.plan.config.experiment.name, EXPERIMENT_FILE, jsonText(this.#record));
      return this.#record;
    });
  }

  /** Records a cell's error from before its run existed (or clears it with null). */
  failure(cellId: string, message: string | null): void {
    this.#failures.set(cellId, message);
  }

  /** Changes the report's notes: `after` replaces `before` (as a hook left them). */
  notes(before: ReadonlySet<string>, after: ReadonlySet<string>): void {
    for (const note of after) if (!before.has(note)) (this.#notesAdded.add(note), this.#notesRemoved.delete(note));
    for (const note of before) if (!after.has(note)) (this.#notesRemoved.add(note), this.#notesAdded.delete(note));
  }

  /**
   * Under the exclusive lock: merges this worker's changes into the stored record and rewrites it and the report from
   * the runs. The time since the last write counts as work unless `countTime` is false (a process that only waited).
   */
  report(cache?: PredictionsCache, options: { countTime?: boolean } = {}): Promise<ExperimentReport> {
    return this.claims.exclusive(() => this.#write(cache, options.countTime !== false));
  }

  /**
   * As `report`, but only when no other worker is rewriting the report: a progress report after a cell need not wait
   * (the worker that holds the lock, or a later one, writes a report with this cell's run; this worker's changes are
   * kept for its next write). Undefined when it did not write.
   */
  async reportIfFree(cache?: PredictionsCache): Promise<ExperimentReport | undefined> {
    return (await this.claims.tryExclusive(() => this.#write(cache, true)))?.result;
  }

  async #write(cache: PredictionsCache | undefined, countTime: boolean): Promise<ExperimentReport> {
    const record = await this.#merged();
    const now = this.env.clock.now();
    if (countTime) record.wall_s += (now - this.#since) / 1000;
    this.#since = now;
    this.#failures.clear();
    this.#notesAdded.clear();
    this.#notesRemoved.clear();
    this.#record = record;
    return await writeReport(record, this.env, undefined, cache);
  }

  /** The stored record (if any) with the plan's cells and this worker's changes. */
  async #merged(): Promise<ExperimentRecord> {
    const { plan, env } = this;
    const name = plan.config.experiment.name;
    const now = new Date(env.clock.now()).toISOString();
    const stored = (await env.experiments.files(name).catch((): string[] => [])).includes(EXPERIMENT_FILE)
      ? await readRunJson(env.experiments, name, EXPERIMENT_FILE, ExperimentRecord)
      : undefined;
    const failures = { ...stored?.failures };
    for (const [cellId, message] of this.#failures) {
      if (message === null) delete failures[cellId];
      else failures[cellId] = message;
    }
    const notes = new Set(stored?.notes);
    for (const note of this.#notesAdded) notes.add(note);
    for (const note of this.#notesRemoved) notes.delete(note);
    return {
      name,
      description: plan.config.experiment.description,
      file: env.file,
      config: plan.config,
      cells: plan.cells.map((c) => ({
        index: c.index,
        label: c.label,
        model: c.model,
        family: c.resolved.plugin.family,
        horizon: c.horizon,
        seed: c.seed,
        cell_id: c.cellId,
      })),
      runs: env.runsLocation,
      created_at: stored?.created_at ?? now,
      updated_at: now,
      wall_s: stored?.wall_s ?? 0,
      notes: [...notes],
      failures,
    };
  }
}
