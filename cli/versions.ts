import { join } from "node:path";
import { tmpdir } from "node:os";
import * as tf from "@tensorflow/tfjs";
import type { Parallelism, WorkerLike } from "../core/platform.ts";
import pkg from "../package.json" with { type: "json" };
import type { StartBackend } from "../core/compute.ts";
import { type BackendEnv, tfjsBackend } from "../models/tfjs/backend.ts";
import { startWasmThreaded } from "./wasm_threads.ts";

/** Library and runtime versions recorded in every run. */
export function versions(): Record<string, string> {
  return { "model-factory": pkg.version, tfjs: tf.version.tfjs, deno: Deno.version.deno, v8: Deno.version.v8 };
}

/** CPU threads this process may use: MF_THREADS when set (one of several workers sharing the machine: cli/executor/), else every core. */
export function cpuThreads(): number {
  const given = Number(Deno.env.get("MF_THREADS"));
  return Number.isInteger(given) && given > 0 ? given : navigator.hardwareConcurrency || 1;
}

/** Module workers, one per thread this process may use: what models that train in parallel on the CPU get. */
export function platformParallelism(): Parallelism {
  return { spawn: (url) => new Worker(url, { type: "module" }) as unknown as WorkerLike, threads: cpuThreads() };
}

/** The Deno platform's WebGPU entry point, when it has one. */
export function platformGpu() {
  // Mesa's Vulkan drivers complain on stderr when XDG_RUNTIME_DIR is unset (common on servers and in CI); give them a private one.
  if (!Deno.env.get("XDG_RUNTIME_DIR")) {
    const dir = join(tmpdir(), `mf-runtime-${Deno.uid() ?? "user"}`);
    Deno.mkdirSync(dir, { recursive: true, mode: 0o700 });
    Deno.env.set("XDG_RUNTIME_DIR", dir);
  }
  return (navigator as Navigator & { gpu?: { requestAdapter(): Promise<null> } }).gpu;
}

/** What backend selection gets under Deno: its WebGPU, and the wasm backend started with threads. */
export function platformBackend(): BackendEnv {
  return { gpu: platformGpu(), startWasm: (start) => startWasmThreaded(start, cpuThreads()) };
}

const startTfjs = tfjsBackend(platformBackend());

/**
 * The backend starter runs get under Deno (one per process: a backend is started once), telling the trainer how much
 * memory the machine has, so a model that cannot fit is refused before it is built (core/train/footprint.ts).
 */
export const startBackend: StartBackend = async (requested) => ({ ...(await startTfjs(requested)), hostMemoryBytes: Deno.systemMemoryInfo().total });

/** Resident memory of this process, for a run's peak. */
export function processMemory(): number {
  return Deno.memoryUsage().rss;
}
