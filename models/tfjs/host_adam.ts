import * as tf from "@tensorflow/tfjs";
import { type HostStorage, hostStorage } from "./host_storage.ts";
import { HOST_ADAM_WASM } from "./host_adam_wasm.ts";
import { heapModule } from "./wasm/heap_module.ts";

// tf.train.adam runs ~14 kernels per parameter and step (moments: mul, mul, add, square, mul, mul, add; bias
// correction and update: div, div, sqrt, add, div, mul, add), each a pass over the parameter that allocates its
// output; for the MLP's 6420 x 128 first layer that is ~14 passes and allocations of 3.3 MB per step. Here a
// parameter costs one pass that reads its gradient, updates its moments in place (tensors only this optimizer
// holds) and writes the new value into one new tensor. The parameter is not written in place: tensors that share
// its data (a clone() of the weights, kept as the best epoch's) would change with it. On wasm the pass is a SIMD
// kernel (host_adam.wat) over the backend's own heap; a JavaScript loop, whose float64 divisions and square root
// cost ~8 ns an element, took ~7 ms a step for the MLP's first layer.

/**
 * Adam (Kingma & Ba) with tf.train.adam's arithmetic, rounded to float32 after every operation in its order, so
 * the results are tf.train.adam's bit for bit; one pass per parameter and step on the cpu and wasm backends,
 * whose tensors live in host memory. `trainingAdam` chooses it there.
 *
 * @example
 * const optimizer = new HostAdam(1e-3);
 * optimizer.minimize(() => loss());
 */
export class HostAdam extends tf.Optimizer {
  /** The class name tfjs's serialization registry knows it by. */
  static get className(): string {
    return "HostAdam";
  }
  private readonly moments = new Map<string, { m: tf.Tensor; v: tf.Tensor }>();
  private readonly epsilon: number;
  private power1 = 1;
  private power2 = 1;

  constructor(readonly learningRate: number, readonly beta1 = 0.9, readonly beta2 = 0.999, epsilon?: number) {
    super();
    if (!hostStorage(tf.getBackend(), tf.backend())) {
      throw new Error(`HostAdam runs on the cpu and wasm backends; the active backend is "${tf.getBackend()}"`);
    }
    this.epsilon = epsilon ?? tf.backend().epsilon();
  }

  override applyGradients(gradients: tf.NamedTensorMap | { name: string; tensor: tf.Tensor }[]): void {
    const list = Array.isArray(gradients) ? gradients : Object.entries(gradients).map(([name, tensor]) => ({ name, tensor }));
    const storage = hostStorage(tf.getBackend(), tf.backend());
    if (!storage) throw new Error(`HostAdam runs on the cpu and wasm backends; the active backend is "${tf.getBackend()}"`);
    const f = Math.fround, kernel = tf.getBackend() === "wasm" ? wasmKernel(tf.backend()) : undefined;
    // beta^t as tf.train.adam keeps it: a float32 product, step by step (its rounding shows in 1 - beta2^t)
    this.power1 = f(this.power1 * f(this.beta1));
    this.power2 = f(this.power2 * f(this.beta2));
    // tf.train.adam's scalars as its kernels see them: float32 tensors of beta, 1 - beta (computed in float64), -lr, epsilon
    const b1 = f(this.beta1), b2 = f(this.beta2), r1 = f(1 - this.beta1), r2 = f(1 - this.beta2);
    const d1 = f(1 - this.power1), d2 = f(1 - this.power2), rate = f(-this.learningRate), eps = f(this.epsilon);
    for (const { name, tensor: gradient } of list) {
      const variable = tf.engine().registeredVariables[name];
      if (!variable || gradient == null) continue;
      if (variable.dtype !== "float32" || gradient.dtype !== "float32") {
        throw new Error(`HostAdam updates float32 parameters; "${name}" is ${variable.dtype} with a ${gradient.dtype} gradient`);
      }
      let state = this.moments.get(name);
      if (!state) this.moments.set(name, state = { m: zeros(storage, variable.shape), v: zeros(storage, variable.shape) });
      const out = storage.make(variable.shape, "float32");
      const scalars = [b1, b2, r1, r2, d1, d2, rate, eps] as const;
      if (kernel) kernel(...[gradient, state.m, state.v, variable, out.info].map(kernel.offset) as Offsets, variable.size, ...scalars);
      // views taken after the output's allocation, which on wasm can grow the heap and detach earlier ones
      else step([gradient, state.m, state.v, variable].map((x) => storage.read(x) as Float32Array) as Arrays, out.values as Float32Array, scalars);
      const value = tf.engine().makeTensorFromTensorInfo(out.info);
      variable.assign(value);
      value.dispose();
    }
    this.incrementIterations();
  }

  override dispose(): void {
    tf.dispose([...this.moments.values()].flatMap(({ m, v }) => [m, v]));
    this.moments.clear();
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
}

type Offsets = [number, number, number, number, number];
type Arrays = [Float32Array, Float32Array, Float32Array, Float32Array];
type Scalars = readonly [number, number, number, number, number, number, number, number];

/** A zero tensor that outlives the tidy scope it is made in (minimize runs the update inside one). */
function zeros(storage: HostStorage, shape: number[]): tf.Tensor {
  return tf.keep(tf.engine().makeTensorFromTensorInfo(storage.make(shape, "float32", 0).info));
}

/** One Adam step in JavaScript, each operation rounded to float32 as tfjs's kernels round it (the cpu backend's path). */
function step([g, m, v, w]: Arrays, next: Float32Array, [b1, b2, r1, r2, d1, d2, rate, eps]: Scalars): void {
  const f = Math.fround;
  for (let i = 0; i < m.length; i++) {
    const gi = g[i];
    const mi = f(f(m[i] * b1) + f(gi * r1));
    const vi = f(f(v[i] * b2) + f(f(gi * gi) * r2));
    m[i] = mi, v[i] = vi;
    next[i] = f(f(f(mi / d1) / f(f(Math.sqrt(f(vi / d2))) + eps)) * rate) + w[i];
  }
}

/** host_adam.wat's export, and the heap offset of a tensor's data. */
type WasmKernel = ((...args: [...Offsets, number, ...Scalars]) => void) & { offset(x: tf.TensorInfo): number };

/** The SIMD kernel, over the wasm backend's heap. */
function wasmKernel(backend: unknown): WasmKernel {
  const { exports, offset } = heapModule(HOST_ADAM_WASM, backend);
  return Object.assign(exports.adam as (...args: number[]) => void, { offset });
}
