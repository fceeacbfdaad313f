import { HEARTBEAT_FILE, type RunHeartbeat, runJsonStatus } from "../../core/train/liveness.ts";
import type { RunStore } from "../../core/platform.ts";
import type { TabProcess } from "../tab_process.ts";

/** Seconds between beats, as the CLI's (cli/run_heartbeat.ts): without Web Locks a reader calls the run interrupted after ten missed beats (at least 60 s). */
export const HEARTBEAT_INTERVAL_MS = 5_000;

/** A store whose writes can also remove one file (IdbRunStore). */
export type RemovingStore = RunStore & { removeFile(runId: string, path: string): Promise<void> };

/**
 * The run store a training worker writes through: while a run's run.json says `running` it keeps the run's
 * heartbeat.json (this worker's pid and the time of the last beat), written before that run.json and removed once
 * run.json says anything else, as the CLI's disk store does. A reload ends the worker: its beats stop and its lock
 * is released, so the app shows the run as interrupted (web/tab_process.ts).
 */
export class HeartbeatStore implements RunStore {
  private readonly timers = new Map<string, { id?: ReturnType<typeof setInterval>; last: Promise<void> }>();

  constructor(private readonly inner: RemovingStore, private readonly process: TabProcess, private readonly intervalMs = HEARTBEAT_INTERVAL_MS) {}

  location(runId: string): string {
    return this.inner.location(runId);
  }
  list(): Promise<string[]> {
    return this.inner.list();
  }
  read(runId: string, path: string): Promise<Uint8Array> {
    return this.inner.read(runId, path);
  }
  files(runId: string): Promise<string[]> {
    return this.inner.files(runId);
  }
  appendLine(runId: string, path: string, line: string): Promise<void> {
    return this.inner.appendLine(runId, path, line);
  }
  remove(runId: string): Promise<void> {
    return this.inner.remove(runId);
  }

  async write(runId: string, path: string, data: Uint8Array | string): Promise<void> {
    if (path !== "run.json") return this.inner.write(runId, path, data);
    const status = runJsonStatus(data);
    if (status === "running" && !this.timers.has(runId)) await this.start(runId);
    await this.inner.write(runId, path, data);
    if (status !== "running" && status !== undefined) await this.stop(runId);
  }

  private async start(runId: string): Promise<void> {
    await this.beat(runId);
    const entry: { id?: ReturnType<typeof setInterval>; last: Promise<void> } = { last: Promise.resolve() };
    entry.id = setInterval(() => {
      // a failed beat is reported, not fatal: the run goes on, and a reader may judge it stale later
      entry.last = entry.last.then(() => this.beat(runId)).catch((error: Error) => console.error(`run ${runId}: heartbeat not written: ${error.message}`));
    }, this.intervalMs);
    this.timers.set(runId, entry);
  }

  private async stop(runId: string): Promise<void> {
    const entry = this.timers.get(runId);
    if (entry) {
      clearInterval(entry.id);
      this.timers.delete(runId);
      await entry.last; // a beat in flight must land before the file is removed, or it would come back
    }
    await this.inner.removeFile(runId, HEARTBEAT_FILE);
  }

  private async beat(runId: string): Promise<void> {
    const beat: RunHeartbeat = { ...this.process, at: new Date().toISOString(), interval_s: this.intervalMs / 1000 };
    await this.inner.write(runId, HEARTBEAT_FILE, JSON.stringify(beat) + "\n");
  }
}
