import * as tf from "@tensorflow/tfjs";
import { GRU_BACKWARD, GRU_FORWARD, registerGruKernels } from "./gru_kernels.ts";
import type { RecurrentPlan } from "./recurrent_plan.ts";

/**
 * gruSequence (models/gru/gru_op.ts) on the fused WebGPU kernels: the whole window's recurrence in
 * one dispatch forward and one backward, plus a product for dU and a sum for dbh. Same inputs,
 * output and gate order; `plan` comes from planRecurrence with gruShape.
 */
export function gruSequenceFused(xz: tf.Tensor2D, u: tf.Tensor2D, bh: tf.Tensor1D, steps: number, plan: RecurrentPlan): tf.Tensor2D {
  registerGruKernels();
  const attrs = { steps, rows: plan.rows };
  const op = tf.customGrad((...args) => {
    const [x, w, bias, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
    const b = x.shape[0] / steps, H = w.shape[0], n = steps * b;
    const record = tf.engine().runKernel(GRU_FORWARD, { xz: x, u: w, bh: bias }, attrs) as tf.Tensor2D;
    save([w, record]);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [w, record] = saved as tf.Tensor2D[];
      const both = tf.engine().runKernel(GRU_BACKWARD, { dy, ys: record, uT: tf.transpose(w) }, attrs) as tf.Tensor2D;
      const dhz = tf.slice(both, [n, 0], [n, 3 * H]);
      // dU = sum over t >= 1 of h_{t-1}^T dhz_t (h_{-1} = 0): the first L-1 steps' h against the last L-1 steps' dhz.
      const du = steps === 1 ? tf.zerosLike(w) : tf.matMul(tf.slice(record, [0, 0], [n - b, H]), tf.slice(both, [n + b, 0], [n - b, 3 * H]), true, false);
      return [tf.slice(both, [0, 0], [n, 3 * H]), du, tf.sum(dhz, 0)];
    };
    return { value: tf.slice(record, [0, 0], [n, H]), gradFunc };
  });
  return op(xz, u, bh) as tf.Tensor2D;
}
