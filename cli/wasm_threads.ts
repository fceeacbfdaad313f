// Starts tfjs's WebAssembly backend with threads under Deno.
//
// tfjs ships a threaded (pthreads + SIMD) build of its wasm backend but turns it on only in browsers.
// Deno has Node's APIs, so tfjs takes the Node path, where its pthread workers are node:worker_threads
// Workers fed a classic script (the threaded glue loaded through importScripts) from a blob: URL;
// Deno runs module workers only. So, while the backend starts:
// - node:worker_threads' Worker is replaced by the few members the glue uses (on, postMessage,
//   terminate, unref) over a Deno module worker whose source is the threaded glue followed by tfjs's
//   own worker script, with importScripts a no-op (the glue is already there) and no `process`;
// - os.cpus() reports each core twice: tfjs sizes its pool as logical cores / 2 (it assumes two
//   hyper-threads per core), which leaves one thread on a 2-vCPU machine.
// Both are restored once the backend has started. Measured: the MLP's 256 x 6420 x 128 product goes
// from ~15 ms to ~9 ms on 2 cores (bench/train_speed.ts records the training figures).
import { createRequire } from "node:module";
import os from "node:os";
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
 * Runs `start` (which starts the wasm backend) with tfjs's threaded build enabled and `threads`
 * threads in its pool; returns the thread count tfjs reports.
 */
export async function startWasmThreaded(start: () => Promise<void>, threads = navigator.hardwareConcurrency || 1): Promise<number> {
  const wasm = await import("@tensorflow/tfjs-backend-wasm");
  tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", true);
  wasm.setThreadsCount(threads);
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
  const mutableOs = os as unknown as { cpus: typeof os.cpus };
  const [nodeWorker, cpus] = [mutableThreads.Worker, mutableOs.cpus];
  mutableThreads.Worker = PthreadWorker;
  mutableOs.cpus = () => [...cpus(), ...cpus()];
  try {
    await start();
  } finally {
    // The glue also points the global Worker at node:worker_threads' (here: ours); put Deno's back.
    [mutableThreads.Worker, mutableOs.cpus, globalThis.Worker] = [nodeWorker, cpus, DenoWorker];
  }
  return wasm.getThreadsCount();
}
