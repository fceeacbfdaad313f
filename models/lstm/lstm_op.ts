import * as tf from "@tensorflow/tfjs";
import { tanh } from "../tfjs/fast_kernels.ts";
import { lstmSequenceFused } from "../tfjs/webgpu/lstm_fused.ts";
import { lstmShape } from "../tfjs/webgpu/lstm_kernels.ts";
import { planRecurrence, type RecurrentNote } from "../tfjs/webgpu/recurrent_plan.ts";

/**
 * The LSTM recurrence over a whole sequence as one differentiable op, forward and backward written
 * by hand (tf.customGrad). tfjs's LSTM layer runs a cell per step through autograd, which records
 * some 140 kernels per step and asks for transposed products in every backward step; here a step is
 * ~13 kernels forward and ~20 backward, the input projection (x W + b, all steps at once) stays
 * outside so autograd skips dx for raw data, and the weight gradient is one product at the end.
 *
 * Inputs: `xz` (L*b, 4H), the projected inputs, time-major (rows t*b .. t*b+b-1 are step t); `u`
 * (H, 4H), the recurrent kernel. Gate order i, f, o, g. Output: every step's hidden state, (L*b, H),
 * time-major. The state starts at zero. On webgpu, when the shape fits the device, the fused kernels
 * of models/tfjs/webgpu/lstm_kernels.ts run it instead; `note` hears which path ran there. The LSTM layer on wasm
 * (H a multiple of 4) takes models/tfjs/wasm/lstm_wasm.ts before it comes here.
 */
export function lstmSequence(xz: tf.Tensor2D, u: tf.Tensor2D, steps: number, note?: RecurrentNote): tf.Tensor2D {
  const plan = planRecurrence(lstmShape(u.shape[0], xz.shape[0] / steps, steps), note);
  if (plan) return lstmSequenceFused(xz, u, steps, plan);
  return tf.customGrad((...args) => recurrence(args[0] as tf.Tensor2D, args[1] as tf.Tensor2D, steps, args[2] as tf.GradSaveFunc))(xz, u) as tf.Tensor2D;
}

function recurrence(xz: tf.Tensor2D, u: tf.Tensor2D, steps: number, save: tf.GradSaveFunc) {
  const b = xz.shape[0] / steps, H = u.shape[0];
  let h: tf.Tensor = tf.zeros([b, H]), c: tf.Tensor = tf.zeros([b, H]);
  const hs: tf.Tensor[] = [], cs: tf.Tensor[] = [], sigs: tf.Tensor[] = [], gs: tf.Tensor[] = [], tcs: tf.Tensor[] = [];
  for (let t = 0; t < steps; t++) {
    const z = tf.add(tf.slice(xz, [t * b, 0], [b, 4 * H]), tf.matMul(h, u));
    const sig = tf.sigmoid(tf.slice(z, [0, 0], [b, 3 * H]));
    const g = tanh(tf.slice(z, [0, 3 * H], [b, H]));
    const [i, f, o] = tf.split(sig, 3, 1);
    cs.push(c);
    c = tf.add(tf.mul(f, c), tf.mul(i, g));
    const tc = tanh(c);
    h = tf.mul(o, tc);
    hs.push(h), sigs.push(sig), gs.push(g), tcs.push(tc);
  }
  const value = tf.concat(hs, 0);
  // tf.grads disposes the forward pass's intermediates; what the backward pass reads is saved.
  save([u, value, ...cs, ...sigs, ...gs, ...tcs]);
  const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
    const [u, value, ...rest] = saved;
    const [cPrev, sigs, gs, tcs] = [0, 1, 2, 3].map((k) => rest.slice(k * steps, (k + 1) * steps));
    const uT = tf.transpose(u);
    let dh: tf.Tensor = tf.zeros([b, H]), dc: tf.Tensor = tf.zeros([b, H]);
    const dzs: tf.Tensor[] = new Array(steps);
    for (let t = steps - 1; t >= 0; t--) {
      dh = tf.add(dh, tf.slice(dy, [t * b, 0], [b, H]));
      const [i, f, o] = tf.split(sigs[t], 3, 1);
      const tc = tcs[t], g = gs[t];
      dc = tf.add(dc, tf.mul(tf.mul(dh, o), tf.sub(1, tf.square(tc))));
      const dSig = tf.concat([tf.mul(dc, g), tf.mul(dc, cPrev[t]), tf.mul(dh, tc)], 1);
      const dz = tf.concat([tf.mul(dSig, tf.mul(sigs[t], tf.sub(1, sigs[t]))), tf.mul(tf.mul(dc, i), tf.sub(1, tf.square(g)))], 1);
      dzs[t] = dz;
      dc = tf.mul(dc, f);
      dh = tf.matMul(dz, uT);
    }
    const dxz = tf.concat(dzs, 0);
    // h_{t-1} for every step, time-major: zeros, then the outputs but the last.
    const hPrev = tf.concat([tf.zeros([b, H]), tf.slice(value, [0, 0], [(steps - 1) * b, H])], 0);
    return [dxz, tf.matMul(hPrev, dxz, true, false)];
  };
  return { value, gradFunc };
}
