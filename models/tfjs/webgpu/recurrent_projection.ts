import * as tf from "@tensorflow/tfjs";
import { fusedKernels } from "./fused_flag.ts";
import { projectionWeightGrad, projectTimeMajor } from "./recurrent_products.ts";
import type { WebGpuBackendLike } from "./recurrent_plan.ts";

/** The fused input projection's kernel: x (b, L, F) batch-major, w (F, G) -> x W time-major (L*b, G). */
export const PROJECT_TIME_MAJOR = "MfProjectTimeMajor";
/** Its weight gradient's kernel: x (b, L, F) and dz (L*b, G) time-major -> x^T dz (F, G). */
export const PROJECT_WEIGHT_GRAD = "MfProjectWeightGrad";

type KernelArgs = { inputs: tf.NamedTensorInfoMap };

function register(): void {
  if (tf.getKernel(PROJECT_TIME_MAJOR, "webgpu")) return;
  const project = ({ inputs }: KernelArgs) => projectTimeMajor(inputs.x!, inputs.w!);
  const weightGrad = ({ inputs }: KernelArgs) => projectionWeightGrad(inputs.x!, inputs.dz!);
  tf.registerKernel({ kernelName: PROJECT_TIME_MAJOR, backendName: "webgpu", kernelFunc: project as unknown as tf.KernelFunc });
  tf.registerKernel({ kernelName: PROJECT_WEIGHT_GRAD, backendName: "webgpu", kernelFunc: weightGrad as unknown as tf.KernelFunc });
  tf.registerGradient({
    kernelName: PROJECT_TIME_MAJOR,
    inputsToSave: ["x", "w"],
    // tfjs calls an input's function only when a gradient must reach it: a first layer's window (data) takes none
    gradFunc: (dy, saved) => {
      const [x, w] = saved as [tf.Tensor3D, tf.Tensor2D];
      const [b, L, F] = x.shape;
      const dz = dy as tf.Tensor2D;
      return {
        x: () => tf.transpose(tf.reshape(tf.matMul(dz, w, false, true), [L, b, F]), [1, 0, 2]),
        w: () => tf.engine().runKernel(PROJECT_WEIGHT_GRAD, { x, dz }) as tf.Tensor,
      };
    },
  });
}

/**
 * A recurrent layer's input projection x W for every step, time-major (L*b, G), from its batch-major window x (b, L, F),
 * on the fused WebGPU kernels: no transpose of the window, and products that suit a software adapter as well as a GPU
 * (recurrent_products.ts). Undefined where they don't run (not webgpu, the fused kernels turned off, or an output
 * beyond one storage binding); the layer then transposes and multiplies with tfjs.
 */
export function projectTimeMajorFused(x: tf.Tensor3D, w: tf.Tensor2D): tf.Tensor2D | undefined {
  if (tf.getBackend() !== "webgpu" || !fusedKernels()) return undefined;
  const [b, L, F] = x.shape;
  const G = w.shape[1];
  const limit = (tf.backend() as unknown as WebGpuBackendLike).device.limits.maxStorageBufferBindingSize;
  if (Math.max(L * b * G, b * L * F) * 4 > limit) return undefined;
  // the product's workgroups (recurrent_products.ts: tiles of 8 rows by at least 16 columns, at least 32 a workgroup)
  if (Math.ceil((L * b) / 8) * Math.ceil(G / 16) > 32 * (tf.backend() as unknown as WebGpuBackendLike).device.limits.maxComputeWorkgroupsPerDimension) {
    return undefined;
  }
  register();
  return tf.engine().runKernel(PROJECT_TIME_MAJOR, { x, w }) as tf.Tensor2D;
}
