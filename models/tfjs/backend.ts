import * as tf from "@tensorflow/tfjs";
import type { BackendChoice, ComputeBackend, StartBackend } from "../../core/compute.ts";
import type { BackendName } from "../../core/config/trainer.ts";
import { ConfigError } from "../../core/errors.ts";
import type { GpuLike } from "../../core/platform.ts";

export type { BackendChoice } from "../../core/compute.ts";

/** What the platform hands to backend selection. */
export interface BackendEnv {
  /** `navigator.gpu` where the runtime has WebGPU. */
  gpu?: GpuLike;
  /** Where the tfjs WebAssembly binaries are served from (browser builds); Deno finds them itself. */
  wasmPaths?: string;
  /**
   * Starts the wasm backend in the platform's own way (`start` starts it plainly), e.g. with threads
   * where the runtime allows them; returns the thread count.
   */
  startWasm?: (start: () => Promise<void>) => Promise<number>;
}

/** The tfjs backend starter a platform hands to the trainer: selects and activates, then exposes the WebGPU device to models. */
export function tfjsBackend(env: BackendEnv = {}): StartBackend {
  // Many runs in one process (an experiment) ask again: a backend is chosen and started once per request,
  // and later runs only switch tfjs back to it when another run moved it.
  const started = new Map<BackendName, ComputeBackend>();
  return async (requested) => {
    const known = started.get(requested);
    if (known) {
      if (tf.getBackend() !== known.name && !(await tf.setBackend(known.name))) {
        throw new ConfigError(`The tfjs "${known.name}" backend failed to start again`, { key: "backend", value: known.name });
      }
      return known;
    }
    const choice = await selectBackend(requested, env);
    const device = choice.name === "webgpu" ? (tf.backend() as unknown as { device?: unknown }).device : undefined;
    const backend: ComputeBackend = { ...choice, ...(device ? { gpuDevice: device } : {}) };
    started.set(requested, backend);
    return backend;
  };
}

/**
 * Activates a tfjs backend. `auto` picks WebGPU on a real (hardware) adapter, else the WebAssembly
 * backend, else cpu; a named backend that cannot start is a ConfigError saying why.
 * Heavy backends are imported only when chosen.
 */
export async function selectBackend(requested: BackendName, env: BackendEnv = {}): Promise<BackendChoice> {
  let adapterNote: string | undefined;
  if (requested === "auto" || requested === "webgpu") {
    const probe = await probeAdapter(env.gpu);
    adapterNote = probe.description;
    if (requested === "webgpu" && !probe.found) {
      throw new ConfigError(`Backend "webgpu" requested, but ${probe.why}`, { key: "backend", value: requested });
    }
    if (probe.found && (requested === "webgpu" || !probe.fallback)) {
      await activate("webgpu", env);
      const kind = probe.fallback ? "software adapter" : "adapter";
      return { name: "webgpu", requested, adapter: probe.description, reason: `WebGPU ${kind}: ${probe.description}` };
    }
    if (requested === "auto") {
      const why = probe.found ? `only a software WebGPU adapter (${probe.description})` : probe.why;
      try {
        const threads = await activate("wasm", env);
        return { name: "wasm", requested, adapter: adapterNote, reason: `WebAssembly${threadNote(threads)}: ${why}` };
      } catch (cause) {
        await activate("cpu", env);
        return { name: "cpu", requested, adapter: adapterNote, reason: `cpu: ${why}; WebAssembly failed: ${(cause as Error).message}` };
      }
    }
  }
  const threads = await activate(requested as "wasm" | "cpu", env);
  return { name: requested as "wasm" | "cpu", requested, reason: `${requested} as requested${threadNote(threads)}` };
}

const threadNote = (threads?: number) => (threads ? `, ${threads} thread${threads > 1 ? "s" : ""}` : "");

async function probeAdapter(gpu?: GpuLike): Promise<{ found: boolean; fallback: boolean; description?: string; why: string }> {
  if (!gpu) return { found: false, fallback: false, why: "this runtime has no WebGPU (navigator.gpu is absent)" };
  const adapter = await gpu.requestAdapter();
  if (!adapter) return { found: false, fallback: false, why: "no WebGPU adapter was found (no GPU driver; under Deno install a Vulkan driver)" };
  const info = adapter.info ?? {};
  const fallback = Boolean(info.isFallbackAdapter ?? adapter.isFallbackAdapter);
  const description = [info.description, info.vendor, info.architecture].filter(Boolean).join(" ") || "unnamed adapter";
  return { found: true, fallback, description, why: "" };
}

/** Starts a backend; for wasm, returns its thread count. */
async function activate(name: "webgpu" | "wasm" | "cpu", env: BackendEnv): Promise<number | undefined> {
  if (name === "webgpu") await import("@tensorflow/tfjs-backend-webgpu");
  let threads: number | undefined;
  const start = async () => {
    if (!(await tf.setBackend(name))) throw new ConfigError(`The tfjs "${name}" backend failed to start`, { key: "backend", value: name });
    await tf.ready();
  };
  if (name === "wasm") {
    const wasm = await import("@tensorflow/tfjs-backend-wasm");
    if (env.wasmPaths) wasm.setWasmPaths(env.wasmPaths);
    threads = env.startWasm ? await env.startWasm(start) : (await start(), wasm.getThreadsCount());
  } else await start();
  // The cpu backend advises installing tfjs-node when it sees Node APIs (Deno has them); that backend is not one of ours.
  const cpu = tf.findBackend("cpu") as { firstUse?: boolean } | null;
  if (cpu) cpu.firstUse = false;
  return threads;
}
