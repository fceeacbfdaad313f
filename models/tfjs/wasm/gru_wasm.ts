import * as tf from "@tensorflow/tfjs";
import { KINDS } from "./heap_threads.ts";
import { recurrenceHeap, wasmRecurrence } from "./recurrent_wasm.ts";
import { byRows } from "./row_blocks.ts";
import type { RecurrentNote } from "../webgpu/recurrent_plan.ts";

// The GRU's recurrence on wasm as the LSTM's (lstm_wasm.ts): a step is the product h U (gemm.wat) and one pointwise
// SIMD kernel (recurrent_kernels.wat's gru_forward), which writes the saved gates and states straight into
// whole-sequence tensors; backward, the kernel writes the inputs' and the recurrent product's gradients for every step
// and the next product reads its rows in place. The batch's rows are cut into blocks the threads run whole sequences
// of; U's gradient is one product over all steps after the loop.

/**
 * The GRU recurrence ("reset after", models/gru/gru_op.ts) over a whole sequence as one differentiable op on the wasm
 * backend, for the GRU layer (FusedGru.fusedRecurrence) as the webgpu kernels' gruLayerFused: `xw` (L*b, 3H) time-major
 * projected inputs without their bias, gate order r, z, n; `u` (H, 3H); `bias` (3H), the projection's, and `bh` (3H),
 * the recurrent one, both added by the kernel as it reads; every step's hidden state (L*b, H) time-major from a zero
 * state, or with `last` the last step's (b, H) alone; `note` hears the path. Undefined elsewhere, or when H is not a
 * multiple of 4 (the pointwise kernels' SIMD lanes).
 */
export function gruSequenceWasm(
  xw: tf.Tensor2D,
  u: tf.Tensor2D,
  steps: number,
  { bias, bh, last }: { bias: tf.Tensor1D; bh: tf.Tensor1D; last: boolean },
  note?: RecurrentNote,
): tf.Tensor2D | undefined {
  if (!wasmRecurrence(u.shape[0], note)) return undefined;
  const op = tf.customGrad((...args) => {
    const [x, w, c, d, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.Tensor1D, tf.GradSaveFunc];
    return recurrence(x, w, c, d, steps, last, save);
  });
  return op(xw, u, bias, bh) as tf.Tensor2D;
}

function recurrence(xw: tf.Tensor2D, u: tf.Tensor2D, bias: tf.Tensor1D, bh: tf.Tensor1D, steps: number, last: boolean, save: tf.GradSaveFunc) {
  const heap = recurrenceHeap(u, steps, xw.shape[0], 3);
  const { backend, b, H, make, offset, tensor, dispose } = heap;
  // Saved for the backward pass: every step's r and z, h U + bh of the n gate, n, and the states.
  const rz = make(steps * b, 2 * H), hn = make(steps * b, H), ns = make(steps * b, H), hs = make(steps * b, H);
  // the state and h U both start at zero
  const zero = make(b, H, 0), h = make(b, H, 0), hz = make(b, 3 * H, 0);
  const packedU = heap.packU(u);
  byRows(backend, b, (r0, n) => ({
    kind: KINDS.gruForward,
    args: [
      offset(xw),
      offset(u),
      offset(hz),
      offset(bias),
      offset(bh),
      offset(rz),
      offset(hn),
      offset(ns),
      offset(h),
      offset(hs),
      b,
      H,
      steps,
      r0,
      n,
      offset(packedU),
    ],
  }));
  // after the last step h holds its states: the output with `last`
  dispose(hz, packedU, ...(last ? [] : [h]));
  const states = tensor(hs) as tf.Tensor2D;
  save([u, states, tensor(rz), tensor(hn), tensor(ns), tensor(zero)]);
  const value = last ? tensor(h) as tf.Tensor2D : states;
  const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
    const [u, states, rz, hn, ns, zero] = saved;
    // dhu: the later step's dhz U^T, carry: its dh z; both zero after the last step
    const dxz = make(steps * b, 3 * H), dhz = make(steps * b, 3 * H), dhu = make(b, H, 0), carry = make(b, H, 0), du = make(H, 3 * H, 0);
    const packedUT = heap.packUT(u);
    byRows(backend, b, (r0, n) => ({
      kind: KINDS.gruBackward,
      args: [
        offset(dy),
        offset(dhu),
        offset(carry),
        offset(rz),
        offset(hn),
        offset(ns),
        offset(states),
        offset(zero),
        offset(dxz),
        offset(dhz),
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
    heap.weightGrad(states, dhz, du);
    dispose(dhu, carry, packedUT);
    const dxzT = tensor(dxz);
    // the biases' gradients: dxz and dhz summed over every step's rows
    return [dxzT, tensor(du), tf.sum(dxzT, 0), tf.sum(tensor(dhz), 0)];
  };
  return { value, gradFunc };
}
