import * as tf from "@tensorflow/tfjs";
import { axisBlock } from "./axis_sum.ts";
import { fusedKernels } from "./fused_flag.ts";
import { dispatchRaw, ELEMENTWISE_WG, elementwiseKernel, flatWorkgroups } from "./raw_dispatch.ts";

// Two of tfjs's gradients that take two elementwise dispatches where one does, replaced through tfjs's gradient
// registry (global, so the original gradFunc is kept and runs on every other backend and with MF_WEBGPU_FUSED off):
// - Relu: dy x step(x) is a Step and a Multiply (a Dense layer with a relu, 2 a transformer step); here one kernel.
// - Mean: dy broadcast back, times ones (an uploaded tensor of x's shape) and divided by the count, is a Multiply and a
//   RealDiv (globalAveragePooling1d's gradient); here one kernel. Both give tfjs's values: dy x 1 or 0 (NaN where x
//   is), and dy / n.

/** The Relu gradient kernel's name: dy, x -> dy x step(x). */
export const RELU_GRAD = "MfReluGrad";
/** The Mean gradient kernel's name: dy, x (for its shape) -> dy broadcast over the reduced block / its count. */
export const MEAN_GRAD = "MfMeanGrad";

const PATCHED = Symbol("model-factory webgpu gradient");

const RELU = elementwiseKernel("mf_relu_grad", {
  inputs: ["dy", "x"],
  body: `
      let a = x[index];
      // tfjs's Step: NaN stays NaN (WGSL has no isnan: tfjs's bit test), then 1 above zero and 0 elsewhere
      var s = select(0.0, 1.0, a > 0.0);
      if ((bitcast<u32>(a) & 0x7fffffffu) > 0x7f800000u) { s = a; }
      result[index] = dy[index] * s;`,
});

const MEAN = elementwiseKernel("mf_mean_grad", {
  inputs: ["dy"],
  fields: "count : i32, inner : i32,",
  body: `
      let o = index / (u.count * u.inner);
      let c = index % u.inner;
      result[index] = dy[o * u.inner + c] / f32(u.count);`,
});

type KernelArgs = { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap };

function reluGrad({ inputs }: KernelArgs): tf.TensorInfo {
  const { dy, x } = inputs as { dy: tf.TensorInfo; x: tf.TensorInfo };
  const n = x.shape.reduce((p, d) => p * d, 1);
  return dispatchRaw(RELU, {
    outputs: [{ shape: x.shape }],
    inputs: [dy, x],
    uniforms: [{ type: "int32", data: [n] }],
    workgroups: flatWorkgroups(n, ELEMENTWISE_WG),
  })[0];
}

function meanGrad({ inputs, attrs }: KernelArgs): tf.TensorInfo {
  const { dy } = inputs as { dy: tf.TensorInfo };
  const { shape, n, inner } = attrs as { shape: number[]; n: number; inner: number };
  const size = shape.reduce((p, d) => p * d, 1);
  return dispatchRaw(MEAN, {
    outputs: [{ shape }],
    inputs: [dy],
    uniforms: [{ type: "int32", data: [size] }, { type: "int32", data: [n] }, { type: "int32", data: [inner] }],
    workgroups: flatWorkgroups(size, ELEMENTWISE_WG),
  })[0];
}

const onWebGpu = () => tf.getBackend() === "webgpu" && fusedKernels();

/** Replaces tfjs's Relu and Mean gradients with one-kernel forms on webgpu while the fused kernels are on. Idempotent. */
export function useWebGpuGradients(): void {
  if (!tf.getKernel(RELU_GRAD, "webgpu")) {
    tf.registerKernel({ kernelName: RELU_GRAD, backendName: "webgpu", kernelFunc: reluGrad as unknown as tf.KernelFunc });
    tf.registerKernel({ kernelName: MEAN_GRAD, backendName: "webgpu", kernelFunc: meanGrad as unknown as tf.KernelFunc });
  }
  patchGradient("Relu", (dy, [x], attrs, plain) => {
    if (!onWebGpu() || x.dtype !== "float32") return plain(dy, [x], attrs);
    return { x: () => tf.engine().runKernel(RELU_GRAD, { dy, x }) as tf.Tensor };
  });
  patchGradient("Mean", (dy, [x], attrs, plain) => {
    const axes = tf.util.parseAxisParam((attrs as { axis: number | number[] }).axis, x.shape);
    // a contiguous block of axes, wherever it lies (an innermost one too): the (outer, n, inner) view
    const block = axisBlock([...x.shape, 1], axes);
    if (!onWebGpu() || !block) return plain(dy, [x], attrs);
    return { x: () => tf.engine().runKernel(MEAN_GRAD, { dy }, { shape: x.shape, n: block.n, inner: block.inner }) as tf.Tensor };
  });
}

type GradFunc = (dy: tf.Tensor, saved: tf.Tensor[], attrs: tf.NamedAttrMap) => Record<string, () => tf.Tensor>;

function patchGradient(
  name: string,
  fast: (dy: tf.Tensor, saved: tf.Tensor[], attrs: tf.NamedAttrMap, plain: GradFunc) => Record<string, () => tf.Tensor>,
): void {
  const original = tf.getGradient(name);
  if (!original || (original.gradFunc as { [PATCHED]?: true })[PATCHED]) return;
  const plain = original.gradFunc as unknown as GradFunc;
  const gradFunc = Object.assign((dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) => fast(dy as tf.Tensor, saved, attrs, plain), {
    [PATCHED]: true as const,
  });
  tf.registerGradient({ ...original, gradFunc: gradFunc as unknown as tf.GradConfig["gradFunc"] });
}
