import type * as tf from "@tensorflow/tfjs";

/** The part of tfjs's wasm backend a heap module needs: its emscripten module (whose memory it imports) and where each tensor lives. */
interface WasmBackend {
  wasm: { wasmMemory?: WebAssembly.Memory; asm?: { memory?: WebAssembly.Memory } };
  dataIdMap: { get(id: object): { memoryOffset: number } | undefined };
}

/** A WebAssembly kernel module instantiated over the wasm backend's heap, and the byte offset of a tensor's data in it. */
export interface HeapModule {
  exports: Record<string, unknown>;
  offset(x: tf.TensorInfo): number;
  /**
   * The backend's memory, and the compiled module instantiated over it, for another thread to instantiate: posted to a
   * worker, a module shares its compiled code (and its optimised tier once the engine has it), where a worker that
   * compiled the bytes again ran its kernels in V8's baseline tier for many calls (a two-thread product at 68 GFLOP/s,
   * 88 with the code shared; bench/tmp_prof-style timing).
   */
  memory: WebAssembly.Memory;
  module: WebAssembly.Module;
}

const modules = new WeakMap<WebAssembly.Memory, Map<string, HeapModule>>();

/**
 * Instantiates a kernel module (base64, as scripts/wasm.ts writes it) that imports `env.memory`, over the tfjs wasm
 * backend's own memory, so its kernels read and write tensors in place; one instance per module and memory.
 * The threaded build's memory is shared and reached as `Module.wasmMemory`, the others' is the module's export; a
 * memory import must match the memory's sharing, so the module is written unshared and marked shared here when needed.
 *
 * @example
 * const { exports, offset } = heapModule(HOST_ADAM_WASM, tf.backend());
 */
export function heapModule(base64: string, backend: unknown): HeapModule {
  const b = backend as WasmBackend;
  const memory = b.wasm?.wasmMemory ?? b.wasm?.asm?.memory;
  if (!memory) throw new Error("The tfjs wasm backend's memory is not reachable (neither Module.wasmMemory nor its exported memory)");
  let byModule = modules.get(memory);
  if (!byModule) modules.set(memory, byModule = new Map());
  let module = byModule.get(base64);
  if (!module) {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    // the memory import's limits flag: 1 (a maximum), 3 (a maximum, shared)
    const field = [6, ...new TextEncoder().encode("memory"), 2];
    const at = bytes.findIndex((_, i) => field.every((x, k) => bytes[i + k] === x)) + field.length;
    if (at < field.length || bytes[at] !== 1) throw new Error("A heap kernel module must import an unshared memory with a maximum (env.memory)");
    // SharedArrayBuffer is a global only where shared memory is allowed (not in a page that is not cross-origin isolated).
    if (typeof SharedArrayBuffer === "function" && memory.buffer instanceof SharedArrayBuffer) bytes[at] = 3;
    const compiled = new WebAssembly.Module(bytes);
    const exports = new WebAssembly.Instance(compiled, { env: { memory } }).exports;
    const offset = (x: tf.TensorInfo) => {
      const data = b.dataIdMap.get(x.dataId);
      if (!data) throw new Error(`A tensor of shape [${x.shape}] is not on the wasm backend`);
      return data.memoryOffset;
    };
    byModule.set(base64, module = { exports, offset, memory, module: compiled });
  }
  return module;
}
