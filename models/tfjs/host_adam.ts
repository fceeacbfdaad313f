import * as tf from "@tensorflow/tfjs";
import { hostStorage, type Storage } from "./fast_kernels.ts";

/** A variable's name and a tensor for it, as tfjs's optimizers take gradients and give weights. */
type NamedTensor = { name: string; tensor: tf.Tensor };

/**
 * Adam as the networks train with it: on the cpu and wasm backends one pass over each variable's
 * values updates both moments and the weight ({@linkcode HostAdam}); elsewhere tfjs's own Adam,
 * whose ~10 element-wise kernels per variable run on the device. Same update, same defaults.
 */
export function createAdam(learningRate: number): tf.Optimizer {
  const storage = hostStorage(tf.getBackend());
  return storage ? new HostAdam(learningRate, storage) : tf.train.adam(learningRate);
}

/**
 * tfjs's Adam update (beta1 0.9, beta2 0.999, the backend's epsilon, bias-corrected moments) done in
 * one loop per variable over the backend's own memory. tfjs runs it as ~10 kernels, each a full
 * pass over the weights: for the 6420 x 128 first layer of the MLP that was about a tenth of
 * a wasm training step. The moments live in host arrays; the new weights go to a fresh tensor that
 * the variable takes (never written in place: a best-epoch snapshot may share the old values).
 */
export class HostAdam extends tf.Optimizer {
  private iteration = 0;
  private readonly moments = new Map<string, { m: Float32Array; v: Float32Array }>();
  private readonly epsilon = tf.backend().epsilon();

  constructor(private readonly learningRate: number, private readonly storage: Storage, private readonly beta1 = 0.9, private readonly beta2 = 0.999) {
    super();
  }

  override applyGradients(gradients: tf.NamedTensorMap | NamedTensor[]): void {
    const list = Array.isArray(gradients) ? gradients : Object.entries(gradients).map(([name, tensor]) => ({ name, tensor }));
    this.iteration++;
    const { beta1, beta2, epsilon, learningRate } = this;
    const c1 = 1 - beta1 ** this.iteration, c2 = 1 - beta2 ** this.iteration;
    for (const { name, tensor: gradient } of list) {
      const variable = tf.engine().registeredVariables[name];
      if (!variable) throw new Error(`Adam: no variable named "${name}" to update`);
      const size = variable.size;
      let state = this.moments.get(name);
      if (!state) this.moments.set(name, (state = { m: new Float32Array(size), v: new Float32Array(size) }));
      const out = this.storage.make(variable.shape, "float32", 0);
      // Views taken after the allocation, which may move the wasm heap.
      const w = this.storage.read(variable), g = this.storage.read(gradient), next = this.storage.read(out.info);
      const { m, v } = state;
      for (let i = 0; i < size; i++) {
        const gi = g[i];
        const mi = (m[i] = beta1 * m[i] + (1 - beta1) * gi);
        const vi = (v[i] = beta2 * v[i] + (1 - beta2) * gi * gi);
        next[i] = w[i] - (learningRate * (mi / c1)) / (Math.sqrt(vi / c2) + epsilon);
      }
      const updated = tf.engine().makeTensorFromTensorInfo(out.info);
      variable.assign(updated);
      updated.dispose();
    }
  }

  override getWeights(): Promise<NamedTensor[]> {
    throw new Error("HostAdam keeps its moments in host memory and does not export them");
  }

  override setWeights(): Promise<void> {
    throw new Error("HostAdam keeps its moments in host memory and does not import them");
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }

  static get className(): string {
    return "HostAdam";
  }
}
