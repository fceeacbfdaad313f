import type { Parallelism, WorkerLike } from "../../../core/platform.ts";
import { gruBackwardRows, gruForwardRows, lstmBackwardRows, lstmForwardRows } from "./recurrent_rows.ts";

/**
 * What a share of a job runs (its arguments byte offsets and sizes; a thread's workspace is appended): a block of a
 * product (gemm.wat's `gemm`), or an LSTM or GRU recurrence over a block of batch rows (recurrent_rows.ts). Numbers in
 * kindsOf's order, which also holds each kind's argument count.
 */
export const KINDS = { gemm: 0, lstmForward: 1, lstmBackward: 2, gruForward: 3, gruBackward: 4 } as const;

/** One share of a job: its kind's number and arguments. */
export interface Share {
  kind: number;
  args: readonly number[];
}

/** The kernels a thread runs its shares with: gemm.wat's `gemm` and recurrent_kernels.wat's pointwise steps. */
export interface HeapKernels {
  gemm: (...args: number[]) => void;
  lstm_forward: (...args: number[]) => void;
  lstm_backward: (...args: number[]) => void;
  gru_forward: (...args: number[]) => void;
  gru_backward: (...args: number[]) => void;
}

/** recurrent_rows.ts's functions, handed to kindsOf (a helper has them from their source text). */
interface Rows {
  lstmForwardRows: typeof lstmForwardRows;
  lstmBackwardRows: typeof lstmBackwardRows;
  gruForwardRows: typeof gruForwardRows;
  gruBackwardRows: typeof gruBackwardRows;
}
const ROWS: Rows = { lstmForwardRows, lstmBackwardRows, gruForwardRows, gruBackwardRows };

/** Runs the shares of one job on the calling thread and the helpers, each taking the next share left. */
export interface HeapThreads {
  /** Threads a job can be split over (helpers + the calling one). */
  readonly threads: number;
  /** Runs every share; thread t (0: this one) uses the workspace at byte offset work[t]. At most MAX_SHARES shares. */
  run(shares: Share[], work: number[]): void;
}

/** Shares a job may be cut into. */
export const MAX_SHARES = 64;

/**
 * Cuts `units` of work (a product's 4-row tiles or 8-column panels, an LSTM's blocks of rows) into shares for `threads`
 * threads that take them in turn, largest first: each takes 1 / (2 threads) of what is left (guided scheduling), so
 * the threads finish within a small share of each other however late a helper wakes or however slowly it runs (a
 * busy core). Equal shares, three a thread, left the calling thread waiting ~0.5 ms of a 14 ms MLP step for the helper
 * (CPU profile); at most MAX_SHARES shares, the last taking the rest; one share of everything for one thread.
 *
 * @example
 * guidedShares(64, 2); // [{from: 0, count: 16}, {from: 16, count: 12}, {from: 28, count: 9}, ...]
 */
export function guidedShares(units: number, threads: number): { from: number; count: number }[] {
  if (threads <= 1) return [{ from: 0, count: units }];
  const shares: { from: number; count: number }[] = [];
  for (let from = 0; from < units;) {
    const left = units - from;
    const count = shares.length === MAX_SHARES - 1 ? left : Math.max(1, Math.ceil(left / (2 * threads)));
    shares.push({ from, count });
    from += count;
  }
  return shares;
}
// The control block (Int32): the next share to take and the share count, the shares (kind, then its arguments), then
// one block of slots per helper: the job's sequence number, its workspace, the sequence number of the job done
// (negative: it threw), and "started". A helper blocks in Atomics.wait between jobs.
const STRIDE = 19, NEXT = 0, COUNT = 1, TABLE = 2, HELPERS = TABLE + MAX_SHARES * STRIDE;
const SLOTS = 4, SEQ = 0, WORK = 1, DONE = 2, READY = 3;

/**
 * Takes shares until none is left, each run by its kind's function with `work` appended. The helpers run this
 * function's source, so it uses nothing but its arguments (the next share at 0, the count at 1, the table at 2,
 * `stride` slots a share; the kind first).
 */
function takeShares(c: Int32Array, stride: number, kinds: { run: (...args: number[]) => void; arity: number }[], work: number): void {
  for (let k = Atomics.add(c, 0, 1); k < Atomics.load(c, 1); k = Atomics.add(c, 0, 1)) {
    const at = 2 + k * stride, kind = kinds[c[at]];
    kind.run(...c.subarray(at + 1, at + 1 + kind.arity), work);
  }
}

/** Each kind's function over a thread's kernels, in KINDS' order. The helpers run this function's source too. */
function kindsOf(k: HeapKernels, rows: Rows): { run: (...args: number[]) => void; arity: number }[] {
  const over = (f: unknown, kernel: (...args: number[]) => void) => (...a: number[]) => (f as (...x: unknown[]) => void)(k.gemm, kernel, ...a);
  return [
    { run: k.gemm, arity: 14 },
    { run: over(rows.lstmForwardRows, k.lstm_forward), arity: 17 },
    { run: over(rows.lstmBackwardRows, k.lstm_backward), arity: 18 },
    { run: over(rows.gruForwardRows, k.gru_forward), arity: 16 },
    { run: over(rows.gruBackwardRows, k.gru_backward), arity: 18 },
  ];
}

