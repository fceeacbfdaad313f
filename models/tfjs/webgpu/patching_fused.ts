import * as tf from "@tensorflow/tfjs";
import { fusedWithinBinding } from "./fused_flag.ts";
import { dispatchElementwise, elementwiseKernel, type RawKernel } from "./raw_dispatch.ts";
import type { RecurrentNote } from "./recurrent_plan.ts";

// PatchTST's patching on tfjs's kernels is a transpose and P slices and a stack forward (stride != patch length) and
// the slices' pads, the stack's unstack and their sum backward: ~25 dispatches at P = 14. Here it is one gather
// forward and one backward, in which each input element sums the patches it falls in.

/** The forward kernel's name: x (b, L, F) -> patches (b, F, P, patchLen). */
export const PATCHES_FORWARD = "MfPatches";
/** The backward kernel's name: d patches (b, F, P, patchLen) -> dx (b, L, F). */
export const PATCHES_BACKWARD = "MfPatchesGrad";

/** Where the patches lie in a window: P patches of `patchLen` steps, `stride` apart, the first starting at step `first`. */
export interface PatchLayout {
  patchLen: number;
  stride: number;
  patches: number;
  first: number;
}

const FORWARD = elementwiseKernel("mf_patches", {
  inputs: ["x"],
  fields: "L : i32, F : i32, P : i32, PL : i32, S : i32, first : i32,",
  body: `
      // index = ((b F + f) P + p) PL + k
      let k = index % u.PL;
      let p = (index / u.PL) % u.P;
      let bf = index / (u.PL * u.P);
      let f = bf % u.F;
      let b = bf / u.F;
      result[index] = x[(b * u.L + u.first + p * u.S + k) * u.F + f];`,
});

const BACKWARD = elementwiseKernel("mf_patches_grad", {
  inputs: ["dy"],
  fields: "L : i32, F : i32, P : i32, PL : i32, S : i32, first : i32,",
  body: `
      // index = (b L + t) F + f; step t lies in patches p with p S <= t - first < p S + PL
      let f = index % u.F;
      let t = (index / u.F) % u.L - u.first;
      let b = index / (u.F * u.L);
      var s = 0.0;
      if (t >= 0) {
        let pFirst = max(0, (t - u.PL + u.S) / u.S);
        let pLast = min(u.P - 1, t / u.S);
        let row = (b * u.F + f) * u.P;
        for (var p = pFirst; p <= pLast; p++) { s += dy[(row + p) * u.PL + t - p * u.S]; }
      }
      result[index] = s;`,
});

function run(kernel: RawKernel, input: tf.TensorInfo, shape: number[], dims: { L: number; F: number }, layout: PatchLayout): tf.TensorInfo {
  return dispatchElementwise(kernel, input, shape, [dims.L, dims.F, layout.patches, layout.patchLen, layout.stride, layout.first]);
}

function forward({ inputs, attrs }: { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const layout = attrs as unknown as PatchLayout;
  const { x } = inputs as { x: tf.TensorInfo };
  const [b, L, F] = x.shape;
  return run(FORWARD, x, [b, F, layout.patches, layout.patchLen], { L, F }, layout);
}

function backward({ inputs, attrs }: { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const layout = attrs as unknown as PatchLayout & { steps: number };
  const { dy } = inputs as { dy: tf.TensorInfo };
  const [b, F] = dy.shape;
  return run(BACKWARD, dy, [b, layout.steps, F], { L: layout.steps, F }, layout);
}

function register(): void {
  if (tf.getKernel(PATCHES_FORWARD, "webgpu")) return;
  tf.registerKernel({ kernelName: PATCHES_FORWARD, backendName: "webgpu", kernelFunc: forward as unknown as tf.KernelFunc });
  tf.registerKernel({ kernelName: PATCHES_BACKWARD, backendName: "webgpu", kernelFunc: backward as unknown as tf.KernelFunc });
}

/**
 * Whether the fused patching runs for a window (b, L, F) cut into `outputSize` floats of patches: on webgpu with the
 * flag on and both tensors within a storage binding; `note` hears "fused" or "unfused (why)" on webgpu only.
 */
export function patchingFits(inputSize: number, outputSize: number, note?: RecurrentNote): boolean {
  return fusedWithinBinding(Math.max(inputSize, outputSize) * 4, "", note);
}

/**
 * x (b, L, F) -> (b, F, P, patchLen), each channel's series cut into patches as `layout` says, in one WebGPU dispatch
 * forward and one backward (each step's gradient the sum over the patches it falls in). The webgpu backend only.
 *
 * @example
 * const patches = patchesFused(x, { patchLen: 8, stride: 4, patches: 14, first: 0 });
 */
export function patchesFused(x: tf.Tensor3D, layout: PatchLayout): tf.Tensor4D {
  register();
  const attrs = { ...layout, steps: x.shape[1] } as unknown as tf.NamedAttrMap;
  const op = tf.customGrad((...args) => {
    const [input] = args as [tf.Tensor];
    return {
      value: tf.engine().runKernel(PATCHES_FORWARD, { x: input }, attrs) as tf.Tensor,
      gradFunc: (dy: tf.Tensor) => tf.engine().runKernel(PATCHES_BACKWARD, { dy }, attrs) as tf.Tensor,
    };
  });
  return op(x) as tf.Tensor4D;
}
