import type { ComputeBackend } from "../compute.ts";
import { ConfigError } from "../errors.ts";
import type { InputShape, ModelFootprint, ModelPlugin } from "../model.ts";

/** A wasm32 module addresses at most 4 GiB: the wasm backend holds no more, whatever the machine has. */
export const WASM_MEMORY_BYTES = 4 * 2 ** 30;

/** Bytes a training step holds: weights, gradients and Adam's two moments (4 floats a parameter), and a batch's activations with their gradients. */
export function trainingBytes(footprint: ModelFootprint, batchSize: number): { total: number; parameters: number; activations: number } {
  const parameters = 16 * footprint.parameters;
  const activations = 8 * batchSize * footprint.activationsPerSample;
  return { total: parameters + activations, parameters, activations };
}

/** What the backend can hold and why, or undefined when the platform cannot tell (then nothing is refused). */
export function backendCapacity(backend: Pick<ComputeBackend, "name" | "hostMemoryBytes" | "gpuDevice">): { bytes: number; what: string } | undefined {
  const host = backend.hostMemoryBytes;
  const hostText = host ? { bytes: host, what: `this machine's memory, ${gb(host)}` } : undefined;
  if (backend.name === "wasm") {
    return host !== undefined && host < WASM_MEMORY_BYTES ? hostText : { bytes: WASM_MEMORY_BYTES, what: "a wasm32 module's 4 GiB address space" };
  }
  if (backend.name === "cpu") return hostText;
  return undefined; // a GPU's memory is not exposed by WebGPU; its per-buffer limit is checked instead
}

/**
 * Refuses, before anything is allocated, a model that the schema accepts but the backend cannot hold: training
 * (parameters x 16 bytes plus a batch's activations) beyond the backend's capacity, or on WebGPU a weight tensor
 * larger than one GPU buffer may be. The ConfigError names the settings that decide the size and the estimate.
 * Plugins without a `footprint` are not checked.
 */
export function checkFootprint(
  run: { plugin: ModelPlugin; name: string; params: Record<string, unknown>; batchSize: number },
  shape: InputShape,
  backend: Pick<ComputeBackend, "name" | "hostMemoryBytes" | "gpuDevice">,
): void {
  const footprint = run.plugin.footprint?.(run.params as never, shape);
  if (!footprint) return;
  const need = trainingBytes(footprint, run.batchSize);
  const settings = Object.entries(footprint.settings).map(([k, v]) => `${k} ${JSON.stringify(v)}`).join(", ");
  const what = `${run.name} with ${settings} on ${shape.seqLen} x ${shape.nFeatures} inputs (window x features) has ${count(footprint.parameters)} parameters`;
  const keys = Object.keys(footprint.settings);
  const capacity = backendCapacity(backend);
  if (capacity && need.total > capacity.bytes) {
    throw new ConfigError(
      `${what}: training it needs about ${gb(need.total)} (weights, gradients and Adam's moments ${
        gb(need.parameters)
      }, activations of a batch of ${run.batchSize} ${gb(need.activations)}), more than the ${backend.name} backend can hold (${capacity.what}). Make ${
        [...keys, "trainer.batch_size"].join(" or ")
      } smaller, or use a shorter window or fewer features`,
      { key: keys[0] ?? "trainer.batch_size", value: footprint.settings[keys[0]] },
    );
  }
  const maxBuffer = (backend.gpuDevice as { limits?: { maxBufferSize?: number } } | undefined)?.limits?.maxBufferSize;
  if (backend.name === "webgpu" && maxBuffer && 4 * footprint.largestWeight > maxBuffer) {
    throw new ConfigError(
      `${what}: its largest weight tensor takes ${gb(4 * footprint.largestWeight)}, more than one buffer of this GPU may hold (${gb(maxBuffer)}). Make ${
        keys.join(" or ")
      } smaller`,
      { key: keys[0], value: footprint.settings[keys[0]] },
    );
  }
}

function gb(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : `${(bytes / 1e6).toFixed(1)} MB`;
}

function count(n: number): string {
  return n >= 1e9 ? `${(n / 1e9).toFixed(2)} billion` : n >= 1e6 ? `${(n / 1e6).toFixed(1)} million` : String(n);
}
