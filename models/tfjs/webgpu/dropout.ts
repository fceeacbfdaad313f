import * as tf from "@tensorflow/tfjs";
import { dispatchRaw, ELEMENTWISE_WG, elementwiseKernel, flatWorkgroups } from "./raw_dispatch.ts";

// tf.dropout is four dispatches forward (add, floor, divide, multiply) and one backward. Here it is one each, from
// the same random draws (tf.randomUniform with the same seed, made on the host as tf.dropout's are), so the mask and
// the values are tf.dropout's: floor(r + keep) / keep x x, in its order.

/** The forward kernel's name: x, r (uniform draws, x's shape) -> x x floor(r + keep) / keep. */
export const DROPOUT_FORWARD = "MfDropout";
/** The backward kernel's name: dy, r -> dy x floor(r + keep) / keep. */
export const DROPOUT_BACKWARD = "MfDropoutGrad";

const KERNEL = elementwiseKernel("mf_dropout", {
  inputs: ["x", "r"],
  fields: "keep : f32,",
  body: `
      result[index] = x[index] * (floor(r[index] + u.keep) / u.keep);`,
});

// forward and backward are the same product (x or dy times the scaled mask); two names keep the profile readable
function scaleByMask({ inputs, attrs }: { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const { x, r } = inputs as { x: tf.TensorInfo; r: tf.TensorInfo };
  const n = x.shape.reduce((p, d) => p * d, 1);
  return dispatchRaw(KERNEL, {
    outputs: [{ shape: x.shape }],
    inputs: [x, r],
    uniforms: [{ type: "int32", data: [n] }, { type: "float32", data: [attrs!.keep as number] }],
    workgroups: flatWorkgroups(n, ELEMENTWISE_WG),
  })[0];
}

function register(): void {
  if (tf.getKernel(DROPOUT_FORWARD, "webgpu")) return;
  tf.registerKernel({ kernelName: DROPOUT_FORWARD, backendName: "webgpu", kernelFunc: scaleByMask as unknown as tf.KernelFunc });
  tf.registerKernel({ kernelName: DROPOUT_BACKWARD, backendName: "webgpu", kernelFunc: scaleByMask as unknown as tf.KernelFunc });
}

/**
 * tf.dropout(x, rate, undefined, seed) in one WebGPU dispatch forward and one backward, with tf.dropout's draws and
 * arithmetic (the same values). The webgpu backend only; rate in (0, 1).
 *
 * @example
 * const y = dropoutFused(x, 0.2, "7:0");
 */
export function dropoutFused(x: tf.Tensor, rate: number, seed: string | number): tf.Tensor {
  register();
  const keep = 1 - rate;
  const r = tf.randomUniform(x.shape, 0, 1, "float32", seed);
  const op = tf.customGrad((...args) => {
    const [input, save] = args as [tf.Tensor, tf.GradSaveFunc];
    save([r]);
    return {
      value: tf.engine().runKernel(DROPOUT_FORWARD, { x: input, r }, { keep }) as tf.Tensor,
      gradFunc: (dy: tf.Tensor, [mask]: tf.Tensor[]) => tf.engine().runKernel(DROPOUT_BACKWARD, { x: dy, r: mask }, { keep }) as tf.Tensor,
    };
  });
  const out = op(x) as tf.Tensor;
  r.dispose();
  return out;
}
