import * as tf from "@tensorflow/tfjs";
import { LSTM_BACKWARD, LSTM_FORWARD, registerLstmKernels } from "./lstm_kernels.ts";
import type { RecurrentPlan } from "./recurrent_plan.ts";

/**
 * lstmSequence (models/lstm/lstm_op.ts) on the fused WebGPU kernels: the whole window's recurrence
 * in one dispatch forward and one backward, plus a product for dU. Same inputs, output and gate
 * order; `plan` comes from planRecurrence with lstmShape.
 */
export function lstmSequenceFused(xz: tf.Tensor2D, u: tf.Tensor2D, steps: number, plan: RecurrentPlan): tf.Tensor2D {
  registerLstmKernels();
  const attrs = { steps, rows: plan.rows };
  const op = tf.customGrad((...args) => {
    const [x, w, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
    const b = x.shape[0] / steps, H = w.shape[0];
    const record = tf.engine().runKernel(LSTM_FORWARD, { xz: x, u: w }, attrs) as tf.Tensor2D;
    save([w, record]);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [w, record] = saved as tf.Tensor2D[];
      const dz = tf.engine().runKernel(LSTM_BACKWARD, { dy, ys: record, uT: tf.transpose(w) }, attrs) as tf.Tensor2D;
      // dU = sum over t >= 1 of h_{t-1}^T dz_t (h_{-1} = 0): the first L-1 steps' h against the last L-1 steps' dz.
      const du = steps === 1
        ? tf.zerosLike(w)
        : tf.matMul(tf.slice(record, [0, 0], [(steps - 1) * b, H]), tf.slice(dz, [b, 0], [(steps - 1) * b, 4 * H]), true, false);
      return [dz, du];
    };
    return { value: tf.slice(record, [0, 0], [steps * b, H]), gradFunc };
  });
  return op(xz, u) as tf.Tensor2D;
}
