import { describe, expect, it } from "vitest";
import { countDispatches } from "../../../../models/tfjs/webgpu/dispatch_counter.ts";

// A stand-in with the shape of tfjs-backend-webgpu 4.22's WebGPUBackend, as far as the counter touches it: its
// methods live on the prototype, as a class's do. The real backend is counted under Deno in dispatch_budget.test.ts.
class FakePass {
  dispatched = 0;
  setPipeline(_pipeline: { label?: string }) {}
  dispatchWorkgroups() {
    this.dispatched++;
  }
}
class FakeDevice {
  createCommandEncoder() {
    return { beginComputePass: () => new FakePass() };
  }
}
class FakeProgram {}
class FakeBackend {
  device = new FakeDevice();
  tensors = new Map<object, { values: unknown; resource: unknown; dtype: string }>();
  tensorMap = { get: (id: object) => this.tensors.get(id) };
  runWebGPUProgram(_program: object, _inputs: unknown[], _dtype: string, _uniforms?: unknown, output?: { shape: number[] }) {
    const pass = this.device.createCommandEncoder().beginComputePass();
    if (output!.shape.every((d) => d > 0)) pass.dispatchWorkgroups();
    return output!;
  }
  uploadToGPU(id: object) {
    const data = this.tensors.get(id)!;
    data.resource ??= {};
    data.values = null;
  }
  getBufferData(_buffer: unknown) {
    return Promise.resolve(new ArrayBuffer(4));
  }
  readSync(id: object) {
    return this.tensors.get(id)!.values;
  }
}

describe("countDispatches", () => {
  it("counts encoded dispatches, programs by class (raw dispatches by pipeline label), real uploads and reads", async () => {
    const backend = new FakeBackend();
    const counter = countDispatches(backend);
    backend.runWebGPUProgram(new FakeProgram(), [], "float32", undefined, { shape: [3, 2] });
    backend.runWebGPUProgram({ shaderKey: "mfLstmForward" }, [], "float32", undefined, { shape: [4] });
    backend.runWebGPUProgram(new FakeProgram(), [], "float32", undefined, { shape: [0, 2] }); // empty: tfjs runs nothing
    // kernels of our own on the same device, bypassing runWebGPUProgram: named by their pipeline's label
    const pass = backend.device.createCommandEncoder().beginComputePass();
    pass.setPipeline({ label: "mf_adam" });
    pass.dispatchWorkgroups();
    pass.dispatchWorkgroups();
    const onHost = {}, onDevice = {}, empty = {};
    backend.tensors.set(onHost, { values: new Float32Array(2), resource: null, dtype: "float32" });
    backend.tensors.set(onDevice, { values: null, resource: {}, dtype: "float32" });
    backend.tensors.set(empty, { values: null, resource: null, dtype: "float32" });
    for (const id of [onHost, onDevice, empty, onHost]) backend.uploadToGPU(id);
    await backend.getBufferData({});
    backend.tensors.set(onDevice, { values: null, resource: {}, dtype: "float32" });
    backend.readSync(onDevice);
    backend.tensors.get(onDevice)!.values = new Float32Array(1);
    backend.readSync(onDevice); // values cached on the host: no read
    expect(counter.counts()).toEqual({ dispatches: 4, programs: 2, uploads: 1, reads: 2, byProgram: { FakeProgram: 1, mfLstmForward: 1, mf_adam: 2 } });
    counter.reset();
    expect(counter.counts().dispatches).toBe(0);
    counter.stop();
  });

  it("puts the backend's and device's methods back when stopped, and allows one counter at a time", () => {
    const backend = new FakeBackend();
    const counter = countDispatches(backend);
    expect(() => countDispatches(backend)).toThrow(/already has a counter/);
    counter.stop();
    expect(Object.keys(backend)).toEqual(["device", "tensors", "tensorMap"]);
    expect(Object.keys(backend.device)).toEqual([]);
    backend.runWebGPUProgram(new FakeProgram(), [], "float32", undefined, { shape: [1] });
    expect(counter.counts().dispatches).toBe(0);
    countDispatches(backend).stop(); // a new counter may start
  });

  it("refuses anything but a WebGPU backend", () => {
    expect(() => countDispatches({ readSync() {} })).toThrow(/WebGPU backend/);
    expect(() => countDispatches(undefined)).toThrow(/WebGPU backend/);
  });
});
