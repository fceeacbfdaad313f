import * as tf from "@tensorflow/tfjs";
import { LSTM_BACKWARD, LSTM_FORWARD, lstmShape, registerLstmKernels } from "./lstm_kernels.ts";
import { recurrentWeightGrad } from "./recurrent_products.ts";
import { planRecurrence, type RecurrentNote, type RecurrentPlan } from "./recurrent_plan.ts";

/** What a fused recurrence adds to the op's own inputs: the input bias added in the kernel, and only the last step's state out. */
export interface RecurrentExtras {
  /** The gates' bias, added to xz inside the kernel (its gradient summed there too). */
  bias?: tf.Tensor1D;
  /** Output only the last step's state (b, H), not every step's (L*b, H). */
  last?: boolean;
}

/**
 * lstmSequence (models/lstm/lstm_op.ts) on the fused WebGPU kernels: the whole window's recurrence
 * in one dispatch forward (after U's layout kernel) and one backward, plus a product for dU from the
 * record (recurrent_products.ts; and, with a bias, one sum of the kernel's partial bias gradients). Same inputs, output and gate order; `plan` comes from planRecurrence
 * with lstmShape.
 */
export function lstmSequenceFused(xz: tf.Tensor2D, u: tf.Tensor2D, steps: number, plan: RecurrentPlan, extras: RecurrentExtras = {}): tf.Tensor2D {
  registerLstmKernels();
  const last = extras.last ?? false, withBias = extras.bias != null;
  const attrs = { steps, rows: plan.rows, per: plan.perInvocation, last, bias: withBias };
  const op = tf.customGrad((...args) => {
    const [x, w, ...rest] = args as tf.Tensor[];
    const save = rest.at(-1) as unknown as tf.GradSaveFunc;
    const inputs: tf.NamedTensorMap = withBias ? { xz: x, u: w, bias: rest[0] } : { xz: x, u: w };
    const [record, out] = tf.engine().runKernel(LSTM_FORWARD, inputs, attrs) as tf.Tensor[];
    save([w, record]);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [w, record] = saved;
      const [dz, dbias] = tf.engine().runKernel(LSTM_BACKWARD, { dy, ys: record, u: w }, attrs) as tf.Tensor[];
      // dU = sum over t of h_{t-1}^T dz_t, h_{-1} = 0, h read from the record one step back
      const du = tf.engine().makeTensorFromTensorInfo(recurrentWeightGrad(record, dz, w.shape[0], 0, steps));
      return withBias ? [dz, du, dbias] : [dz, du];
    };
    return { value: out, gradFunc };
  });
  return (withBias ? op(xz, u, extras.bias!) : op(xz, u)) as tf.Tensor2D;
}

/**
 * A FusedLstm layer's recurrence on the fused kernels, from its unbiased input projection `xw` (L*b, 4H), time-major:
 * the bias added in the kernel, every step's state (L*b, H) or with `last` the last step's (b, H); undefined where the
 * fused kernels don't run (not webgpu, turned off or beyond the device: `note` hears which).
 */
export function lstmLayerFused(
  xw: tf.Tensor2D,
  u: tf.Tensor2D,
  bias: tf.Tensor1D,
  steps: number,
  last: boolean,
  note?: RecurrentNote,
): tf.Tensor2D | undefined {
  const plan = planRecurrence(lstmShape(u.shape[0], xw.shape[0] / steps, steps), note);
  return plan ? lstmSequenceFused(xw, u, steps, plan, { bias, last }) : undefined;
}
