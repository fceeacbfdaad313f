import * as tf from "@tensorflow/tfjs";
import { ATTENTION_BACKWARD, ATTENTION_FORWARD, type AttentionAttrs, registerAttentionKernels } from "./attention_kernels.ts";
import { fusedKernels } from "./fused_flag.ts";
import type { RecurrentNote, WebGpuBackendLike } from "./recurrent_plan.ts";

/** The shape of one self-attention: `sequences` of `steps` rows, `width` (d) split into `heads`. */
export interface AttentionShape {
  sequences: number;
  steps: number;
  width: number;
  heads: number;
}

/** How the fused attention runs: its kernels' attributes. */
export interface AttentionPlan {
  attrs: AttentionAttrs;
}

/**
 * Head widths beyond this take the unfused path: each invocation keeps three head-wide vectors in private memory
 * (registers, spilled past a point), which no adapter limit names.
 */
export const MAX_HEAD_WIDTH = 256;

/**
 * The fused attention's plan on the active backend, or undefined where the layer takes its tfjs path: not webgpu
 * (`note` hears nothing), the switch is off (fused_flag.ts), or the shape exceeds the device's limits or the head
 * width cap (then `note` hears why).
 */
export function planAttention(shape: AttentionShape, causal: boolean, note?: RecurrentNote): AttentionPlan | undefined {
  if (tf.getBackend() !== "webgpu") return undefined;
  const plan = fit(shape, causal);
  note?.("why" in plan ? `unfused (${plan.why})` : "fused");
  return "why" in plan ? undefined : plan;
}

function fit(shape: AttentionShape, causal: boolean): AttentionPlan | { why: string } {
  if (!fusedKernels()) return { why: "fused kernels off" };
  const lim = (tf.backend() as unknown as WebGpuBackendLike).device.limits;
  const { sequences, steps, width, heads } = shape;
  const dh = width / heads;
  if (dh > MAX_HEAD_WIDTH) return { why: `head width ${dh} exceeds ${MAX_HEAD_WIDTH}` };
  const bytes = sequences * steps * 3 * width * 4;
  if (bytes > lim.maxStorageBufferBindingSize) {
    return { why: `${bytes} bytes of q, k and v exceed the ${lim.maxStorageBufferBindingSize}-byte storage binding` };
  }
  // flatWorkgroups folds past 65535 groups into y; beyond the device's per-dimension limit squared nothing fits
  const groups = Math.ceil(sequences * steps * heads / 64), perDim = Math.min(lim.maxComputeWorkgroupsPerDimension, 65535);
  if (groups > perDim * perDim) return { why: `${groups} workgroups exceed ${perDim} x ${perDim}` };
  return { attrs: { steps, heads, causal, scale: 1 / Math.sqrt(dh) } };
}

/**
 * Self-attention of projected rows `qkv` (n T, 3d), each row [q | k | v] with the heads side by side, on the fused
 * kernels (attention_kernels.ts): softmax(q k^T / sqrt(d/H)) v per head, merged into (n T, d) rows, in one dispatch
 * forward and one backward that writes d(qkv) as (n T, 3d) rows. `plan` comes from planAttention.
 *
 * @example
 * const plan = planAttention({ sequences: b, steps: T, width: d, heads: 4 }, false);
 * const merged = plan ? attentionFused(qkv, plan) : unfused(qkv);
 */
export function attentionFused(qkv: tf.Tensor2D, plan: AttentionPlan): tf.Tensor2D {
  registerAttentionKernels();
  const attrs = plan.attrs as unknown as tf.NamedAttrMap;
  const op = tf.customGrad((...args) => {
    const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
    const [out, lse] = tf.engine().runKernel(ATTENTION_FORWARD, { qkv: x }, attrs) as tf.Tensor[];
    save([x, out, lse]);
    return {
      value: out,
      gradFunc: (dy: tf.Tensor, [x, out, lse]: tf.Tensor[]) => tf.engine().runKernel(ATTENTION_BACKWARD, { dy, qkv: x, out, lse }, attrs) as tf.Tensor,
    };
  });
  return op(qkv) as tf.Tensor2D;
}
