// Counts the work tfjs's WebGPU backend sends to the device, without forking tfjs: the counter wraps
// methods of one backend instance (and of its device) and puts them back when stopped. Issue 15 cuts
// the kernels per training step; this is how a step's kernels, uploads and reads are measured.

/** What the counter has seen since it started or was last reset. */
export interface DispatchCounts {
  /** Compute dispatches encoded on the backend's device: tfjs's programs and any kernel of ours on the same device. */
  dispatches: number;
  /** tfjs programs run through `runWebGPUProgram` (an empty output runs none). */
  programs: number;
  /** Tensors whose values were copied from the host into a GPU buffer. */
  uploads: number;
  /** GPU buffers read back to the host (`data()`, `dataSync()`, `array()`...). */
  reads: number;
  /**
   * Programs run, by their class name (`BinaryOpProgram`, `MatMulPackedProgram`...) or, for plain objects, shader key (`mfLstmForward_...`);
   * dispatches encoded outside runWebGPUProgram (raw_dispatch.ts) by their pipeline's label (`mf_adam`).
   */
  byProgram: Record<string, number>;
}

/** A running counter on one backend. */
export interface DispatchCounter {
  /** A copy of the counts so far. */
  counts(): DispatchCounts;
  /** Sets every count back to zero. */
  reset(): void;
  /** Puts the backend's and the device's own methods back. */
  stop(): void;
}

type Fn = (...args: never[]) => unknown;
interface TensorData {
  values: unknown;
  resource: unknown;
  dtype: string;
}
interface ComputePass {
  setPipeline?: (pipeline: { label?: string }) => void;
  dispatchWorkgroups: Fn;
  dispatchWorkgroupsIndirect?: Fn;
}
interface CommandEncoder {
  beginComputePass: (...args: unknown[]) => ComputePass;
}
/** The parts of tfjs-backend-webgpu 4.22's WebGPUBackend that the counter wraps. */
interface WebGpuBackendLike {
  device: { createCommandEncoder: (...args: unknown[]) => CommandEncoder };
  tensorMap: { get(dataId: unknown): TensorData | undefined };
  runWebGPUProgram: (program: object, inputs: unknown[], dtype: string, uniforms?: unknown, output?: { shape: number[] }) => { shape: number[] };
  uploadToGPU: (dataId: unknown) => void;
  getBufferData: (buffer: unknown) => Promise<unknown>;
  readSync: (dataId: unknown) => unknown;
}

const COUNTING = Symbol("model-factory dispatch counter");
const WRAPPED = ["runWebGPUProgram", "uploadToGPU", "getBufferData", "readSync"] as const;

function isWebGpuBackend(backend: unknown): backend is WebGpuBackendLike {
  const b = backend as Partial<WebGpuBackendLike> | null;
  return typeof b?.device?.createCommandEncoder === "function" && typeof b.runWebGPUProgram === "function" && typeof b.uploadToGPU === "function" &&
    typeof b.getBufferData === "function" && typeof b.readSync === "function" && typeof b.tensorMap?.get === "function";
}

/** A function that puts `object[name]` back as it is now: the own property's value, or no own property (the prototype's method). */
function saved<T extends object>(object: T, name: keyof T & string): () => void {
  const own = Object.getOwnPropertyDescriptor(object, name);
  return () => {
    if (own) Object.defineProperty(object, name, own);
    else delete object[name];
  };
}

const zero = (): DispatchCounts => ({ dispatches: 0, programs: 0, uploads: 0, reads: 0, byProgram: {} });

/**
 * Starts counting on a tfjs WebGPU backend (`tf.backend()` while webgpu is active, or `tf.findBackend("webgpu")`).
 * Dispatches are counted where they are encoded (every compute pass of every command encoder the device makes),
 * so kernels that bypass `runWebGPUProgram` count too. Throws on anything else, and when one is already counting.
 *
 * @example
 * const counter = countDispatches(tf.findBackend("webgpu"));
 * trainOneStep();
 * console.log(counter.counts().dispatches);
 * counter.stop();
 */
export function countDispatches(backend: unknown): DispatchCounter {
  if (!isWebGpuBackend(backend)) throw new TypeError('countDispatches needs tfjs\'s WebGPU backend (tf.findBackend("webgpu")); got another object');
  const b = backend as WebGpuBackendLike & { [COUNTING]?: true };
  if (b[COUNTING]) throw new Error("countDispatches: this backend already has a counter running; stop it first");
  let counts = zero();
  const device = b.device;
  const restore = [...WRAPPED.map((name) => saved(b, name)), saved(device, "createCommandEncoder")];
  const original = Object.fromEntries(WRAPPED.map((name) => [name, b[name]])) as unknown as WebGpuBackendLike;
  const createEncoder = device.createCommandEncoder;
  // dispatches made while a tfjs program runs are that program's; any other is named by the label of the pipeline set last
  let inProgram = 0, label = "unlabelled";
  const outside = () => {
    if (inProgram === 0) counts.byProgram[label] = (counts.byProgram[label] ?? 0) + 1;
  };

  b.runWebGPUProgram = function (program, inputs, dtype, uniforms, output) {
    // tfjs's programs are classes; ours are plain objects, named by their shader key (which tfjs rewrites in the call)
    const name = program.constructor.name !== "Object" ? program.constructor.name : String((program as { shaderKey?: string }).shaderKey);
    inProgram++;
    let result;
    try {
      result = original.runWebGPUProgram.call(this, program, inputs, dtype, uniforms, output);
    } finally {
      inProgram--;
    }
    // tfjs short-circuits an empty output without running anything
    if (result.shape.every((d) => d > 0)) {
      counts.programs++;
      counts.byProgram[name] = (counts.byProgram[name] ?? 0) + 1;
    }
    return result;
  };
  b.uploadToGPU = function (dataId) {
    const data = this.tensorMap.get(dataId);
    // only a tensor that has host values and no buffer yet is copied; otherwise tfjs allocates or does nothing
    if (data && data.resource == null && data.values != null) counts.uploads++;
    return original.uploadToGPU.call(this, dataId);
  };
  b.getBufferData = function (buffer) {
    counts.reads++;
    return original.getBufferData.call(this, buffer);
  };
  b.readSync = function (dataId) {
    const data = this.tensorMap.get(dataId);
    if (data && data.values == null && data.dtype !== "string" && data.dtype !== "complex64") counts.reads++;
    return original.readSync.call(this, dataId);
  };
  device.createCommandEncoder = function (...args) {
    const encoder = createEncoder.apply(this, args);
    const begin = encoder.beginComputePass;
    encoder.beginComputePass = function (...passArgs) {
      const pass = begin.apply(this, passArgs);
      const dispatch = pass.dispatchWorkgroups, indirect = pass.dispatchWorkgroupsIndirect, setPipeline = pass.setPipeline;
      if (setPipeline) {
        pass.setPipeline = function (pipeline) {
          label = pipeline?.label || "unlabelled";
          return setPipeline.call(this, pipeline);
        };
      }
      pass.dispatchWorkgroups = function (...d) {
        counts.dispatches++;
        outside();
        return dispatch.apply(this, d);
      };
      if (indirect) {
        pass.dispatchWorkgroupsIndirect = function (...d) {
          counts.dispatches++;
          outside();
          return indirect.apply(this, d);
        };
      }
      return pass;
    };
    return encoder;
  };
  b[COUNTING] = true;

  return {
    counts: () => ({ ...counts, byProgram: { ...counts.byProgram } }),
    reset: () => void (counts = zero()),
    stop() {
      for (const put of restore) put();
      delete b[COUNTING];
    },
  };
}
