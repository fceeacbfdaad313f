import { z } from "zod";
import { DataError, NotFoundError } from "../errors.ts";
import type { RunReader, RunStore } from "../platform.ts";
import { jsonText, readRunJson, RunRecord } from "./run_record.ts";

/**
 * A running run's sidecar (`heartbeat.json`, beside run.json): which process trains it, on which host, and when it
 * last said so. The platform's store writes it while run.json says `running` and removes it when the run ends.
 */
export const RunHeartbeat = z.looseObject({
  host: z.string(),
  pid: z.number().int(),
  /** When the process started, as the platform tells it (on Linux, /proc/<pid>/stat's start time): a reused pid is not the same process. */
  process_start: z.string().optional(),
  /** The last beat, ISO time. */
  at: z.string(),
  /** Seconds between beats. */
  interval_s: z.number().positive(),
});
/** A parsed heartbeat.json. */
export type RunHeartbeat = z.output<typeof RunHeartbeat>;

/** The sidecar's file name in a run. */
export const HEARTBEAT_FILE = "heartbeat.json";

/**
 * The `status` of run.json text, or undefined when it is not a JSON object with one: a store that keeps a heartbeat
 * while a run is `running` reads what the trainer writes with this (the trainer always writes valid JSON).
 */
export function runJsonStatus(data: Uint8Array | string): string | undefined {
  try {
    const value = JSON.parse(typeof data === "string" ? data : new TextDecoder().decode(data));
    return typeof value?.status === "string" ? value.status : undefined;
  } catch {
    return undefined; // not JSON: no status to act on; what reads it later reports the damage
  }
}

/** A heartbeat is stale after this many missed beats (and never sooner than STALE_MIN_MS): its process stopped writing. */
const STALE_BEATS = 10;
const STALE_MIN_MS = 60_000;

/** What a reader can ask its platform about processes; absent in a browser, which judges by the heartbeat's age alone. */
export interface ProcessProbe {
  /** This machine's host name, as heartbeats record it. */
  host: string;
  /** Whether process `pid` of this host is running (and is the one that started at `start`); undefined when the platform cannot tell. */
  alive(pid: number, start?: string): Promise<boolean | undefined>;
}

/** A running run's state as a reader sees it: alive, or interrupted with the reason. */
export type Liveness = { interrupted: false } | { interrupted: true; reason: string };

/**
 * Whether a run that run.json calls `running` is still being trained: interrupted when its process is gone (same
 * host, asked through `probe`) or when its heartbeat is stale (another host, or a platform that cannot tell). A run
 * without a heartbeat (written before heartbeats, or by a platform without them) cannot be judged and counts as alive.
 */
export async function runLiveness(reader: RunReader, record: RunRecord, options: { now: number; probe?: ProcessProbe }): Promise<Liveness> {
  if (record.status !== "running") return { interrupted: false };
  const beat = await readHeartbeat(reader, record.id);
  if (!beat) return { interrupted: false };
  if (options.probe && beat.host === options.probe.host) {
    const alive = await options.probe.alive(beat.pid, beat.process_start);
    if (alive === false) return { interrupted: true, reason: `its process (pid ${beat.pid} on ${beat.host}) ended before the run did` };
    if (alive === true) return { interrupted: false };
  }
  const age = options.now - Date.parse(beat.at);
  const stale = Math.max(STALE_MIN_MS, STALE_BEATS * beat.interval_s * 1000);
  if (!(age <= stale)) {
    return {
      interrupted: true,
      reason: `its process (pid ${beat.pid} on ${beat.host}) last gave a sign of life at ${beat.at}, ${Math.round(age / 1000)} s ago`,
    };
  }
  return { interrupted: false };
}

/** A run's record with the status a reader should show: `interrupted` (with the reason as its error) for a running run whose process is gone. */
export async function effectiveRecord(reader: RunReader, record: RunRecord, options: { now: number; probe?: ProcessProbe }): Promise<RunRecord> {
  const live = await runLiveness(reader, record, options);
  return live.interrupted ? { ...record, status: "interrupted", error: `interrupted: ${live.reason}` } : record;
}

/**
 * Rewrites as `interrupted` every run of `ids` (default: all) that run.json calls `running` but whose process is
 * gone, with the reason as its error. A run whose files cannot be read is left as it is (the listing reports it).
 * Returns the ids rewritten.
 */
export async function settleInterrupted(store: RunStore, options: { now: number; probe?: ProcessProbe; ids?: readonly string[] }): Promise<string[]> {
  const settled: string[] = [];
  for (const id of options.ids ?? (await store.list())) {
    let record: RunRecord;
    try {
      record = await readRunJson(store, id, "run.json", RunRecord);
    } catch (error) {
      // a damaged or vanished run is named by whoever lists it; settling only concerns runs that read
      if (error instanceof DataError || error instanceof NotFoundError) continue;
      throw error;
    }
    const live = await runLiveness(store, record, options);
    if (!live.interrupted) continue;
    await store.write(id, "run.json", jsonText({ ...record, status: "interrupted", error: `interrupted: ${live.reason}` }));
    settled.push(id);
  }
  return settled;
}

/** A run's heartbeat, or undefined when it has none or it does not read (a half-written sidecar is no evidence either way). */
async function readHeartbeat(reader: RunReader, runId: string): Promise<RunHeartbeat | undefined> {
  let bytes: Uint8Array;
  try {
    bytes = await reader.read(runId, HEARTBEAT_FILE);
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return undefined; // the store writes it atomically, so this is a file someone else damaged: no evidence
  }
  const parsed = RunHeartbeat.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}
