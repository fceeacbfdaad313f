import type { Parallelism, WorkerLike } from "../../../core/platform.ts";

/** The arguments of gemm.wat's `gemm`, in order (byte offsets, sizes, strides, flags). */
export type GemmArgs = readonly number[];

/** Runs shares of one product at once: the first on the calling thread, each other on a helper thread. */
export interface GemmThreads {
  /** Threads a product can be split over (helpers + the calling one). */
  readonly threads: number;
  run(shares: GemmArgs[]): void;
}

// One control block of Int32 slots per helper: the job's sequence number, gemm's arguments, the sequence number of the
// job done (negative: it threw), and "started". A helper blocks in Atomics.wait between jobs.
const SLOTS = 32, SEQ = 0, ARGS = 1, ARITY = 14, DONE = 30, READY = 31;

// The helper's whole script: instantiate the kernel over the shared heap, then run jobs until told to stop (sequence -1).
const HELPER = `
onmessage = (event) => {
  const { memory, bytes, control, slot } = event.data;
  const gemm = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports.gemm;
  const c = new Int32Array(control), base = slot * ${SLOTS};
  Atomics.store(c, base + ${READY}, 1);
  Atomics.notify(c, base + ${READY});
  for (let seen = 0;;) {
    Atomics.wait(c, base + ${SEQ}, seen);
    const seq = Atomics.load(c, base + ${SEQ});
    if (seq < 0) return close();
    seen = seq;
    let done = seq;
    try {
      gemm(...c.subarray(base + ${ARGS}, base + ${ARGS + ARITY}));
    } catch (error) {
      console.error("model-factory gemm helper:", error);
      done = -seq;
    }
    Atomics.store(c, base + ${DONE}, done);
    Atomics.notify(c, base + ${DONE});
  }
};`;

interface Pool {
  workers: WorkerLike[];
  control: Int32Array;
  seq: number;
  users: number;
}

const pools = new WeakMap<WebAssembly.Memory, Pool>();

/**
 * Helper threads for the wasm products over a shared heap: `threads - 1` workers (Parallelism's), each running
 * gemm.wat on `memory` (a WebAssembly memory shared with the tfjs threaded backend). Counted: every `acquire` is
 * matched by a `release`, and the workers stop with the last release, so a finished run leaves no thread that keeps
 * the process alive. A helper that has not started yet is not waited for: its share runs on the calling thread.
 *
 * @example
 * const release = acquireGemmThreads(memory, bytes, parallel);
 * try { train(); } finally { release(); }
 */
export function acquireGemmThreads(memory: WebAssembly.Memory, bytes: Uint8Array, parallel: Parallelism): () => void {
  let pool = pools.get(memory);
  if (!pool) {
    const helpers = Math.max(0, Math.floor(parallel.threads) - 1);
    const control = new Int32Array(new SharedArrayBuffer(4 * SLOTS * Math.max(1, helpers)));
    const url = URL.createObjectURL(new Blob([HELPER], { type: "text/javascript" }));
    const workers = Array.from({ length: helpers }, (_, slot) => {
      const worker = parallel.spawn(new URL(url));
      worker.postMessage({ memory, bytes, control: control.buffer, slot });
      return worker;
    });
    URL.revokeObjectURL(url);
    pools.set(memory, pool = { workers, control, seq: 0, users: 0 });
  }
  pool.users++;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--pool!.users > 0) return;
    pools.delete(memory);
    const { control, workers } = pool!;
    workers.forEach((w, slot) => {
      Atomics.store(control, slot * SLOTS + SEQ, -1);
      Atomics.notify(control, slot * SLOTS + SEQ);
      w.terminate();
    });
  };
}

/** The threads for products over `memory` now: helpers that have started, and this thread; one thread when none. */
export function gemmThreads(memory: WebAssembly.Memory, gemm: (...args: number[]) => void): GemmThreads {
  const pool = pools.get(memory);
  const started = pool ? pool.workers.map((_, slot) => slot).filter((slot) => Atomics.load(pool.control, slot * SLOTS + READY) === 1) : [];
  return {
    threads: 1 + started.length,
    run(shares) {
      if (shares.length - 1 > started.length) throw new Error(`${shares.length} shares for ${1 + started.length} threads`);
      const c = pool?.control;
      const seq = pool ? ++pool.seq : 0;
      shares.slice(1).forEach((args, k) => {
        const base = started[k] * SLOTS;
        c!.set(args, base + ARGS);
        Atomics.store(c!, base + SEQ, seq);
        Atomics.notify(c!, base + SEQ);
      });
      let failure: unknown;
      try {
        gemm(...shares[0]);
      } catch (error) {
        failure = error;
      }
      shares.slice(1).forEach((_, k) => {
        const at = started[k] * SLOTS + DONE;
        for (let done = Atomics.load(c!, at); done !== seq && done !== -seq; done = Atomics.load(c!, at)) waitFor(c!, at, done);
        if (Atomics.load(c!, at) === -seq) failure ??= new Error("A product's share failed on a helper thread (its console has the error)");
      });
      if (failure) throw failure;
    },
  };
}

/** Atomics.wait where the thread may block (workers, Deno), else a short spin (a page's main thread may not). */
function waitFor(c: Int32Array, at: number, value: number): void {
  try {
    Atomics.wait(c, at, value, 50);
  } catch {
    for (let i = 0; i < 1000 && Atomics.load(c, at) === value; i++);
  }
}
