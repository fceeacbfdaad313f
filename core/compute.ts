import type { BackendName } from "./config/trainer.ts";

/** The compute backend a run uses, and why it was chosen; recorded in run.json. */
export interface BackendChoice {
  name: "webgpu" | "wasm" | "cpu";
  requested: BackendName;
  /** The WebGPU adapter's description, when WebGPU was considered. */
  adapter?: string;
  reason: string;
}

/**
 * A started backend, handed to models through their context: models ask it, not a global, where they run.
 * `gpuDevice` is the WebGPU device the backend computes on (for models that dispatch their own kernels).
 */
export interface ComputeBackend extends BackendChoice {
  gpuDevice?: unknown;
  /** The memory of the machine the backend computes in (its RAM), in bytes, when the platform can tell: what a cpu or wasm run can hold at most. */
  hostMemoryBytes?: number;
}

/** Starts the backend a run asks for (`auto` chooses); injected by cli/ and web/ (models/tfjs/backend.ts makes one). */
export type StartBackend = (requested: BackendName) => Promise<ComputeBackend>;
