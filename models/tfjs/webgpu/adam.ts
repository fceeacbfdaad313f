import * as tf from "@tensorflow/tfjs";
import { ADAM_BUFFERS_PER_PARAMETER, ADAM_WORKGROUP, adamKernel } from "./adam_kernel.ts";
import { fusedKernels } from "./fused_flag.ts";
import { dispatchRaw, flatWorkgroups, type RawUniform } from "./raw_dispatch.ts";
import { HostAdam } from "../host_adam.ts";

// tf.train.adam runs ~14 kernels per parameter and step (moments: mul, mul, add, square, mul, mul, add; bias
// correction and update: div, div, sqrt, add, div, mul, add) plus three for its beta powers; on WebGPU each is a
// dispatch with ~100-200 us of CPU work, whatever the parameter's size. Here a parameter costs at most one: its
// moments, kept as one tensor [m, v] that only the optimizer holds, are updated in place and the new parameter written
// beside them (raw_dispatch.ts: a tfjs program writes one output), with the beta powers computed on the host as
// uniforms; and as many parameters share a dispatch as the device's storage-buffer bindings allow (2 at WebGPU's
// default limit of 8, 4 buffers each).

/**
 * Adam (Kingma & Ba; tf.train.adam's arithmetic and defaults) as one WebGPU dispatch per group of parameters and
 * step (two parameters at WebGPU's default limits: adam_kernel.ts).
 * Only for the webgpu backend: `trainingAdam` chooses it there.
 *
 * @example
 * const optimizer = new WebGpuAdam(1e-3);
 * optimizer.minimize(() => loss());
 */
export class WebGpuAdam extends tf.Optimizer {
  /** The class name tfjs's serialization registry knows it by. */
  static get className(): string {
    return "WebGpuAdam";
  }
  private readonly moments = new Map<string, tf.Tensor>();
  private readonly epsilon: number;
  private power1 = 1;
  private power2 = 1;

  constructor(readonly learningRate: number, readonly beta1 = 0.9, readonly beta2 = 0.999, epsilon?: number) {
    super();
    if (tf.getBackend() !== "webgpu") throw new Error(`WebGpuAdam runs on the webgpu backend; the active backend is "${tf.getBackend()}"`);
    this.epsilon = epsilon ?? tf.backend().epsilon();
  }

  override applyGradients(gradients: tf.NamedTensorMap | { name: string; tensor: tf.Tensor }[]): void {
    const list = Array.isArray(gradients) ? gradients : Object.entries(gradients).map(([name, tensor]) => ({ name, tensor }));
    // beta^t as tf.train.adam keeps it: a float32 product, step by step (its rounding shows in 1 - beta2^t)
    this.power1 = Math.fround(this.power1 * Math.fround(this.beta1));
    this.power2 = Math.fround(this.power2 * Math.fround(this.beta2));
    const d1 = Math.fround(1 - this.power1), d2 = Math.fround(1 - this.power2);
    const f = (x: number): RawUniform => ({ type: "float32", data: [x] });
    const settings = [this.beta1, this.beta2, 1 - this.beta1, 1 - this.beta2, this.learningRate, d1, d2, this.epsilon].map(f);
    const updates = list.flatMap(({ name, tensor: gradient }) => {
      const variable = tf.engine().registeredVariables[name];
      return variable && gradient != null ? [{ name, variable, gradient }] : [];
    });
    const group = parametersPerDispatch();
    for (let start = 0; start < updates.length; start += group) {
      const batch = updates.slice(start, start + group);
      const moments = batch.map(({ name, variable }) => {
        let mv = this.moments.get(name);
        if (!mv) this.moments.set(name, mv = tf.keep(tf.zeros([2 * variable.size])));
        return mv;
      });
      const total = batch.reduce((n, { variable }) => n + variable.size, 0);
      const outs = dispatchRaw(adamKernel(batch.length), {
        outputs: batch.map(({ variable }) => ({ shape: variable.shape })),
        inPlace: moments,
        inputs: batch.flatMap(({ variable, gradient }) => [variable, gradient]),
        uniforms: [...batch.map(({ variable }): RawUniform => ({ type: "int32", data: [variable.size] })), ...settings],
        workgroups: flatWorkgroups(total, ADAM_WORKGROUP),
      });
      for (const [k, out] of outs.entries()) {
        const value = tf.engine().makeTensorFromTensorInfo(out);
        batch[k].variable.assign(value);
        // the parameter lives on in the variable; the moments, kept, outlive the caller's tidy scope (minimize runs inside one)
        value.dispose();
      }
    }
    this.incrementIterations();
  }

  override dispose(): void {
    tf.dispose([...this.moments.values()]);
    this.moments.clear();
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
}

/** Parameters one Adam dispatch updates: as many as the device's storage-buffer bindings per shader stage hold, at most 4. */
function parametersPerDispatch(): number {
  const limits = (tf.backend() as unknown as { device: { limits: { maxStorageBuffersPerShaderStage: number } } }).device.limits;
  return Math.max(1, Math.min(4, Math.floor(limits.maxStorageBuffersPerShaderStage / ADAM_BUFFERS_PER_PARAMETER)));
}

/**
 * The Adam a network trains with: one kernel per parameter on WebGPU (unless the fused kernels are turned off,
 * `MF_WEBGPU_FUSED`), one pass per parameter on cpu and wasm (HostAdam), tf.train.adam elsewhere.
 */
export function trainingAdam(backend: string, learningRate: number): tf.Optimizer {
  if (backend === "webgpu" && fusedKernels()) return new WebGpuAdam(learningRate);
  return backend === "cpu" || backend === "wasm" ? new HostAdam(learningRate) : tf.train.adam(learningRate);
}
