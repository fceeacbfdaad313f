import { afterEach, describe, expect, it } from "vitest";
import { HOST_ADAM_WASM } from "../../../../models/tfjs/host_adam_wasm.ts";
import { heapModule } from "../../../../models/tfjs/wasm/heap_module.ts";

const shared = globalThis.SharedArrayBuffer;

describe("heapModule", () => {
  afterEach(() => {
    globalThis.SharedArrayBuffer = shared;
  });

  it("loads over an unshared memory where SharedArrayBuffer is not a global (a page that is not cross-origin isolated)", () => {
    // deno-lint-ignore no-explicit-any
    delete (globalThis as any).SharedArrayBuffer;
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536 });
    const module = heapModule(HOST_ADAM_WASM, { wasm: { wasmMemory: memory }, dataIdMap: new Map() });
    expect(Object.keys(module.exports).length).toBeGreaterThan(0);
    expect(() => module.offset({ dataId: {}, shape: [2], dtype: "float32" })).toThrow(/not on the wasm backend/);
  });

  it("loads over a shared memory, as beside tfjs's threaded build", () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true });
    const module = heapModule(HOST_ADAM_WASM, { wasm: { wasmMemory: memory }, dataIdMap: new Map() });
    expect(Object.keys(module.exports).length).toBeGreaterThan(0);
  });
});
