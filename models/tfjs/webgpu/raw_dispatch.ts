import * as tf from "@tensorflow/tfjs";

// tfjs's runWebGPUProgram binds one output (read-write) and read-only inputs, so a kernel that must write two
// tensors (a parameter and its moments, a gradient and a reduction beside it) would take one dispatch per output.
// Here a kernel is our own WGSL with its own bindings, recorded into tfjs's command stream as runWebGPUProgram
// records: the same command encoder and compute pass, the same deferred submit, the same guard that keeps a
// tensor's buffer alive until the commands that use it are submitted. Written against tfjs-backend-webgpu 4.22.

/** A uniform value: one 32-bit scalar per field, declared in the kernel's `Uniforms` struct in this order. */
export interface RawUniform {
  type: "float32" | "int32";
  data: [number];
}

/** The part of tfjs-backend-webgpu 4.22's WebGPUBackend a raw dispatch records through (typed here: its .d.ts needs the DOM's WebGPU types). */
interface RawBackend {
  device: {
    pushErrorScope(filter: "validation"): void;
    popErrorScope(): Promise<{ message: string } | null>;
    createShaderModule(d: { code: string; label?: string }): unknown;
    createComputePipeline(d: { layout: "auto"; compute: { module: unknown; entryPoint: string }; label?: string }): Pipeline;
    createBindGroup(d: { layout: unknown; entries: { binding: number; resource: unknown }[] }): unknown;
  };
  commandEncoder: { beginComputePass(d: object): ComputePass } | null;
  computePassEncoder: ComputePass | null;
  dispatchCountInPass: number;
  commandQueueOwnedIds: WeakSet<object>;
  makeTensorInfo(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  tensorMap: { get(dataId: object): { values?: unknown } | undefined };
  uploadToGPU(dataId: object): void;
  tensorToBinding(t: tf.TensorInfo): unknown;
  makeUniforms(u: RawUniform[]): unknown;
  ensureCommandEncoderReady(): void;
  endComputePassEncoder(): void;
  submitQueue(): void;
}
interface Pipeline {
  getBindGroupLayout(i: number): unknown;
}
interface ComputePass {
  setPipeline(p: Pipeline): void;
  setBindGroup(i: number, g: unknown): void;
  dispatchWorkgroups(x: number, y?: number, z?: number): void;
}

/** One raw kernel: WGSL with entry point `main` and bindings 0.. in the order outputs, in-place tensors, inputs, then the uniforms. */
export interface RawKernel {
  /** Names the compiled pipeline (and the dispatch in the counter's breakdown); the same key must mean the same code. */
  key: string;
  /** The whole shader. */
  code: string;
}

/** What one dispatch reads and writes. */
export interface RawCall {
  /** New tensors the kernel writes (dtype float32 unless given). */
  outputs?: { shape: number[]; dtype?: tf.DataType }[];
  /** Existing tensors the kernel updates in place (read-write): only ones nothing else holds, such as an optimizer's moments. */
  inPlace?: tf.TensorInfo[];
  /** Tensors the kernel reads. */
  inputs?: tf.TensorInfo[];
  uniforms?: RawUniform[];
  /** Workgroups along x, y, z. */
  workgroups: [number, number, number];
}

const pipelines = new WeakMap<object, Map<string, Pipeline>>();
/** Kernels whose WGSL or pipeline the device rejected, by key: the device's message. */
const rejected = new Map<string, string>();

/** The error a kernel the device rejected raises: WebGPU reports it asynchronously, so the call after it throws. */
export class KernelRejected extends Error {
  constructor(readonly key: string, message: string) {
    super(`The WebGPU kernel "${key}" was rejected by the device (its WGSL or pipeline is invalid there): ${message}`);
    this.name = "KernelRejected";
  }
}

/**
 * Records one dispatch of `kernel` on tfjs's active WebGPU backend and returns its new output tensors' infos
 * (wrap them with `tf.engine().makeTensorFromTensorInfo`, or return them from a kernel function).
 *
 * @example
 * const [out] = dispatchRaw(kernel, { outputs: [{ shape: [n] }], inputs: [x], workgroups: [Math.ceil(n / 64), 1, 1] });
 */
export function dispatchRaw(kernel: RawKernel, call: RawCall): tf.TensorInfo[] {
  const backend = tf.backend() as unknown as RawBackend;
  let cache = pipelines.get(backend);
  if (!cache) pipelines.set(backend, cache = new Map());
  const failure = rejected.get(kernel.key);
  if (failure !== undefined) throw new KernelRejected(kernel.key, failure);
  let pipeline = cache.get(kernel.key);
  if (!pipeline) {
    // An invalid shader or pipeline runs nothing and throws nothing here: its outputs would be whatever the pooled
    // buffers held. The device says so only asynchronously, so the error is kept and the kernel's next call throws.
    backend.device.pushErrorScope("validation");
    const module = backend.device.createShaderModule({ code: kernel.code, label: kernel.key });
    pipeline = backend.device.createComputePipeline({ layout: "auto", compute: { module, entryPoint: "main" }, label: kernel.key });
    const key = kernel.key;
    backend.device.popErrorScope().then((error) => {
      if (error) rejected.set(key, error.message);
    });
    cache.set(kernel.key, pipeline);
  }
  const outputs = (call.outputs ?? []).map((o) => backend.makeTensorInfo(o.shape, o.dtype ?? "float32"));
  const tensors = [...outputs, ...(call.inPlace ?? []), ...(call.inputs ?? [])];
  // an empty tensor has no buffer to bind (WebGPU rejects a zero-size binding); as tfjs does, run nothing
  if (tensors.some((t) => t.shape.some((d) => d === 0))) {
    for (const o of outputs) backend.tensorMap.get(o.dataId)!.values = new Float32Array(0);
    return outputs;
  }
  for (const t of tensors) backend.uploadToGPU(t.dataId);
  const resources = tensors.map((t) => backend.tensorToBinding(t));
  if (call.uniforms?.length) resources.push(backend.makeUniforms(call.uniforms));
  // tfjs defers a disposed buffer's release until the queue holding commands that use it is submitted
  for (const t of tensors) backend.commandQueueOwnedIds.add(t.dataId);
  const bindGroup = backend.device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: resources.map((resource, binding) => ({ binding, resource })),
  });
  backend.ensureCommandEncoderReady();
  if (!backend.computePassEncoder) backend.computePassEncoder = backend.commandEncoder!.beginComputePass({});
  const pass = backend.computePassEncoder;
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bindGroup);
  pass.dispatchWorkgroups(...call.workgroups);
  if (++backend.dispatchCountInPass >= (tf.env().get("WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE") as number)) {
    backend.endComputePassEncoder();
    backend.submitQueue();
  }
  return outputs;
}

