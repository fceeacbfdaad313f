import * as tf from "@tensorflow/tfjs";
import { GRU_BACKWARD, GRU_FORWARD, gruShape, registerGruKernels } from "./gru_kernels.ts";
import type { RecurrentExtras } from "./lstm_fused.ts";
import { recurrentWeightGrad } from "./recurrent_products.ts";
import { planRecurrence, type RecurrentNote, type RecurrentPlan } from "./recurrent_plan.ts";

/**
 * gruSequence (models/gru/gru_op.ts) on the fused WebGPU kernels: the whole window's recurrence in
 * one dispatch forward and one backward (which also sums dbh and, with a bias, the input bias's
 * gradient in one more), plus a product for dU. Same inputs, output and gate order; `plan` comes
 * from planRecurrence with gruShape.
 */
export function gruSequenceFused(
  xz: tf.Tensor2D,
  u: tf.Tensor2D,
  bh: tf.Tensor1D,
  steps: number,
  plan: RecurrentPlan,
  extras: RecurrentExtras = {},
): tf.Tensor2D {
  registerGruKernels();
  const last = extras.last ?? false, withBias = extras.bias != null;
  const attrs = { steps, rows: plan.rows, per: plan.perInvocation, last, bias: withBias };
  const op = tf.customGrad((...args) => {
    const [x, w, recurrentBias, ...rest] = args as tf.Tensor[];
    const save = rest.at(-1) as unknown as tf.GradSaveFunc;
    const inputs: tf.NamedTensorMap = withBias ? { xz: x, u: w, bh: recurrentBias, bias: rest[0] } : { xz: x, u: w, bh: recurrentBias };
    const [record, out] = tf.engine().runKernel(GRU_FORWARD, inputs, attrs) as tf.Tensor[];
    save([w, record]);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [w, record] = saved;
      const [dxz, dhz, dbh, dbias] = tf.engine().runKernel(GRU_BACKWARD, { dy, ys: record, u: w }, attrs) as tf.Tensor[];
      // dU = sum over t of h_{t-1}^T dhz_t, h_{-1} = 0, h read from the record one step back
      const du = tf.engine().makeTensorFromTensorInfo(recurrentWeightGrad(record, dhz, w.shape[0], 0, steps));
      return withBias ? [dxz, du, dbh, dbias] : [dxz, du, dbh];
    };
    return { value: out, gradFunc };
  });
  return (withBias ? op(xz, u, bh, extras.bias!) : op(xz, u, bh)) as tf.Tensor2D;
}

/**
 * A FusedGru layer's recurrence on the fused kernels, from its unbiased input projection `xw` (L*b, 3H), time-major:
 * the input bias added in the kernel, every step's state (L*b, H) or with `last` the last step's (b, H); undefined
 * where the fused kernels don't run (not webgpu, turned off or beyond the device: `note` hears which).
 */
export function gruLayerFused(
  xw: tf.Tensor2D,
  u: tf.Tensor2D,
  bh: tf.Tensor1D,
  bias: tf.Tensor1D,
  steps: number,
  last: boolean,
  note?: RecurrentNote,
): tf.Tensor2D | undefined {
  const plan = planRecurrence(gruShape(u.shape[0], xw.shape[0] / steps, steps), note);
  return plan ? gruSequenceFused(xw, u, bh, steps, plan, { bias, last }) : undefined;
}