// The helper's whole script: instantiate the kernels over the shared heap, then run jobs until told to stop (-1).
const HELPER = `
const takeShares = ${takeShares.toString()};
const kindsOf = ${kindsOf.toString()};
const rows = {
  lstmForwardRows: ${lstmForwardRows.toString()},
  lstmBackwardRows: ${lstmBackwardRows.toString()},
  gruForwardRows: ${gruForwardRows.toString()},
  gruBackwardRows: ${gruBackwardRows.toString()},
};
onmessage = (event) => {
  const { memory, gemm, recurrent, control, slot } = event.data;
  const load = (module) => new WebAssembly.Instance(module, { env: { memory } }).exports;
  const kinds = kindsOf({ ...load(recurrent), gemm: load(gemm).gemm }, rows);
  const c = new Int32Array(control), base = ${HELPERS} + slot * ${SLOTS};
  Atomics.store(c, base + ${READY}, 1);
  postMessage("ready");
  for (let seen = 0;;) {
    Atomics.wait(c, base + ${SEQ}, seen);
    const seq = Atomics.load(c, base + ${SEQ});
    if (seq < 0) return close();
    seen = seq;
    let done = seq;
    try {
      takeShares(c, ${STRIDE}, kinds, Atomics.load(c, base + ${WORK}));
    } catch (error) {
      console.error("model-factory heap thread:", error);
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
  /** Settles when every helper has started (or failed to). */
  started: Promise<void>;
}

/** The timers of every runtime this runs in (browsers, workers, Deno), which core's libraries do not declare. */
const timers = globalThis as unknown as { setTimeout(run: () => void, ms: number): unknown; clearTimeout(id: unknown): void };

/** How long `acquireHeapThreads`'s `ready` waits for the helpers to start before the job goes on with those that have. */
export const HELPER_START_MS = 10_000;

const pools = new WeakMap<WebAssembly.Memory, Pool>();

/**
 * Helper threads for the wasm backend's heavy kernels over a shared heap: `threads - 1` workers (Parallelism's), each
 * running gemm.wat and recurrent_kernels.wat (their compiled modules as instantiated here) on `memory`, a WebAssembly memory shared with
 * tfjs's threaded backend. Counted: every `acquire` is matched by a `release`, and the workers stop with the last
 * release, so a finished run leaves no thread that keeps the process alive. A helper that has not started yet is not
 * handed work: its shares run on the threads that have; `ready` settles once every helper has started (or failed to,
 * or after HELPER_START_MS), so that a job uses them all from its first step (a short run finished on one thread when
 * a busy machine started its helper late).
 *
 * @example
 * const threads = acquireHeapThreads(memory, { gemm, recurrent }, parallel);
 * await threads.ready;
 * try { train(); } finally { threads.release(); }
 */
export function acquireHeapThreads(
  memory: WebAssembly.Memory,
  modules: { gemm: WebAssembly.Module; recurrent: WebAssembly.Module },
  parallel: Parallelism,
): { ready: Promise<void>; release: () => void } {
  let pool = pools.get(memory);
  if (!pool) {
    const helpers = Math.max(0, Math.floor(parallel.threads) - 1);
    const control = new Int32Array(new SharedArrayBuffer(4 * (HELPERS + SLOTS * helpers)));
    const url = URL.createObjectURL(new Blob([HELPER], { type: "text/javascript" }));
    const starts: Promise<void>[] = [];
    const workers = Array.from({ length: helpers }, (_, slot) => {
      const worker = parallel.spawn(new URL(url));
      // a helper says "ready" once, or fails to start (onerror): either settles its start
      starts.push(new Promise<void>((settle) => (worker.onmessage = worker.onerror = () => settle())));
      worker.postMessage({ memory, ...modules, control: control.buffer, slot });
      return worker;
    });
    URL.revokeObjectURL(url);
    let timer: unknown;
    const started = Promise.race([Promise.all(starts).then(() => {}), new Promise<void>((settle) => (timer = timers.setTimeout(settle, HELPER_START_MS)))])
      .finally(() => timers.clearTimeout(timer));
    pools.set(memory, pool = { workers, control, seq: 0, users: 0, started });
  }
  pool.users++;
  let released = false;
  const release = () => {
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
  return { ready: pool.started, release };
}

/** The threads for jobs over `memory` now: helpers that have started, and this thread (running `local`); one when none. */
export function heapThreads(memory: WebAssembly.Memory, local: HeapKernels): HeapThreads {
  const pool = pools.get(memory);
  const slot = (k: number) => HELPERS + k * SLOTS;
  const started = pool ? pool.workers.map((_, k) => k).filter((k) => Atomics.load(pool.control, slot(k) + READY) === 1) : [];
  const kinds = kindsOf(local, ROWS);
  return {
    threads: 1 + started.length,
    run(shares, work) {
      if (shares.length > MAX_SHARES) throw new Error(`${shares.length} shares of a job: at most ${MAX_SHARES}`);
      if (!pool || shares.length === 1 || started.length === 0) return shares.forEach((s) => kinds[s.kind].run(...s.args, work[0]));
      const c = pool.control, seq = ++pool.seq;
      shares.forEach((s, k) => {
        c[TABLE + k * STRIDE] = s.kind;
        c.set(s.args, TABLE + k * STRIDE + 1);
      });
      Atomics.store(c, NEXT, 0);
      Atomics.store(c, COUNT, shares.length);
      started.forEach((k, t) => {
        Atomics.store(c, slot(k) + WORK, work[t + 1]);
        Atomics.store(c, slot(k) + SEQ, seq);
        Atomics.notify(c, slot(k) + SEQ);
      });
      let failure: unknown;
      try {
        takeShares(c, STRIDE, kinds, work[0]);
      } catch (error) {
        failure = error;
        Atomics.store(c, COUNT, 0); // the helpers take no more
      }
      for (const k of started) {
        const at = slot(k) + DONE;
        for (let done = Atomics.load(c, at); done !== seq && done !== -seq; done = Atomics.load(c, at)) waitFor(c, at, done);
        if (Atomics.load(c, at) === -seq) failure ??= new Error("A share of a job failed on a helper thread (its console has the error)");
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
