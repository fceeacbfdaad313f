import * as tf from "@tensorflow/tfjs";
import { dispatchRaw, FLAT_INDEX, flatWorkgroups, type RawKernel } from "./raw_dispatch.ts";

// A training step's loss on tfjs's own kernels is ~21 dispatches (one-hot, max, subtract, exp, sum, log, ... and the
// same again backward) plus 3 for the hits (argMax, equal, sum) and 2 to stack them: one per small op. Here the
// loss and the hits are one kernel and the gradient of the loss with respect to the logits one more.

/**
 * Forward (`MfSoftmaxCeStats`): logits (b, C), labels (b) int32 class indices, weights (C) per class -> (2):
 * [sum over rows of weight[y] x softmax cross-entropy, rows whose first largest logit is at y]. One workgroup
 * strides over the rows and sums in workgroup memory.
 */
export const SOFTMAX_CE_STATS = "MfSoftmaxCeStats";
/**
 * Backward (`MfSoftmaxCeGrad`): logits, labels, weights and dy (2), the gradient of the forward's output ->
 * dlogits (b, C) = dy[0] x weight[y] x (softmax(logits) - onehot(y)); the hits have no gradient.
 */
export const SOFTMAX_CE_GRAD = "MfSoftmaxCeGrad";

const WG = 256;

// The log-sum-exp of row i as tfjs computes it (max, then log of the sum of exp(x - max), plus the max).
const ROW = (classes: number) => `
  const C = ${classes};
  fn rowMax(o : i32) -> f32 {
    var m = logits[o];
    for (var c = 1; c < C; c++) { m = max(m, logits[o + c]); }
    return m;
  }
  fn rowLse(o : i32, m : f32) -> f32 {
    var s = 0.0;
    for (var c = 0; c < C; c++) { s += exp(logits[o + c] - m); }
    return log(s) + m;
  }`;

function statsKernel(classes: number): RawKernel {
  return {
    key: `mf_softmax_ce_stats_${classes}`,
    code: `
      struct Uniforms { batch : i32, };
      @group(0) @binding(0) var<storage, read_write> result : array<f32>;
      @group(0) @binding(1) var<storage, read> logits : array<f32>;
      @group(0) @binding(2) var<storage, read> labels : array<i32>;
      @group(0) @binding(3) var<storage, read> weights : array<f32>;
      @group(0) @binding(4) var<uniform> u : Uniforms;
      var<workgroup> sl : array<f32, ${WG}>;
      var<workgroup> sh : array<f32, ${WG}>;
      ${ROW(classes)}
      @compute @workgroup_size(${WG})
      fn main(@builtin(local_invocation_index) lid : u32) {
        var loss = 0.0;
        var hits = 0.0;
        for (var i = i32(lid); i < u.batch; i += ${WG}) {
          let o = i * C;
          let y = labels[i];
          let m = rowMax(o);
          loss += weights[y] * (rowLse(o, m) - logits[o + y]);
          var best = 0;
          for (var c = 1; c < C; c++) { if (logits[o + c] > logits[o + best]) { best = c; } }
          if (best == y) { hits += 1.0; }
        }
        sl[lid] = loss;
        sh[lid] = hits;
        workgroupBarrier();
        for (var s = ${WG / 2}u; s > 0u; s >>= 1u) {
          if (lid < s) { sl[lid] += sl[lid + s]; sh[lid] += sh[lid + s]; }
          workgroupBarrier();
        }
        if (lid == 0u) { result[0] = sl[0]; result[1] = sh[0]; }
      }`,
  };
}

const GRAD_WG = 64;

function gradKernel(classes: number): RawKernel {
  return {
    key: `mf_softmax_ce_grad_${classes}`,
    code: `
      const WG = ${GRAD_WG}u;
      struct Uniforms { batch : i32, };
      @group(0) @binding(0) var<storage, read_write> result : array<f32>;
      @group(0) @binding(1) var<storage, read> logits : array<f32>;
      @group(0) @binding(2) var<storage, read> labels : array<i32>;
      @group(0) @binding(3) var<storage, read> weights : array<f32>;
      @group(0) @binding(4) var<storage, read> dy : array<f32>;
      @group(0) @binding(5) var<uniform> u : Uniforms;
      ${ROW(classes)}
      @compute @workgroup_size(${GRAD_WG})
      fn main(@builtin(global_invocation_id) gid : vec3<u32>, @builtin(num_workgroups) nwg : vec3<u32>) {
        ${FLAT_INDEX}
        if (index >= u.batch) { return; }
        let o = index * C;
        let y = labels[index];
        let lse = rowLse(o, rowMax(o));
        let scale = dy[0] * weights[y];
        for (var c = 0; c < C; c++) {
          var p = exp(logits[o + c] - lse);
          if (c == y) { p -= 1.0; }
          result[o + c] = scale * p;
        }
      }`,
  };
}

type KernelArgs = { inputs: tf.NamedTensorInfoMap };

function stats({ inputs }: KernelArgs): tf.TensorInfo {
  const { logits, labels, weights } = inputs as Record<string, tf.TensorInfo>;
  const [batch, classes] = logits.shape as [number, number];
  return dispatchRaw(statsKernel(classes), {
    outputs: [{ shape: [2] }],
    inputs: [logits, labels, weights],
    uniforms: [{ type: "int32", data: [batch] }],
    workgroups: [1, 1, 1],
  })[0];
}

function grad({ inputs }: KernelArgs): tf.TensorInfo {
  const { logits, labels, weights, dy } = inputs as Record<string, tf.TensorInfo>;
  const [batch, classes] = logits.shape as [number, number];
  return dispatchRaw(gradKernel(classes), {
    outputs: [{ shape: [batch, classes] }],
    inputs: [logits, labels, weights, dy],
    uniforms: [{ type: "int32", data: [batch] }],
    workgroups: flatWorkgroups(batch, GRAD_WG),
  })[0];
}

/** Registers both kernels for the webgpu backend, once. */
export function registerSoftmaxCeKernels(): void {
  if (tf.getKernel(SOFTMAX_CE_STATS, "webgpu")) return;
  tf.registerKernel({ kernelName: SOFTMAX_CE_STATS, backendName: "webgpu", kernelFunc: stats as unknown as tf.KernelFunc });
  tf.registerKernel({ kernelName: SOFTMAX_CE_GRAD, backendName: "webgpu", kernelFunc: grad as unknown as tf.KernelFunc });
}
