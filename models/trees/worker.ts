/**
 * The Web Worker side of a histogram engine (models/trees/parallel.ts starts it): holds one
 * HistEngine and answers its calls in order. Errors go back to the caller as messages, so a failing
 * worker fails the fit instead of hanging it.
 */
import { type EngineData, HistEngine, type SplitOrder, type TreeStart } from "./engine.ts";

/** Buffers shared with the worker (SharedArrayBuffer views), where a tree's statistics and rows are written instead of sent. */
export interface SharedRows {
  /** rows x channels. */
  stats: Float32Array;
  /** The tree's rows in the first `sampleLength` entries. */
  sample: Int32Array;
}

/** A tree's start as sent: without statistics and rows when they are in the shared buffers. */
export type TreeStartMessage = TreeStart | (Omit<TreeStart, "stats" | "sample"> & { sampleLength: number });

/** A call from the tree grower. */
export type EngineCall =
  | { id: number; method: "init"; arg: { data: EngineData; shared?: SharedRows } }
  | { id: number; method: "begin"; arg: TreeStartMessage }
  | { id: number; method: "split"; arg: { orders: SplitOrder[]; release: number[] } };

/** The worker's answer to call `id`. */
export type EngineReply = { id: number; result: unknown } | { id: number; error: string };

// A worker's global scope, without the DOM's WorkerGlobalScope type (core/ and models/ compile without it).
const scope = globalThis as unknown as { onmessage: ((event: { data: EngineCall }) => void) | null; postMessage(message: EngineReply): void };
let engine: HistEngine | undefined;
let shared: SharedRows | undefined;
let queue: Promise<void> = Promise.resolve();

async function answer(call: EngineCall): Promise<unknown> {
  if (call.method === "init") {
    engine = new HistEngine(call.arg.data);
    shared = call.arg.shared;
    return null;
  }
  if (!engine) throw new Error(`Histogram worker got "${call.method}" before "init"`);
  if (call.method === "split") return engine.split(call.arg.orders, call.arg.release);
  const tree = call.arg;
  if ("stats" in tree) return engine.begin(tree);
  if (!shared) throw new Error("Histogram worker got a tree without statistics and has no shared buffers");
  return engine.begin({ ...tree, stats: shared.stats, sample: shared.sample.subarray(0, tree.sampleLength) });
}

scope.onmessage = ({ data }) => {
  queue = queue.then(() => answer(data)).then(
    (result) => scope.postMessage({ id: data.id, result }),
    (error) => scope.postMessage({ id: data.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
};
