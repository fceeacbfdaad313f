import { afterEach, describe, expect, it, vi } from "vitest";
import type { WorkerLike } from "../../../../core/platform.ts";
import { acquireHeapThreads, guidedShares, HELPER_START_MS, MAX_SHARES } from "../../../../models/tfjs/wasm/heap_threads.ts";

describe("guidedShares", () => {
  it("covers every unit once, in order, largest shares first, 1 / (2 threads) of what is left each", () => {
    const shares = guidedShares(64, 2);
    expect(shares.slice(0, 4)).toEqual([{ from: 0, count: 16 }, { from: 16, count: 12 }, { from: 28, count: 9 }, { from: 37, count: 7 }]);
    for (const [units, threads] of [[1, 2], [3, 2], [64, 2], [1605, 2], [803, 3], [7, 16]]) {
      const got = guidedShares(units, threads);
      expect(got[0].from).toBe(0);
      got.forEach((s, k) => k > 0 && expect(s.from).toBe(got[k - 1].from + got[k - 1].count));
      expect(got.at(-1)!.from + got.at(-1)!.count).toBe(units);
      got.forEach((s, k) => k > 0 && expect(s.count).toBeLessThanOrEqual(got[k - 1].count));
      expect(got.length).toBeLessThanOrEqual(MAX_SHARES);
    }
  });

  it("gives one thread one share of every unit", () => {
    expect(guidedShares(1605, 1)).toEqual([{ from: 0, count: 1605 }]);
  });

  it("stops at MAX_SHARES, the last share taking what is left", () => {
    const got = guidedShares(1e6, 64);
    expect(got).toHaveLength(MAX_SHARES);
    expect(got.at(-1)!.from + got.at(-1)!.count).toBe(1e6);
    expect(got.at(-1)!.count).toBeGreaterThan(got.at(-2)!.count);
  });
});

describe("acquireHeapThreads", () => {
  /** Helpers that start when the test says: each records what it was sent and whether it was stopped. */
  function pool(threads: number) {
    const workers: (WorkerLike & { sent: unknown[]; stopped: boolean })[] = [];
    const spawn = () => {
      const w = {
        sent: [] as unknown[],
        stopped: false,
        onmessage: null,
        onerror: null,
        postMessage: (m: unknown) => w.sent.push(m),
        terminate: () => void (w.stopped = true),
      };
      workers.push(w);
      return w;
    };
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    const modules = { gemm: {} as WebAssembly.Module, recurrent: {} as WebAssembly.Module };
    const settled = { value: false };
    const threadsUse = acquireHeapThreads(memory, modules, { threads, spawn });
    threadsUse.ready.then(() => void (settled.value = true));
    return { workers, settled, ...threadsUse };
  }
  const turn = () => new Promise((resolve) => setImmediate(resolve));
  afterEach(() => void vi.useRealTimers());

  it("is ready once every helper has started (said so, or failed to), so a job uses them all from its first step", async () => {
    const { workers, settled, ready, release } = pool(3);
    expect(workers).toHaveLength(2);
    expect(workers.every((w) => w.sent.length === 1)).toBe(true); // the memory, the modules, the control block, its slot
    await turn();
    expect(settled.value).toBe(false);
    workers[0].onmessage!({ data: "ready" });
    await turn();
    expect(settled.value).toBe(false);
    workers[1].onerror!({ message: "no such script" });
    await ready;
    release();
    expect(workers.every((w) => w.stopped)).toBe(true);
  });

  it("stops waiting after HELPER_START_MS for a helper that never starts", async () => {
    vi.useFakeTimers();
    const { workers, settled, ready, release } = pool(2);
    await vi.advanceTimersByTimeAsync(HELPER_START_MS - 1);
    expect(settled.value).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await ready;
    release();
    expect(workers[0].stopped).toBe(true);
  });
});
