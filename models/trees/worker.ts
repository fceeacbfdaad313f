/**
 * The Web Worker side of a histogram engine (models/trees/parallel.ts starts it): holds one
 * HistEngine and answers its calls in order. Errors go back to the caller as messages, so a failing
 * worker fails the fit instead of hanging it.
 */
import { type EngineData, HistEngine, type SplitOrder, type TreeStart } from "./engine.ts";

/** A call from the tree grower. */
export type EngineCall =
  | { id: number; method: "init"; arg: EngineData }
  | { id: number; method: "begin"; arg: TreeStart }
  | { id: number; method: "split"; arg: { orders: SplitOrder[]; release: number[] } };

/** The worker's answer to call `id`. */
export type EngineReply = { id: number; result: unknown } | { id: number; error: string };

// A worker's global scope, without the DOM's WorkerGlobalScope type (core/ and models/ compile without it).
const scope = globalThis as unknown as { onmessage: ((event: { data: EngineCall }) => void) | null; postMessage(message: EngineReply): void };
let engine: HistEngine | undefined;
let queue: Promise<void> = Promise.resolve();

async function answer(call: EngineCall): Promise<unknown> {
  if (call.method === "init") {
    engine = new HistEngine(call.arg);
    return null;
  }
  if (!engine) throw new Error(`Histogram worker got "${call.method}" before "init"`);
  return call.method === "begin" ? engine.begin(call.arg) : engine.split(call.arg.orders, call.arg.release);
}

scope.onmessage = ({ data }) => {
  queue = queue.then(() => answer(data)).then(
    (result) => scope.postMessage({ id: data.id, result }),
    (error) => scope.postMessage({ id: data.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
};
