/**
 * The engines a fit grows its trees with: on a WebGPU device, one engine whose histograms run on
 * the GPU; with Web Workers, one engine per worker plus one in this thread (so every core works);
 * otherwise one engine here. Workers get the binned data once; each tree then costs a few small
 * messages per level.
 */
import type { Parallelism, WorkerLike } from "../../core/platform.ts";
import { type Engine, type EngineData, HistEngine, type SplitOrder, type TreeStart } from "./engine.ts";
import type { Candidate } from "./split.ts";
import { GpuHistogram } from "./webgpu_histogram.ts";
import type { GpuDevice } from "./webgpu_types.ts";
import type { EngineCall, EngineReply, SharedRows } from "./worker.ts";

/** Engines ready to grow trees, workers first; `close` ends the workers and frees GPU buffers. */
export interface Engines {
  engines: Engine[];
  /** How the histograms are built, for messages: "cpu", "cpu x3 threads", "webgpu". */
  kind: string;
  close(): void;
}

/** Starts the engines for `data`: GPU when a device is given, else `parallel.threads` CPU engines (workers + this thread). */
export async function startEngines(data: EngineData, options: { parallel?: Parallelism; gpu?: GpuDevice } = {}): Promise<Engines> {
  if (options.gpu) {
    const builder = await GpuHistogram.create(options.gpu, data);
    return { engines: [new HistEngine(data, builder)], kind: "webgpu", close: () => builder.dispose() };
  }
  const threads = Math.max(1, Math.floor(options.parallel?.threads ?? 1));
  const workers: WorkerEngine[] = [];
  const close = () => workers.forEach((w) => w.terminate());
  try {
    for (let k = 1; k < threads; k++) workers.push(new WorkerEngine(options.parallel!.spawn(workerUrl()), data));
    await Promise.all(workers.map((w) => w.init(data)));
  } catch (error) {
    close();
    throw error;
  }
  return { engines: [...workers, new HistEngine(data)], kind: threads > 1 ? `cpu x${threads} threads` : "cpu", close };
}

/** The worker script beside this module (ImportMeta.url is typed by the DOM library, which models/ compiles without). */
function workerUrl(): URL {
  return new URL("./worker.ts", import.meta.url);
}

/**
 * An engine in a Web Worker, called by message. Where the runtime has shared memory (Deno; a cross-origin isolated
 * page), each tree's statistics and rows are written into buffers the worker shares instead of being copied into
 * every message: cloning ~1 MB per tree cost about a tenth of a two-thread fit.
 */
class WorkerEngine implements Engine {
  private next = 0;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  private failure?: Error;
  private readonly shared?: SharedRows;
  /** The sample last written to `shared` (the trees of a GOSS round share theirs). */
  private lastSample?: Int32Array;

  constructor(private readonly worker: WorkerLike, data: EngineData) {
    // SharedArrayBuffer is an ECMAScript global, absent where the page is not cross-origin isolated: then messages copy.
    if (typeof SharedArrayBuffer === "function") {
      this.shared = {
        stats: new Float32Array(new SharedArrayBuffer(data.rows * data.channels * 4)),
        sample: new Int32Array(new SharedArrayBuffer(data.rows * 4)),
      };
    }
    worker.onmessage = ({ data }) => {
      const reply = data as EngineReply;
      const call = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if ("error" in reply) call?.reject(new Error(`Histogram worker failed: ${reply.error}`));
      else call?.resolve(reply.result);
    };
    worker.onerror = (event) => {
      // Handled here: without preventDefault, Deno would end the whole process on a worker's error.
      (event as { preventDefault?(): void }).preventDefault?.();
      this.failure = new Error(`Histogram worker failed: ${(event as { message?: string }).message ?? String(event)}`);
      for (const call of this.pending.values()) call.reject(this.failure);
      this.pending.clear();
    };
  }

  call<M extends EngineCall["method"]>(method: M, arg: Extract<EngineCall, { method: M }>["arg"]): Promise<unknown> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, method, arg });
    });
  }

  init(data: EngineData): Promise<unknown> {
    return this.call("init", { data, shared: this.shared });
  }

  begin(tree: TreeStart): Promise<Candidate | null> {
    if (!this.shared) return this.call("begin", tree) as Promise<Candidate | null>;
    this.shared.stats.set(tree.stats);
    if (tree.sample !== this.lastSample) this.shared.sample.set(tree.sample);
    this.lastSample = tree.sample;
    const { stats: _, sample, ...rest } = tree;
    return this.call("begin", { ...rest, sampleLength: sample.length }) as Promise<Candidate | null>;
  }

  split(orders: SplitOrder[], release: number[]): Promise<(Candidate | null)[]> {
    return this.call("split", { orders, release }) as Promise<(Candidate | null)[]>;
  }

  terminate(): void {
    this.worker.terminate();
    for (const call of this.pending.values()) call.reject(new Error("Histogram worker terminated"));
    this.pending.clear();
  }
}
