// Starts tfjs's WebAssembly backend with threads under Deno.
//
// The threads are ours: a network's products (nearly all of a step's work) run on models/tfjs/wasm/gemm.ts, split over
// helper workers that share the backend's heap, which must therefore be a shared memory: tfjs's threaded build's. tfjs's
// own thread pool (XNNPACK's, for its elementwise kernels) is kept to one thread: its workers spin while they wait and
// took the cores from the product helpers (MLP 15,290 and 13,822 samples/s with a pool of 2, 20,133 and 17,985 with 1,
// alternating; LSTM 3,050 / 2,354 against 2,957 / 2,772; experiments/benchmarks/train_speed.md).
//
// tfjs ships a threaded (pthreads + SIMD) build of its wasm backend but turns it on only in browsers.
// Deno has Node's APIs, so tfjs takes the Node path, where its pthread workers are node:worker_threads
// Workers fed a classic script (the threaded glue loaded through importScripts) from a blob: URL;
// Deno runs module workers only. So, while the backend starts:
// - node:worker_threads' Worker is replaced by the few members the glue uses (on, postMessage,
//   terminate, unref) over a Deno module worker whose source is the threaded glue followed by tfjs's
//   own worker script, with importScripts a no-op (the glue is already there) and no `process`.
// It is restored once the backend has started.
import { createRequire } from "node:module";
import workerThreads from "node:worker_threads";
import * as tf from "@tensorflow/tfjs";

const require = createRequire(import.meta.url);

/** The pthread worker's module source: the threaded glue, then tfjs's worker script. */
function workerSource(): string {
  const glue = Deno.readTextFileSync(require.resolve("@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js"));
  const { wasmWorkerContents } = require("@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js") as { wasmWorkerContents: string };
  // tfjs puts the script in a Blob with its "\n" escapes doubled (they sit inside string literals); so do we.
  // Without `process` the glue and the script take their browser-worker path (Deno's workers have Node's `process`).
  return `globalThis.importScripts = () => {}; delete globalThis.process;\n${glue}\n${wasmWorkerContents.replace(/\n/g, "\\n")}`;
}

/**
 * Runs `start` (which starts the wasm backend) with tfjs's threaded build enabled and one thread in its pool; returns
 * `threads`, the threads a network's products are split over (the Parallelism the models get says as many).
 */
export async function startWasmThreaded(start: () => Promise<void>, threads = navigator.hardwareConcurrency || 1): Promise<number> {
  const wasm = await import("@tensorflow/tfjs-backend-wasm");
  tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", true);
  wasm.setThreadsCount(1);
  const url = URL.createObjectURL(new Blob([workerSource()], { type: "text/javascript" }));
  const DenoWorker = globalThis.Worker;
  /** The part of node:worker_threads' Worker that the emscripten glue uses, over a module worker. */
  class PthreadWorker {
    #worker = new DenoWorker(url, { type: "module" });
    on(event: string, listener: (value: unknown) => void) {
      if (event === "message") this.#worker.addEventListener("message", (e) => listener((e as MessageEvent).data));
      if (event === "error") this.#worker.addEventListener("error", (e) => listener((e as ErrorEvent).error ?? new Error((e as ErrorEvent).message)));
    }
    postMessage(data: { urlOrBlob?: unknown }, transfer?: Transferable[]) {
      // The glue's source travels as a Blob for importScripts; the module already holds it.
      this.#worker.postMessage(data?.urlOrBlob instanceof Blob ? { ...data, urlOrBlob: "" } : data, transfer ?? []);
    }
    terminate() {
      this.#worker.terminate();
    }
    unref() {}
    ref() {}
  }
  const mutableThreads = workerThreads as unknown as { Worker: unknown };
  const nodeWorker = mutableThreads.Worker;
  mutableThreads.Worker = PthreadWorker;
  try {
    await start();
  } finally {
    // The glue also points the global Worker at node:worker_threads' (here: ours); put Deno's back.
    [mutableThreads.Worker, globalThis.Worker] = [nodeWorker, DenoWorker];
  }
  return threads;
}
