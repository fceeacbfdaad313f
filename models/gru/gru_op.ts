import * as tf from "@tensorflow/tfjs";
import { tanh } from "../tfjs/fast_kernels.ts";
import { gruSequenceFused } from "../tfjs/webgpu/gru_fused.ts";
import { gruShape } from "../tfjs/webgpu/gru_kernels.ts";
import { planRecurrence, type RecurrentNote } from "../tfjs/webgpu/recurrent_plan.ts";

/**
 * The GRU recurrence over a whole sequence as one hand-differentiated op (tf.customGrad), for the
 * reasons given in models/lstm/lstm_op.ts. The cell is the "reset after" GRU of cuDNN and PyTorch,
 * which needs a single h U product per step:
 *   r, z = sigmoid(xz_r + hz_r), sigmoid(xz_z + hz_z);  n = tanh(xz_n + r * hz_n);  h' = n + z (h - n)
 * where hz = h U + bh. Inputs: `xz` (L*b, 3H), projected inputs with their bias, time-major; `u`
 * (H, 3H); `bh` (3H), the recurrent bias. Gate order r, z, n. Output: every step's hidden state,
 * (L*b, H), time-major, from a zero state. On webgpu, when the shape fits the device, the fused kernels
 * of models/tfjs/webgpu/gru_kernels.ts run it instead; `note` hears which path ran there. The GRU layer on wasm
 * (H a multiple of 4) takes models/tfjs/wasm/gru_wasm.ts before it comes here.
 */
export function gruSequence(xz: tf.Tensor2D, u: tf.Tensor2D, bh: tf.Tensor1D, steps: number, note?: RecurrentNote): tf.Tensor2D {
  const plan = planRecurrence(gruShape(u.shape[0], xz.shape[0] / steps, steps), note);
  if (plan) return gruSequenceFused(xz, u, bh, steps, plan);
  const op = tf.customGrad((...args) => recurrence(args[0] as tf.Tensor, args[1] as tf.Tensor, args[2] as tf.Tensor, steps, args[3] as tf.GradSaveFunc));
  return op(xz, u, bh) as tf.Tensor2D;
}

function recurrence(xz: tf.Tensor, u: tf.Tensor, bh: tf.Tensor, steps: number, save: tf.GradSaveFunc) {
  const b = xz.shape[0] / steps, H = u.shape[0];
  let h: tf.Tensor = tf.zeros([b, H]);
  const hs: tf.Tensor[] = [], rzs: tf.Tensor[] = [], hns: tf.Tensor[] = [], ns: tf.Tensor[] = [];
  for (let t = 0; t < steps; t++) {
    const xs = tf.slice(xz, [t * b, 0], [b, 3 * H]);
    const hz = tf.add(tf.matMul(h, u), bh);
    const rz = tf.sigmoid(tf.add(tf.slice(xs, [0, 0], [b, 2 * H]), tf.slice(hz, [0, 0], [b, 2 * H])));
    const [r, z] = tf.split(rz, 2, 1);
    const hn = tf.slice(hz, [0, 2 * H], [b, H]);
    const n = tanh(tf.add(tf.slice(xs, [0, 2 * H], [b, H]), tf.mul(r, hn)));
    h = tf.add(n, tf.mul(z, tf.sub(h, n)));
    hs.push(h), rzs.push(rz), hns.push(hn), ns.push(n);
  }
  const value = tf.concat(hs, 0);
  // tf.grads disposes the forward pass's intermediates; what the backward pass reads is saved.
  save([u, value, ...rzs, ...hns, ...ns]);
  const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
    const [u, value, ...rest] = saved;
    const [rzs, hns, ns] = [0, 1, 2].map((k) => rest.slice(k * steps, (k + 1) * steps));
    const uT = tf.transpose(u);
    let dh: tf.Tensor = tf.zeros([b, H]);
    const dxs: tf.Tensor[] = new Array(steps), dhzs: tf.Tensor[] = new Array(steps);
    for (let t = steps - 1; t >= 0; t--) {
      dh = tf.add(dh, tf.slice(dy, [t * b, 0], [b, H]));
      const hPrev = t > 0 ? tf.slice(value, [(t - 1) * b, 0], [b, H]) : tf.zeros([b, H]);
      const [r, z] = tf.split(rzs[t], 2, 1);
      const n = ns[t];
      const dnPre = tf.mul(tf.mul(dh, tf.sub(1, z)), tf.sub(1, tf.square(n)));
      const drz = tf.mul(tf.concat([tf.mul(dnPre, hns[t]), tf.mul(dh, tf.sub(hPrev, n))], 1), tf.mul(rzs[t], tf.sub(1, rzs[t])));
      dxs[t] = tf.concat([drz, dnPre], 1);
      dhzs[t] = tf.concat([drz, tf.mul(dnPre, r)], 1);
      dh = tf.add(tf.mul(dh, z), tf.matMul(dhzs[t], uT));
    }
    const dhz = tf.concat(dhzs, 0);
    const hPrevAll = tf.concat([tf.zeros([b, H]), tf.slice(value, [0, 0], [(steps - 1) * b, H])], 0);
    return [tf.concat(dxs, 0), tf.matMul(hPrevAll, dhz, true, false), tf.sum(dhz, 0)];
  };
  return { value, gradFunc };
}
