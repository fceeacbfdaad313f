import { z } from "zod";
import { NotFoundError } from "../errors.ts";
import type { RunReader } from "../platform.ts";
import { effectiveRecord, type ProcessProbe } from "./liveness.ts";
import { type RunCheckDepth, runProblem } from "./run_check.ts";
import { readRunJson, RunRecord } from "./run_record.ts";

/** A run as a listing shows it: its record (status as a reader should see it) and the headline figures of each split. */
export interface ListedRun {
  id: string;
  record: RunRecord;
  /** Scalar metrics of metrics.json per split (accuracy, f1_macro, sharpe, ...); absent for a run that has none yet. */
  val?: Record<string, number>;
  test?: Record<string, number>;
}

/** The runs of a folder that read, and those that do not with the reason (named by the listing, never fatal to the others). */
export interface RunListing {
  runs: ListedRun[];
  damaged: { id: string; problem: string }[];
}

const MetricsFile = z.looseObject({ val: z.record(z.string(), z.unknown()).optional(), test: z.record(z.string(), z.unknown()).optional() });

/**
 * Reads every run of `reader` (or `ids`) for a listing: a damaged run (see runProblem) goes to `damaged` with its
 * reason and the others are listed; a running run whose process is gone shows as `interrupted` (effectiveRecord).
 * @example const { runs, damaged } = await listRuns(store, { now: Date.now(), probe });
 */
export async function listRuns(
  reader: RunReader,
  options: { now: number; probe?: ProcessProbe; ids?: readonly string[]; depth?: RunCheckDepth },
): Promise<RunListing> {
  const listing: RunListing = { runs: [], damaged: [] };
  for (const id of options.ids ?? (await reader.list())) {
    const problem = await runProblem(reader, id, options.depth ?? "record");
    if (problem) {
      listing.damaged.push({ id, problem });
      continue;
    }
    const record = await effectiveRecord(reader, await readRunJson(reader, id, "run.json", RunRecord), options);
    const metrics = await readRunJson(reader, id, "metrics.json", MetricsFile).catch((error) => {
      if (error instanceof NotFoundError) return undefined; // a run that has not scored yet
      throw error;
    });
    listing.runs.push({ id, record, ...(metrics?.val ? { val: scalars(metrics.val) } : {}), ...(metrics?.test ? { test: scalars(metrics.test) } : {}) });
  }
  return listing;
}

/** The number-valued entries of a split's metrics (per-class tables, confusion and per-symbol figures left out). */
function scalars(metrics: Record<string, unknown>): Record<string, number> {
  return Object.fromEntries(Object.entries(metrics).filter((entry): entry is [string, number] => typeof entry[1] === "number"));
}
