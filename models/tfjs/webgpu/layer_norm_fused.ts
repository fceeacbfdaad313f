import * as tf from "@tensorflow/tfjs";
import { fusedKernels } from "./fused_flag.ts";
import { backwardGroups, lanesFor, LAYER_NORM_BACKWARD, LAYER_NORM_FORWARD, LN_MAX_PER_LANE, LN_WG, registerLayerNormKernels } from "./layer_norm_kernels.ts";
import type { GpuLimits } from "./recurrent_plan.ts";

/** Hears which path a LayerNorm took on webgpu: "fused" or "unfused (why)"; not called on other backends. */
export type LayerNormNote = (path: string) => void;

/**
 * Why the fused LayerNorm cannot run a (rows, d) input on the active webgpu backend, or undefined when it can: the
 * flag is off, there are no rows, the row is wider than a workgroup's lanes hold, or a tensor or the workgroup grid
 * exceeds the device.
 */
export function layerNormUnfit(rows: number, d: number): string | undefined {
  if (!fusedKernels()) return "fused kernels off";
  // an empty batch: nothing to dispatch, and the backward's partials would have no rows to come from
  if (rows === 0) return "no rows";
  const lim = (tf.backend() as unknown as { device: { limits: GpuLimits } }).device.limits;
  if (d > LN_WG * LN_MAX_PER_LANE) return `width ${d} exceeds ${LN_WG * LN_MAX_PER_LANE}`;
  if (lim.maxComputeInvocationsPerWorkgroup < LN_WG || lim.maxComputeWorkgroupSizeX < LN_WG) {
    return `the device runs fewer than ${LN_WG} invocations per workgroup`;
  }
  const bytes = rows * d * 4;
  if (bytes > lim.maxStorageBufferBindingSize) return `${bytes} bytes exceed the ${lim.maxStorageBufferBindingSize}-byte storage binding`;
  const groups = Math.ceil(rows / (LN_WG / lanesFor(d)));
  const perDim = lim.maxComputeWorkgroupsPerDimension;
  if (groups > perDim * perDim) return `${groups} workgroups exceed ${perDim} x ${perDim}`;
  if (backwardGroups(rows, d) * 2 * d * 4 > lim.maxStorageBufferBindingSize) return "the gradient partials exceed the storage binding";
  return undefined;
}

/**
 * LayerNorm's computation (x - mean) / sqrt(var + 1e-5) * gamma + beta over the last axis of `x`, on the fused WebGPU
 * kernels (layer_norm_kernels.ts): one dispatch forward, two backward (dx; dgamma and dbeta from per-workgroup
 * partials). Undefined where they don't run (not webgpu, turned off or beyond the device: `note` hears which), so the
 * caller takes its unfused path.
 *
 * @example
 * const y = layerNormFused(x, gamma, beta) ?? plainLayerNorm(x, gamma, beta);
 */
export function layerNormFused(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, note?: LayerNormNote): tf.Tensor | undefined {
  if (tf.getBackend() !== "webgpu") return undefined;
  const d = x.shape.at(-1)!;
  const why = layerNormUnfit(x.size / d, d);
  note?.(why ? `unfused (${why})` : "fused");
  if (why) return undefined;
  registerLayerNormKernels();
  const op = tf.customGrad((...args) => {
    const [input, g, b, save] = args as [tf.Tensor, tf.Tensor1D, tf.Tensor1D, tf.GradSaveFunc];
    const [y, stats] = tf.engine().runKernel(LAYER_NORM_FORWARD, { x: input, gamma: g, beta: b }) as tf.Tensor[];
    // the row statistics are the backward pass's: saved, so the forward scope keeps them
    save([input, stats, g]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, [xs, st, gs]: tf.Tensor[]) => tf.engine().runKernel(LAYER_NORM_BACKWARD, { dy, x: xs, stats: st, gamma: gs }) as tf.Tensor[],
    };
  });
  return op(x, gamma, beta) as tf.Tensor;
}
