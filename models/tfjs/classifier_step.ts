import * as tf from "@tensorflow/tfjs";
import { fusedKernels } from "./webgpu/fused_flag.ts";
import { registerSoftmaxCeKernels, SOFTMAX_CE_GRAD, SOFTMAX_CE_STATS } from "./webgpu/softmax_ce_kernels.ts";
import { registerHostSoftmaxCe } from "./host_softmax_ce.ts";

/**
 * [sum over rows of weight[y] x softmax cross-entropy of `logits` (b, C) against class indices `y`, hits (rows whose
 * largest logit is at y)] in one kernel, differentiable in the logits (one more kernel backward): a WebGPU dispatch
 * each on webgpu (webgpu/softmax_ce_kernels.ts), a loop over the logits on cpu and wasm (host_softmax_ce.ts).
 * Without `weights` every class weighs 1.
 *
 * @example
 * const [lossSum, hits] = softmaxCeStats(logits, y).arraySync();
 */
export function softmaxCeStats(logits: tf.Tensor2D, y: tf.Tensor1D, weights?: tf.Tensor1D): tf.Tensor1D {
  if (tf.getBackend() === "webgpu") registerSoftmaxCeKernels();
  else registerHostSoftmaxCe();
  const w = weights ?? tf.ones([logits.shape[1]]);
  const op = tf.customGrad((...args) => {
    const [x, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
    // saved, not closed over: the forward pass's scope disposes what it made (the default weights) before backward runs
    save([x, y, w]);
    return {
      value: tf.engine().runKernel(SOFTMAX_CE_STATS, { logits: x, labels: y, weights: w }) as tf.Tensor1D,
      gradFunc: (dy: tf.Tensor, [logits, labels, weights]: tf.Tensor[]) => tf.engine().runKernel(SOFTMAX_CE_GRAD, { logits, labels, weights, dy }) as tf.Tensor,
    };
  });
  return op(logits) as tf.Tensor1D;
}

/** Whether NetworkModel's training step runs on the fused loss kernels here: cpu, wasm, and webgpu with MF_WEBGPU_FUSED on. */
export function fusedStep(backend: string): boolean {
  return backend === "webgpu" ? fusedKernels() : backend === "cpu" || backend === "wasm";
}

/**
 * One Adam step of a classifier on the fused kernels, as NetworkModel's: mean (class-weighted) softmax cross-entropy
 * of `logitsOf()` against `y`, gradients of every trainable variable, `optimizer` applied; returns [summed loss, hits].
 * The loss and hits come from one kernel (softmaxCeStats), whose output is differentiated with dy = [1/b, 0]: the
 * gradient of the mean loss, without the ~26 small kernels of tfjs's loss, argMax and stack. Call inside a tidy scope.
 */
export function fusedClassifierStep(optimizer: tf.Optimizer, logitsOf: () => tf.Tensor2D, y: tf.Tensor1D, classWeights?: Float32Array): tf.Tensor1D {
  const weights = classWeights ? tf.tensor1d(classWeights) : undefined;
  // minimize and variableGrads ask for a scalar; tfjs's engine differentiates any output against a given dy
  const variables = Object.values(tf.engine().registeredVariables).filter((v) => v.trainable);
  const dy = tf.tensor1d([1 / y.shape[0], 0]);
  const { value, grads } = tf.engine().gradients(() => softmaxCeStats(logitsOf(), y, weights), variables, dy, true);
  const named: tf.NamedTensorMap = {};
  variables.forEach((v, i) => {
    if (grads[i] != null) named[v.name] = grads[i];
  });
  if (Object.keys(named).length === 0) throw new Error("fusedClassifierStep: no trainable variable reaches the logits");
  optimizer.applyGradients(named);
  tf.dispose(grads);
  return value;
}
