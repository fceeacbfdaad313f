import * as tf from "@tensorflow/tfjs";
import { axisBlock, sumAxisBlock } from "./axis_sum.ts";
import { fusedKernels } from "./fused_flag.ts";
import { useWebGpuGradients } from "./grad_patches.ts";

// tfjs's own webgpu kernels, replaced where they spend dispatches on nothing but layout, through tfjs's registry (no
// fork): the original kernelFunc is kept and every case not handled here, and every call with MF_WEBGPU_FUSED off,
// goes to it. Counted with bench/dispatches.ts on a transformer step (window 60):
// - Sum and Mean over axes that are not the innermost (every bias gradient sums dy over its leading axes, 10 a step;
//   globalAveragePooling1d means over time) transpose the input first: two dispatches; here one (axis_sum.ts).
// - A Dense layer on a 3-D input (tfjs-layers' K.dot) transposes its 2-D kernel by the identity permutation, one
//   dispatch forward and one for its gradient, 10 a step; an identity permutation is the input itself (as Reshape is).

type KernelArgs = Parameters<tf.KernelFunc>[0];
type Info = tf.TensorInfo;
const PATCHED = Symbol("model-factory webgpu kernel");

interface Limits {
  device: { limits: { maxComputeWorkgroupsPerDimension: number } };
}

/**
 * Replaces tfjs's webgpu Sum, Mean and Transpose with the forms above, and the Relu and Mean gradients with one kernel
 * each (grad_patches.ts); all active while the fused kernels are on. Idempotent.
 */
export function useWebGpuKernels(): void {
  useWebGpuGradients();
  patch("Sum", (args, plain) => reduceBlock(args, plain, false));
  patch("Mean", (args, plain) => reduceBlock(args, plain, true));
  patch("Transpose", (args, plain) => {
    const { perm } = args.attrs as { perm: number[] };
    if (!fusedKernels() || perm.some((p, i) => p !== i)) return plain(args) as Info;
    return tf.getKernel("Identity", "webgpu")!.kernelFunc({ inputs: args.inputs, backend: args.backend, attrs: {} }) as Info;
  });
}

function reduceBlock(args: KernelArgs, plain: tf.KernelFunc, mean: boolean): Info {
  const x = args.inputs.x as Info;
  const { axis, keepDims } = args.attrs as { axis: number | number[]; keepDims: boolean };
  if (!fusedKernels() || x.dtype !== "float32") return plain(args) as Info;
  const axes = tf.util.parseAxisParam(axis, x.shape);
  const block = axisBlock(x.shape, axes);
  if (!block) return plain(args) as Info;
  const outShape = keepDims ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !axes.includes(i));
  const maxGroups = (args.backend as unknown as Limits).device.limits.maxComputeWorkgroupsPerDimension;
  return sumAxisBlock(x, block, outShape, mean, maxGroups) ?? plain(args) as Info;
}

function patch(name: string, fast: (args: KernelArgs, plain: tf.KernelFunc) => Info): void {
  const original = tf.getKernel(name, "webgpu");
  if (!original || (original.kernelFunc as { [PATCHED]?: true })[PATCHED]) return;
  const kernelFunc = Object.assign((args: KernelArgs) => fast(args, original.kernelFunc), { [PATCHED]: true as const });
  tf.unregisterKernel(name, "webgpu");
  tf.registerKernel({ ...original, kernelFunc: kernelFunc as tf.KernelFunc });
}
