// What the page's workers hand to training: tfjs's threaded WebAssembly where the page is cross-origin isolated, and
// Web Workers for the trees' histograms and the wasm products' helpers. The histogram worker is named here in a literal
// `new Worker(new URL(...), ...)`, the form the bundler follows to build a worker; models/trees/parallel.ts asks for
// it by its own URL, which in a build is not a runnable script.
import type { BackendEnv } from "../../models/tfjs/backend.ts";
import type { GpuLike, Parallelism, WorkerLike } from "../../core/platform.ts";

/** CPU threads the page may use: the browser's logical cores. */
export function pageThreads(): number {
  return Math.max(1, navigator.hardwareConcurrency || 1);
}

/**
 * tfjs's backend settings for a worker of this page: the wasm binaries' location and, where the page is cross-origin
 * isolated (SharedArrayBuffer is there), the threaded build, whose shared heap lets a network's products run on one
 * thread per core (models/tfjs/wasm/heap_threads.ts); tfjs's own pool is kept to one thread, as under Deno
 * (cli/wasm_threads.ts says why). Elsewhere one thread.
 */
export function browserBackendEnv(gpu: GpuLike | undefined, wasmPaths: string): BackendEnv {
  if (!globalThis.crossOriginIsolated) return { gpu, wasmPaths };
  return {
    gpu,
    wasmPaths,
    startWasm: async (start) => {
      const wasm = await import("@tensorflow/tfjs-backend-wasm");
      wasm.setThreadsCount(1);
      await start();
      return pageThreads();
    },
  };
}

/** The trees' histogram workers, one per core (with the fitting thread), each a module worker the bundler built. */
export function browserParallelism(): Parallelism {
  return {
    threads: pageThreads(),
    // The one file worker a model asks for is the trees' histogram engine (models/trees/worker.ts). The URL it passes is
    // not used: in a build, Vite turns that bare `new URL("./worker.ts", ...)` into the raw TypeScript source as an asset.
    spawn: (url) => {
      // the wasm products' helpers (models/tfjs/wasm/heap_threads.ts) are a script of their own, from a blob: URL
      if (url.protocol === "blob:") return new Worker(url, { type: "module", name: "products" }) as unknown as WorkerLike;
      return new Worker(new URL("../../models/trees/worker.ts", import.meta.url), { type: "module", name: "histograms" }) as unknown as WorkerLike;
    },
  };
}

/** How tree models will build their histograms on `backend` (histogram "auto"), as the backend line says it. */
export function histogramNote(backend: string): string {
  if (backend === "webgpu") return "trees build histograms on WebGPU";
  const threads = pageThreads();
  return threads > 1
    ? `trees build histograms in ${threads} CPU threads (${threads - 1} worker(s) + the training thread)`
    : "trees build histograms in 1 CPU thread";
}
