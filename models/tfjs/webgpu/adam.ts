import * as tf from "@tensorflow/tfjs";
import { adamMomentsProgram, adamStepProgram, type WebGpuProgram } from "./adam_programs.ts";
import { fusedKernels } from "./fused_flag.ts";

// tf.train.adam runs ~14 kernels per parameter and step (moments: mul, mul, add, square, mul, mul, add; bias
// correction and update: div, div, sqrt, add, div, mul, add) plus three for its beta powers; on WebGPU each is a
// dispatch with ~100-200 us of CPU work, whatever the parameter's size. Here a parameter costs two: its moments,
// kept as one tensor [m, v], then the parameter itself, with the beta powers computed on the host as uniforms.
// Two, not one, because a tfjs program writes one output, and the parameter stays a tfjs variable (layers read it).

/** The part of tfjs's WebGPU backend the optimizer runs programs through. */
interface WebGpuRunner {
  runWebGPUProgram(program: WebGpuProgram, inputs: tf.TensorInfo[], dtype: "float32", uniforms: { type: "float32"; data: number[] }[]): tf.TensorInfo;
}

/**
 * Adam (Kingma & Ba; tf.train.adam's arithmetic and defaults) as two WebGPU kernels per parameter and step.
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
    const backend = tf.backend() as unknown as WebGpuRunner;
    // beta^t as tf.train.adam keeps it: a float32 product, step by step (its rounding shows in 1 - beta2^t)
    this.power1 = Math.fround(this.power1 * Math.fround(this.beta1));
    this.power2 = Math.fround(this.power2 * Math.fround(this.beta2));
    const d1 = Math.fround(1 - this.power1), d2 = Math.fround(1 - this.power2);
    const uniforms = (values: number[]) => values.map((x) => ({ type: "float32" as const, data: [x] }));
    const betas = uniforms([this.beta1, this.beta2, 1 - this.beta1, 1 - this.beta2]);
    const step = uniforms([this.learningRate, d1, d2, this.epsilon]);
    for (const { name, tensor: gradient } of list) {
      const variable = tf.engine().registeredVariables[name];
      if (!variable || gradient == null) continue;
      const before = this.moments.get(name) ?? tf.zeros([2 * variable.size]);
      const run = (program: WebGpuProgram, inputs: tf.TensorInfo[], uniforms: typeof step) =>
        tf.engine().makeTensorFromTensorInfo(backend.runWebGPUProgram(program, inputs, "float32", uniforms));
      const after = run(adamMomentsProgram(variable.size), [gradient, before], betas);
      const value = run(adamStepProgram(variable.shape), [variable, after], step);
      variable.assign(value);
      // the moments outlive the caller's tidy scope (minimize runs inside one); the parameter lives on in the variable
      value.dispose();
      before.dispose();
      this.moments.set(name, tf.keep(after));
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

/**
 * The Adam a network trains with: two kernels per parameter on WebGPU (unless the fused kernels are turned off,
 * `MF_WEBGPU_FUSED`), tf.train.adam elsewhere.
 */
export function trainingAdam(backend: string, learningRate: number): tf.Optimizer {
  return backend === "webgpu" && fusedKernels() ? new WebGpuAdam(learningRate) : tf.train.adam(learningRate);
}
