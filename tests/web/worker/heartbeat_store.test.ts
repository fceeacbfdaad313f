import { afterEach, describe, expect, it, vi } from "vitest";
import { MemoryRunStore } from "../../../core/memory_store.ts";
import { effectiveRecord } from "../../../core/train/liveness.ts";
import type { RunRecord } from "../../../core/train/run_record.ts";
import { HeartbeatStore } from "../../../web/worker/heartbeat_store.ts";

/** A memory store with the one-file remove IdbRunStore has. */
class Store extends MemoryRunStore {
  async removeFile(runId: string, path: string): Promise<void> {
    const files = await this.files(runId);
    const kept = await Promise.all(files.filter((f) => f !== path).map(async (f) => [f, await this.read(runId, f)] as const));
    await this.remove(runId);
    for (const [f, data] of kept) await this.write(runId, f, data);
  }
}

const process = { host: "browser", pid: 42, process_start: "2026-01-01T00:00:00.000Z" };
const runJson = (status: string) => JSON.stringify({ id: "r1", status });
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

afterEach(() => vi.useRealTimers());

describe("HeartbeatStore", () => {
  it("writes heartbeat.json before run.json says running, beats every interval, and removes it when the run ends", async () => {
    vi.useFakeTimers({ now: Date.parse("2026-06-01T10:00:00Z") });
    const inner = new Store();
    const store = new HeartbeatStore(inner, process, 1_000);
    await store.write("r1", "run.json", runJson("running"));
    expect(JSON.parse(text(await inner.read("r1", "heartbeat.json")))).toEqual({ ...process, at: "2026-06-01T10:00:00.000Z", interval_s: 1 });
    await vi.advanceTimersByTimeAsync(3_000);
    expect(JSON.parse(text(await inner.read("r1", "heartbeat.json"))).at).toBe("2026-06-01T10:00:03.000Z");
    await store.write("r1", "metrics.json", "{}");
    await store.write("r1", "run.json", runJson("finished"));
    expect(await inner.files("r1")).toEqual(["metrics.json", "run.json"]);
    // no beat comes back after the end
    await vi.advanceTimersByTimeAsync(3_000);
    expect(await inner.files("r1")).toEqual(["metrics.json", "run.json"]);
  });

  it("leaves a running run that a reader judges by its process: interrupted once the process is gone", async () => {
    const inner = new Store();
    const store = new HeartbeatStore(inner, process, 60_000);
    const record = { id: "r1", status: "running" } as RunRecord;
    await store.write("r1", "run.json", runJson("running"));
    const probe = (alive: boolean) => ({ host: "browser", alive: async () => alive });
    expect((await effectiveRecord(inner, record, { now: Date.now(), probe: probe(true) })).status).toBe("running");
    expect(await effectiveRecord(inner, record, { now: Date.now(), probe: probe(false) })).toMatchObject({
      status: "interrupted",
      error: "interrupted: its process (pid 42 on browser) ended before the run did",
    });
    await store.write("r1", "run.json", runJson("stopped"));
  });
});