/** Workgroups of `size` invocations covering `n` items, folded into y past the per-dimension limit (65535). */
export function flatWorkgroups(n: number, size: number): [number, number, number] {
  const groups = Math.max(1, Math.ceil(n / size));
  if (groups <= 65535) return [groups, 1, 1];
  const y = Math.ceil(groups / 65535);
  return [Math.ceil(groups / y), y, 1];
}

/** WGSL for the flat index of an invocation under flatWorkgroups (needs `gid` and `nwg` builtins in main's parameters). */
export const FLAT_INDEX = "let index = i32(gid.x + gid.y * nwg.x * WG);";

/** Invocations per workgroup of an elementwise kernel (one invocation per output element). */
export const ELEMENTWISE_WG = 64;

/**
 * A raw kernel of one invocation per output element, for `dispatchRaw` with `flatWorkgroups(n, ELEMENTWISE_WG)`:
 * binding 0 `result`, then the read-only f32 `inputs` in order, then the uniforms `struct Uniforms { n : i32, <fields> }`
 * (n, the element count, first); `body` computes element `index`, which is below u.n.
 *
 * @example
 * const twice = elementwiseKernel("mf_twice", { inputs: ["x"], body: "result[index] = 2.0 * x[index];" });
 */
export function elementwiseKernel(key: string, spec: { inputs: string[]; fields?: string; body: string }): RawKernel {
  const inputs = spec.inputs.map((name, i) => `@group(0) @binding(${i + 1}) var<storage, read> ${name} : array<f32>;`);
  return {
    key,
    code: `
    const WG = ${ELEMENTWISE_WG}u;
    struct Uniforms { n : i32, ${spec.fields ?? ""} };
    @group(0) @binding(0) var<storage, read_write> result : array<f32>;
    ${inputs.join("\n    ")}
    @group(0) @binding(${spec.inputs.length + 1}) var<uniform> u : Uniforms;
    @compute @workgroup_size(${ELEMENTWISE_WG})
    fn main(@builtin(global_invocation_id) gid : vec3<u32>, @builtin(num_workgroups) nwg : vec3<u32>) {
      ${FLAT_INDEX}
      if (index >= u.n) { return; }
      ${spec.body}
    }`,
  };
}

/** Runs an elementwiseKernel on one input, writing a new float32 tensor of `shape`; the int32 uniforms after the count. */
export function dispatchElementwise(kernel: RawKernel, input: tf.TensorInfo, shape: number[], ints: number[]): tf.TensorInfo {
  const n = shape.reduce((p, d) => p * d, 1);
  return dispatchRaw(kernel, {
    outputs: [{ shape }],
    inputs: [input],
    uniforms: [n, ...ints].map((v): RawUniform => ({ type: "int32", data: [v] })),
    workgroups: flatWorkgroups(n, ELEMENTWISE_WG),
  })[0];
}
