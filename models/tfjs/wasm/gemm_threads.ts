import type { Parallelism, WorkerLike } from "../../../core/platform.ts";

/** The arguments of gemm.wat's `gemm` but the last (the workspace): one share of a product. */
export type GemmArgs = readonly number[];

/** Runs the shares of one product on the calling thread and the helpers, each taking the next share left. */
export interface GemmThreads {
  /** Threads a product can be split over (helpers + the calling one). */
  readonly threads: number;
  /** Runs every share; thread t (0: this one) uses the workspace at byte offset work[t]. At most MAX_SHARES shares. */
  run(shares: GemmArgs[], work: number[]): void;
}

/** Shares a product may be cut into. */
export const MAX_SHARES = 64;
// The control block (Int32): the next share to take and the share count, the shares' arguments, then one block of
// slots per helper: the job's sequence number, its workspace, the sequence number of the job done (negative: it threw),
// and "started". A helper blocks in Atomics.wait between jobs.
const ARITY = 13, NEXT = 0, COUNT = 1, TABLE = 2, HELPERS = TABLE + MAX_SHARES * ARITY;
const SLOTS = 4, SEQ = 0, WORK = 1, DONE = 2, READY = 3;

/** Takes shares until none is left: `gemm` each with `work` appended. The helpers run this function's source. */
function takeShares(c: Int32Array, gemm: (...args: number[]) => void, work: number): void {
  for (let k = Atomics.add(c, 0, 1); k < Atomics.load(c, 1); k = Atomics.add(c, 0, 1)) gemm(...c.subarray(2 + k * 13, 2 + k * 13 + 13), work);
}

// The helper's whole script: instantiate the kernel over the shared heap, then run jobs until told to stop (sequence -1).
const HELPER = `
${takeShares.toString()}
onmessage = (event) => {
  const { memory, bytes, control, slot } = event.data;
  const gemm = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports.gemm;
  const c = new Int32Array(control), base = ${HELPERS} + slot * ${SLOTS};
  Atomics.store(c, base + ${READY}, 1);
  for (let seen = 0;;) {
    Atomics.wait(c, base + ${SEQ}, seen);
    const seq = Atomics.load(c, base + ${SEQ});
    if (seq < 0) return close();
    seen = seq;
    let done = seq;
    try {
      takeShares(c, gemm, Atomics.load(c, base + ${WORK}));
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
    const control = new Int32Array(new SharedArrayBuffer(4 * (HELPERS + SLOTS * helpers)));
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
      Atomics.store(control, HELPERS + slot * SLOTS + SEQ, -1);
      Atomics.notify(control, HELPERS + slot * SLOTS + SEQ);
      w.terminate();
    });
  };
}

/** The threads for products over `memory` now: helpers that have started, and this thread; one thread when none. */
export function gemmThreads(memory: WebAssembly.Memory, gemm: (...args: number[]) => void): GemmThreads {
  const pool = pools.get(memory);
  const slot = (k: number) => HELPERS + k * SLOTS;
  const started = pool ? pool.workers.map((_, k) => k).filter((k) => Atomics.load(pool.control, slot(k) + READY) === 1) : [];
  return {
    threads: 1 + started.length,
    run(shares, work) {
      if (shares.length > MAX_SHARES) throw new Error(`${shares.length} shares of a product: at most ${MAX_SHARES}`);
      if (!pool || shares.length === 1 || started.length === 0) return shares.forEach((args) => gemm(...args, work[0]));
      const c = pool.control, seq = ++pool.seq;
      shares.forEach((args, k) => c.set(args, TABLE + k * ARITY));
      Atomics.store(c, NEXT, 0);
      Atomics.store(c, COUNT, shares.length);
      started.forEach((k, t) => {
        Atomics.store(c, slot(k) + WORK, work[t + 1]);
        Atomics.store(c, slot(k) + SEQ, seq);
        Atomics.notify(c, slot(k) + SEQ);
      });
      let failure: unknown;
      try {
        takeShares(c, gemm, work[0]);
      } catch (error) {
        failure = error;
        Atomics.store(c, COUNT, 0); // the helpers take no more
      }
      for (const k of started) {
        const at = slot(k) + DONE;
        for (let done = Atomics.load(c, at); done !== seq && done !== -seq; done = Atomics.load(c, at)) waitFor(c, at, done);
        if (Atomics.load(c, at) === -seq) failure ??= new Error("A product's share failed on a helper thread (its console has the error)");
      }
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
