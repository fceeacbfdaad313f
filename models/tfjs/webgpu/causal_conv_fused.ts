import * as tf from "@tensorflow/tfjs";
import { fusedWithinBinding } from "./fused_flag.ts";
import { dispatchElementwise, elementwiseKernel, type RawKernel } from "./raw_dispatch.ts";
import type { RecurrentNote } from "./recurrent_plan.ts";

// TCN's dilated causal convolution on tfjs's kernels is a pad, k slices and a concat forward and their pads, slices and
// sums backward (~12 dispatches per convolution at k = 3). Here the k shifted views stacked along channels are one
// gather forward, and one backward in which each input step sums the gradient of the k taps that read it.

/** The forward kernel's name: x (b, L, C) -> stacked taps (b L, k C). */
export const CAUSAL_TAPS_FORWARD = "MfCausalTaps";
/** The backward kernel's name: d taps (b L, k C) -> dx (b, L, C). */
export const CAUSAL_TAPS_BACKWARD = "MfCausalTapsGrad";

/** A causal convolution's taps: `kernelSize` of them, `dilation` steps apart, the last one the current step. */
export interface CausalTaps {
  kernelSize: number;
  dilation: number;
}

const FORWARD = elementwiseKernel("mf_causal_taps", {
  inputs: ["x"],
  fields: "L : i32, C : i32, K : i32, D : i32,",
  body: `
      // index = (b L + t) K C + j C + c; tap j of step t reads step t - (K-1-j) D, zero before step 0
      let c = index % u.C;
      let j = (index / u.C) % u.K;
      let bt = index / (u.C * u.K);
      let src = bt % u.L - (u.K - 1 - j) * u.D;
      var v = 0.0;
      if (src >= 0) { v = x[(bt - (u.K - 1 - j) * u.D) * u.C + c]; }
      result[index] = v;`,
});

const BACKWARD = elementwiseKernel("mf_causal_taps_grad", {
  inputs: ["dy"],
  fields: "L : i32, C : i32, K : i32, D : i32,",
  body: `
      // index = (b L + t) C + c; step t is tap j of step t + (K-1-j) D wherever that step lies in the window
      let c = index % u.C;
      let bt = index / u.C;
      let t = bt % u.L;
      var s = 0.0;
      for (var j = 0; j < u.K; j++) {
        let shift = (u.K - 1 - j) * u.D;
        if (t + shift < u.L) { s += dy[((bt + shift) * u.K + j) * u.C + c]; }
      }
      result[index] = s;`,
});

function run(kernel: RawKernel, input: tf.TensorInfo, shape: number[], dims: { L: number; C: number }, taps: CausalTaps): tf.TensorInfo {
  return dispatchElementwise(kernel, input, shape, [dims.L, dims.C, taps.kernelSize, taps.dilation]);
}

function forward({ inputs, attrs }: { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const taps = attrs as unknown as CausalTaps;
  const { x } = inputs as { x: tf.TensorInfo };
  const [b, L, C] = x.shape;
  return run(FORWARD, x, [b * L, taps.kernelSize * C], { L, C }, taps);
}

function backward({ inputs, attrs }: { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const taps = attrs as unknown as CausalTaps & { batch: number; steps: number; channels: number };
  const { dy } = inputs as { dy: tf.TensorInfo };
  return run(BACKWARD, dy, [taps.batch, taps.steps, taps.channels], { L: taps.steps, C: taps.channels }, taps);
}

function register(): void {
  if (tf.getKernel(CAUSAL_TAPS_FORWARD, "webgpu")) return;
  tf.registerKernel({ kernelName: CAUSAL_TAPS_FORWARD, backendName: "webgpu", kernelFunc: forward as unknown as tf.KernelFunc });
  tf.registerKernel({ kernelName: CAUSAL_TAPS_BACKWARD, backendName: "webgpu", kernelFunc: backward as unknown as tf.KernelFunc });
}

/**
 * Whether the fused causal taps run for `tapsSize` floats of stacked taps: on webgpu with the flag on and the taps
 * within a storage binding (the input is never larger); `note` hears "fused" or "unfused (why)" on webgpu only.
 */
export function causalTapsFit(tapsSize: number, note?: RecurrentNote): boolean {
  return fusedWithinBinding(tapsSize * 4, "taps", note);
}

/**
 * x (b, L, C) -> (b L, k C): for each step t the k taps t - (k-1)d, ..., t - d, t side by side (zeros before step 0),
 * in one WebGPU dispatch forward and one backward (each step's gradient the sum over the taps that read it). The
 * webgpu backend only.
 *
 * @example
 * const stacked = causalTapsFused(x, { kernelSize: 3, dilation: 4 }); // then matMul by the (3 C, filters) kernel
 */
export function causalTapsFused(x: tf.Tensor3D, taps: CausalTaps): tf.Tensor2D {
  register();
  const [batch, steps, channels] = x.shape;
  const attrs = { ...taps, batch, steps, channels } as unknown as tf.NamedAttrMap;
  const op = tf.customGrad((...args) => {
    const [input] = args as [tf.Tensor];
    return {
      value: tf.engine().runKernel(CAUSAL_TAPS_FORWARD, { x: input }, attrs) as tf.Tensor,
      gradFunc: (dy: tf.Tensor) => tf.engine().runKernel(CAUSAL_TAPS_BACKWARD, { dy }, attrs) as tf.Tensor,
    };
  });
  return op(x) as tf.Tensor2D;
}
