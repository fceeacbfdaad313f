import { describe, expect, it } from "vitest";
import { type CellClaim, type ClaimHolder, endClaim, lapsed, renewClaim, takeNext, type TakeOptions } from "../../../core/experiment/claims.ts";
import { MemoryClaimStore } from "../../../core/experiment/memory_claims.ts";

const T0 = Date.parse("2026-01-01T00:00:00Z");
const holder = (worker: string, submission = "s1", host = "node-a"): ClaimHolder => ({ worker, task: Number(worker.slice(1)), submission, host, pid: 100 });
let tokens = 0;
const options = (who: ClaimHolder, now: number, more: Partial<TakeOptions> = {}): TakeOptions => ({
  holder: who,
  now,
  heartbeatMs: 10_000,
  keys: ["a", "b", "c"],
  done: () => false,
  token: `t${++tokens}`,
  ...more,
});

describe("cell claims", () => {
  it("workers take distinct keys in order; the next waits while live claims hold the rest, and is done when they are done", async () => {
    const store = new MemoryClaimStore();
    const got = [];
    for (const w of ["w0", "w1", "w2"]) got.push(await takeNext(store, options(holder(w), T0)));
    expect(got.map((g) => g.kind === "claimed" && [g.key, g.settled, g.holders])).toEqual([["a", 0, 1], ["b", 1, 2], ["c", 2, 3]]);
    const waiting = await takeNext(store, options(holder("w3"), T0 + 1000));
    expect(waiting.kind).toBe("wait");
    expect(waiting.kind === "wait" && waiting.held.map((c) => c.worker)).toEqual(["w0", "w1", "w2"]);
    const done = await takeNext(store, options(holder("w3"), T0 + 1000, { done: () => true }));
    expect(done.kind).toBe("done");
  });

  it("a claim whose heartbeat lapsed is taken over (attempt 2, the old holder named); a renewed one is not", async () => {
    const store = new MemoryClaimStore();
    const first = await takeNext(store, options(holder("w0"), T0, { keys: ["a"] }));
    if (first.kind !== "claimed") throw new Error("not claimed");
    expect(await renewClaim(store, "a", first.claim.token, T0 + 9_000)).toBe(true);
    // 10 s after the renewal it still holds; just past it, it does not
    expect((await takeNext(store, options(holder("w1"), T0 + 19_000, { keys: ["a"] }))).kind).toBe("wait");
    const taken = await takeNext(store, options(holder("w1"), T0 + 19_001, { keys: ["a"] }));
    expect(taken.kind === "claimed" && taken.claim).toMatchObject({ worker: "w1", attempt: 2, took_over: { worker: "w0", task: 0 } });
    expect(taken.kind === "claimed" && taken.claim.took_over?.reason).toMatch(/no heartbeat for 10 s \(timeout 10 s\)/);
    // the old holder learns it lost the claim, and cannot end it
    expect(await renewClaim(store, "a", first.claim.token, T0 + 20_000)).toBe(false);
    expect(await endClaim(store, "a", first.claim.token, T0 + 20_000, { state: "finished", run_id: "r0" })).toBe(false);
    expect(store.claims.get("a")).toMatchObject({ worker: "w1", state: "running" });
  });

  it("a holder on the same host whose process is gone loses its claim at once; one on another host is not asked", async () => {
    const store = new MemoryClaimStore();
    await takeNext(store, options(holder("w0", "s1", "node-a"), T0, { keys: ["a"] }));
    const asked: string[] = [];
    const gone = (claim: CellClaim) => (asked.push(claim.worker), Promise.resolve(true));
    const other = await takeNext(store, options(holder("w1", "s1", "node-b"), T0 + 1000, { keys: ["a"], gone }));
    expect(other.kind).toBe("wait");
    expect(asked).toEqual([]);
    const same = await takeNext(store, options(holder("w2", "s1", "node-a"), T0 + 1000, { keys: ["a"], gone }));
    expect(same.kind === "claimed" && same.claim.took_over?.reason).toBe("its process 100 on node-a is gone");
  });

  it("a failed cell is not taken again in its submission, but is by the next; a released one by anyone", async () => {
    const store = new MemoryClaimStore();
    const first = await takeNext(store, options(holder("w0"), T0, { keys: ["a", "b"] }));
    const second = await takeNext(store, options(holder("w1"), T0, { keys: ["a", "b"] }));
    if (first.kind !== "claimed" || second.kind !== "claimed") throw new Error("not claimed");
    expect(await endClaim(store, "a", first.claim.token, T0 + 10, { state: "failed", error: "boom" })).toBe(true);
    expect(store.claims.get("a")).toMatchObject({ state: "failed", error: "boom", ended_at: new Date(T0 + 10).toISOString() });
    expect(await endClaim(store, "b", second.claim.token, T0 + 10, { state: "released" })).toBe(true);
    const same = await takeNext(store, options(holder("w2"), T0 + 20, { keys: ["a", "b"] }));
    expect(same.kind === "claimed" && [same.key, same.settled]).toEqual(["b", 1]);
    expect((await takeNext(store, options(holder("w3"), T0 + 20, { keys: ["a"] }))).kind).toBe("done");
    const next = await takeNext(store, options(holder("w0", "s2"), T0 + 30, { keys: ["a"] }));
    expect(next.kind === "claimed" && next.claim).toMatchObject({ key: "a", submission: "s2", attempt: 2, state: "running" });
    expect(next.kind === "claimed" && next.claim.took_over).toBeUndefined(); // it had ended, nobody was displaced
  });

  it("lapsed() says nothing of ended claims", () => {
    const claim = {
      key: "a",
      state: "finished",
      ...holder("w0"),
      token: "t",
      claimed_at: "2026-01-01T00:00:00Z",
      alive_at: "2026-01-01T00:00:00Z",
      heartbeat_s: 1,
      attempt: 1,
    } as const;
    expect(lapsed(claim, T0 + 3_600_000, true)).toBeUndefined();
    expect(lapsed({ ...claim, state: "running" }, T0 + 1001)).toMatch(/no heartbeat/);
  });

  it("tryExclusive runs nothing while other exclusive work is under way, and runs once it is done", async () => {
    const store = new MemoryClaimStore();
    let release!: () => void;
    const held = store.exclusive(() => new Promise<string>((done) => (release = () => done("first"))));
    expect(await store.tryExclusive(() => Promise.resolve("second"))).toBeUndefined();
    release();
    expect(await held).toBe("first");
    expect(await store.tryExclusive(() => Promise.resolve("third"))).toEqual({ result: "third" });
  });
});
