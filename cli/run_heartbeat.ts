import { HEARTBEAT_FILE, type RunHeartbeat } from "../core/train/liveness.ts";
import { thisProcess } from "./process_probe.ts";

/** Seconds between beats: a run killed on another host reads as interrupted once ten are missed (core/train/liveness.ts). */
export const HEARTBEAT_INTERVAL_MS = 5_000;

/** How the heartbeats reach the run's folder: the store's atomic write and its remove of one file. */
export interface HeartbeatFiles {
  write(runId: string, path: string, data: string): Promise<void>;
  removeFile(runId: string, path: string): Promise<void>;
}

/**
 * The heartbeats of the runs this process trains: started when it writes a run.json that says `running` (the beat is
 * written before that run.json, so no reader sees a running run without one), rewritten every interval, and stopped
 * and removed when it writes the run's final status. Timers are unref'd: they never keep the process alive.
 */
export class Heartbeats {
  private readonly timers = new Map<string, { id?: ReturnType<typeof setInterval>; last: Promise<void> }>();

  constructor(private readonly files: HeartbeatFiles, private readonly intervalMs = HEARTBEAT_INTERVAL_MS) {}

  /** Called with the status of every run.json about to be written (before it is) or just written (after). */
  async before(runId: string, status: string | undefined): Promise<void> {
    if (status !== "running" || this.timers.has(runId)) return;
    await this.beat(runId);
    const entry: { id?: ReturnType<typeof setInterval>; last: Promise<void> } = { last: Promise.resolve() };
    entry.id = setInterval(() => {
      // a failed beat is reported, not fatal: the run goes on, and a reader may judge it stale later
      entry.last = entry.last.then(() => this.beat(runId)).catch((error) => console.error(`warning: run ${runId}: heartbeat not written: ${error.message}`));
    }, this.intervalMs);
    Deno.unrefTimer(Number(entry.id)); // Deno timers are numbers (the type is node's, which tests add)
    this.timers.set(runId, entry);
  }

  /** Stops and removes the run's heartbeat once run.json says the run ended. */
  async after(runId: string, status: string | undefined): Promise<void> {
    if (status === "running" || status === undefined) return;
    const entry = this.timers.get(runId);
    if (entry) {
      clearInterval(entry.id);
      this.timers.delete(runId);
      await entry.last; // a beat in flight must land before the file is removed, or it would come back
    }
    await this.files.removeFile(runId, HEARTBEAT_FILE);
  }

  private async beat(runId: string): Promise<void> {
    const beat: RunHeartbeat = { ...(await thisProcess()), at: new Date().toISOString(), interval_s: this.intervalMs / 1000 };
    await this.files.write(runId, HEARTBEAT_FILE, JSON.stringify(beat) + "\n");
  }
}
