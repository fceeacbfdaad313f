import * as tf from "@tensorflow/tfjs";
import { KINDS } from "./heap_threads.ts";
import { recurrenceHeap, wasmRecurrence } from "./recurrent_wasm.ts";
import { byRows } from "./row_blocks.ts";
import type { RecurrentNote } from "../webgpu/recurrent_plan.ts";

// On wasm, the unfused recurrence (models/lstm/lstm_op.ts) runs ~13 tfjs kernels a step forward and ~20 backward, each
// through the engine. Here a step is two calls on the backend's heap: the product (h U forward, dz U^T backward) by
// gemm.wat, then everything pointwise in one SIMD kernel (recurrent_kernels.wat), which writes the saved gates and states
// straight into whole-sequence tensors: no per-step tensors, slices, splits or concats. The batch's rows are cut into
// blocks that the threads run whole sequences of (row_blocks.ts, recurrent_rows.ts). The recurrent weights' gradient is one product over
// all steps after the loop.

/**
 * The LSTM recurrence over a whole sequence as one differentiable op on the wasm backend, for the LSTM layer
 * (FusedLstm.fusedRecurrence) as the webgpu kernels' lstmLayerFused: `xw` (L*b, 4H) time-major projected inputs
 * without their bias, gate order i, f, o, g; `u` (H, 4H); `bias` (4H), added by the kernel as it reads xw (no pass of
 * its own over (L*b, 4H)); every step's hidden state (L*b, H) time-major from a zero state, or with `last` the last
 * step's (b, H) alone (no slice forward, no pad backward); `note` hears the path. Undefined elsewhere, or when H is not
 * a multiple of 4 (the pointwise kernels' SIMD lanes).
 */
export function lstmSequenceWasm(
  xw: tf.Tensor2D,
  u: tf.Tensor2D,
  steps: number,
  { bias, last }: { bias: tf.Tensor1D; last: boolean },
  note?: RecurrentNote,
): tf.Tensor2D | undefined {
  if (!wasmRecurrence(u.shape[0], note)) return undefined;
  const op = tf.customGrad((...args) => {
    const [x, w, c, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
    return recurrence(x, w, c, steps, last, save);
  });
  return op(xw, u, bias) as tf.Tensor2D;
}

function recurrence(xz: tf.Tensor2D, u: tf.Tensor2D, bias: tf.Tensor1D, steps: number, last: boolean, save: tf.GradSaveFunc) {
  const heap = recurrenceHeap(u, steps, xz.shape[0], 4);
  const { backend, b, H, make, offset, tensor, dispose } = heap;
  // Saved for the backward pass: every step's gates (sigmoids of i, f, o; tanh of g), cell states and their tanh.
  const sigs = make(steps * b, 3 * H), gs = make(steps * b, H), cs = make(steps * b, H), tcs = make(steps * b, H), hs = make(steps * b, H);
  // h_0 U is zero, as hu starts
  const zero = make(b, H, 0), h = make(b, H), hu = make(b, 4 * H, 0);
  const packedU = heap.packU(u);
  byRows(backend, b, (r0, n) => ({
    kind: KINDS.lstmForward,
    args: [
      offset(xz),
      offset(u),
      offset(zero),
      offset(sigs),
      offset(gs),
      offset(cs),
      offset(tcs),
      offset(h),
      offset(hs),
      offset(hu),
      b,
      H,
      steps,
      r0,
      n,
      offset(packedU),
      offset(bias),
    ],
  }));
  // after the last step h holds its states: the output with `last`
  dispose(hu, packedU, ...(last ? [] : [h]));
  const states = tensor(hs) as tf.Tensor2D;
  save([u, states, tensor(sigs), tensor(gs), tensor(cs), tensor(tcs), tensor(zero)]);
  const value = last ? tensor(h) as tf.Tensor2D : states;
  const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
    const [u, states, sigs, gs, cs, tcs, zero] = saved;
    // dhu: the next step's dz U^T, zero after the last step
    const dxz = make(steps * b, 4 * H), dz = make(b, 4 * H), dc = make(b, H, 0), dhu = make(b, H, 0), du = make(H, 4 * H, 0);
    const packedUT = heap.packUT(u);
    byRows(backend, b, (r0, n) => ({
      kind: KINDS.lstmBackward,
      args: [
        offset(dy),
        offset(dhu),
        offset(dc),
        offset(sigs),
        offset(gs),
        offset(cs),
        offset(zero),
        offset(tcs),
        offset(dz),
        offset(dxz),
        offset(u),
        b,
        H,
        steps,
        r0,
        n,
        offset(packedUT),
        last ? 1 : 0,
      ],
    }));
    heap.weightGrad(states, dxz, du);
    dispose(dz, dc, dhu, packedUT);
    const dxzT = tensor(dxz);
    // xz = the projection + bias: the bias's gradient is dxz summed over every step's rows
    return [dxzT, tensor(du), tf.sum(dxzT, 0)];
  };
  return { value, gradFunc };
}
