import { describe, expect, it } from "vitest";
import { MemoryRunStore } from "../../../core/memory_store.ts";
import { effectiveRecord, HEARTBEAT_FILE, type ProcessProbe, runJsonStatus, runLiveness, settleInterrupted } from "../../../core/train/liveness.ts";
import { readRunJson, RunRecord } from "../../../core/train/run_record.ts";
import { fakeRunFiles } from "../bundle/fake_runs.ts";

const NOW = Date.UTC(2026, 11, 1, 12);
const iso = (ms: number) => new Date(ms).toISOString();

/** A store with one run per (id, status, heartbeat) given. */
async function store(runs: { id: string; status: string; beat?: { host: string; pid: number; at: number; start?: string } }[]) {
  const s = new MemoryRunStore();
  for (const [i, run] of runs.entries()) {
    for (const [path, data] of Object.entries(fakeRunFiles(run.id, i + 1, { points: 5, predictions: 5, weights: 10 }))) await s.write(run.id, path, data);
    const record = JSON.parse(new TextDecoder().decode(await s.read(run.id, "run.json")));
    await s.write(run.id, "run.json", JSON.stringify({ ...record, status: run.status }));
    if (run.beat) {
      const { host, pid, at, start } = run.beat;
      await s.write(run.id, HEARTBEAT_FILE, JSON.stringify({ host, pid, at: iso(at), interval_s: 5, ...(start ? { process_start: start } : {}) }));
    }
  }
  return s;
}

/** A probe on host "here" where only pid 100 (started at "77") lives. */
const probe: ProcessProbe = { host: "here", alive: async (pid, start) => pid === 100 && (start === undefined || start === "77") };
const record = async (s: MemoryRunStore, id: string) => readRunJson(s, id, "run.json", RunRecord);

describe("runLiveness", () => {
  it("calls a running run interrupted as soon as its process on this host is gone, whatever the heartbeat's age", async () => {
    const s = await store([
      { id: "dead", status: "running", beat: { host: "here", pid: 200, at: NOW - 1_000 } },
      { id: "alive", status: "running", beat: { host: "here", pid: 100, at: NOW - 3_600_000, start: "77" } },
      { id: "reused", status: "running", beat: { host: "here", pid: 100, at: NOW - 1_000, start: "12" } },
    ]);
    expect(await runLiveness(s, await record(s, "dead"), { now: NOW, probe })).toEqual({
      interrupted: true,
      reason: "its process (pid 200 on here) ended before the run did",
    });
    expect(await runLiveness(s, await record(s, "alive"), { now: NOW, probe })).toEqual({ interrupted: false });
    // the same pid, started at another time: another process took the number
    expect((await runLiveness(s, await record(s, "reused"), { now: NOW, probe })).interrupted).toBe(true);
  });

  it("judges a run of another host, or without a probe, by its heartbeat's age: stale after 10 beats (at least 60 s)", async () => {
    const s = await store([
      { id: "fresh", status: "running", beat: { host: "there", pid: 5, at: NOW - 30_000 } },
      { id: "stale", status: "running", beat: { host: "there", pid: 5, at: NOW - 61_000 } },
    ]);
    expect(await runLiveness(s, await record(s, "fresh"), { now: NOW, probe })).toEqual({ interrupted: false });
    const stale = await runLiveness(s, await record(s, "stale"), { now: NOW, probe });
    expect(stale).toEqual({ interrupted: true, reason: `its process (pid 5 on there) last gave a sign of life at ${iso(NOW - 61_000)}, 61 s ago` });
    // a page (no probe) judges this host's run by age too
    const local = await store([{ id: "local", status: "running", beat: { host: "here", pid: 200, at: NOW - 10_000 } }]);
    expect(await runLiveness(local, await record(local, "local"), { now: NOW })).toEqual({ interrupted: false });
    expect((await runLiveness(local, await record(local, "local"), { now: NOW + 120_000 })).interrupted).toBe(true);
  });

  it("leaves finished runs, runs without a heartbeat and runs with an unreadable heartbeat alone", async () => {
    const s = await store([
      { id: "done", status: "finished", beat: { host: "here", pid: 200, at: 0 } },
      { id: "old", status: "running" },
      { id: "garbled", status: "running" },
    ]);
    await s.write("garbled", HEARTBEAT_FILE, "{ half");
    for (const id of ["done", "old", "garbled"]) expect(await runLiveness(s, await record(s, id), { now: NOW, probe })).toEqual({ interrupted: false });
  });
});

describe("effectiveRecord and settleInterrupted", () => {
  it("shows an interrupted run with its reason, and rewrites only the interrupted ones, skipping a damaged run", async () => {
    const s = await store([
      { id: "dead", status: "running", beat: { host: "here", pid: 200, at: NOW } },
      { id: "alive", status: "running", beat: { host: "here", pid: 100, at: NOW } },
      { id: "done", status: "finished" },
      { id: "broken", status: "running" },
    ]);
    await s.write("broken", "run.json", "not json");
    const shown = await effectiveRecord(s, await record(s, "dead"), { now: NOW, probe });
    expect(shown).toMatchObject({ status: "interrupted", error: "interrupted: its process (pid 200 on here) ended before the run did" });
    expect((await record(s, "dead")).status).toBe("running"); // showing rewrites nothing
    const before = new TextDecoder().decode(await s.read("done", "run.json"));
    expect(await settleInterrupted(s, { now: NOW, probe })).toEqual(["dead"]);
    expect(await record(s, "dead")).toMatchObject({ status: "interrupted", error: expect.stringMatching(/^interrupted: its process \(pid 200/) });
    expect((await record(s, "alive")).status).toBe("running");
    expect(new TextDecoder().decode(await s.read("done", "run.json"))).toBe(before);
    expect(new TextDecoder().decode(await s.read("broken", "run.json"))).toBe("not json");
    expect(await settleInterrupted(s, { now: NOW, probe })).toEqual([]);
  });
});

describe("runJsonStatus", () => {
  it("reads the status of run.json text or bytes, and nothing from text that is not a JSON object with one", () => {
    expect(runJsonStatus('{"status":"running","id":"a"}')).toBe("running");
    expect(runJsonStatus(new TextEncoder().encode('{"status":"finished"}'))).toBe("finished");
    expect(runJsonStatus('{"status":3}')).toBeUndefined();
    expect(runJsonStatus("null")).toBeUndefined();
    expect(runJsonStatus('{"status":"runn')).toBeUndefined();
  });
});
