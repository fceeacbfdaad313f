import * as tf from "@tensorflow/tfjs";
import { hostStorage } from "../host_storage.ts";
import { heapModule } from "./heap_module.ts";
import { RECURRENT_KERNELS_WASM } from "./recurrent_kernels_wasm.ts";
import { gemmAt, packInto } from "./gemm.ts";
import { KINDS } from "./heap_threads.ts";
import { byRows } from "./row_blocks.ts";
import type { RecurrentNote } from "../webgpu/recurrent_plan.ts";

// The GRU's recurrence on wasm as the LSTM's (lstm_wasm.ts): a step is the product h U (gemm.wat) and one pointwise
// SIMD kernel (recurrent_kernels.wat's gru_forward), which writes the saved gates and states straight into
// whole-sequence tensors; backward, the kernel writes the inputs' and the recurrent product's gradients for every step
// and the next product reads its rows in place. The batch's rows are cut into blocks the threads run whole sequences
// of; U's gradient is one product over all steps after the loop.

type Info = tf.TensorInfo;
/** The backend call this needs: freeing its temporaries. */
interface Backend {
  disposeData(id: object): void;
}

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
  const H = u.shape[0];
  if (tf.getBackend() !== "wasm") return undefined;
  if (H % 4 !== 0) return void note?.(`tfjs ops (${H} units, not a multiple of 4)`);
  note?.("wasm kernel");
  const op = tf.customGrad((...args) => {
    const [x, w, c, d, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.Tensor1D, tf.GradSaveFunc];
    return recurrence(x, w, c, d, steps, last, save);
  });
  return op(xw, u, bias, bh) as tf.Tensor2D;
}

function recurrence(xw: tf.Tensor2D, u: tf.Tensor2D, bias: tf.Tensor1D, bh: tf.Tensor1D, steps: number, last: boolean, save: tf.GradSaveFunc) {
  const backend = tf.backend() as unknown as Backend;
  const storage = hostStorage("wasm", backend)!;
  const { offset } = heapModule(RECURRENT_KERNELS_WASM, backend);
  const b = xw.shape[0] / steps, H = u.shape[0];
  const make = (rows: number, cols: number, fill?: number) => storage.make([rows, cols], "float32", fill).info;
  // Saved for the backward pass: every step's r and z, h U + bh of the n gate, n, and the states.
  const rz = make(steps * b, 2 * H), hn = make(steps * b, H), ns = make(steps * b, H), hs = make(steps * b, H);
  // the state and h U both start at zero
  const zero = make(b, H, 0), h = make(b, H, 0), hz = make(b, 3 * H, 0);
  // U packed once for every step's h U (gemm.wat's layout: K = H rows, 3H columns in panels of 8)
  const packedU = make(H, 8 * Math.ceil((3 * H) / 8));
  packInto(backend, packedU, offset(u), H, 3 * H, 12 * H, 4);
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
  for (const temp of [hz, packedU, ...(last ? [] : [h])]) backend.disposeData(temp.dataId);
  const tensor = (info: Info) => tf.engine().makeTensorFromTensorInfo(info);
  const states = tensor(hs) as tf.Tensor2D;
  save([u, states, tensor(rz), tensor(hn), tensor(ns), tensor(zero)]);
  const value = last ? tensor(h) as tf.Tensor2D : states;
  const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
    const [u, states, rz, hn, ns, zero] = saved;
    // dhu: the later step's dhz U^T, carry: its dh z; both zero after the last step
    const dxz = make(steps * b, 3 * H), dhz = make(steps * b, 3 * H), dhu = make(b, H, 0), carry = make(b, H, 0), du = make(H, 3 * H, 0);
    // U^T packed once for every step's dhz U^T (K = 3H rows, H columns; 8 columns a panel, so H rounded up to 8)
    const packedUT = make(3 * H, 8 * Math.ceil(H / 8));
    // read from U in place: U^T (k, n) is U (n, k), at n 12H + k 4 bytes
    packInto(backend, packedUT, offset(u), 3 * H, H, 4, 12 * H);
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
    // dU = sum over steps t > 0 of h_{t-1}^T dhz_t (h_{-1} is zero): the states of steps 0 .. L-2, read transposed,
    // times dhz's rows of steps 1 .. L-1, one product
    if (steps > 1) {
      gemmAt(backend, {
        a: offset(states),
        b: offset(dhz) + b * 3 * H * 4,
        c: offset(du),
        M: H,
        K: (steps - 1) * b,
        N: 3 * H,
        ars: 4,
        acs: 4 * H,
        brs: 12 * H,
        bcs: 4,
        ldc: 12 * H,
      });
    }
    for (const temp of [dhu, carry, packedUT]) backend.disposeData(temp.dataId);
    const dxzT = tensor(dxz);
    // the biases' gradients: dxz and dhz summed over every step's rows
    return [dxzT, tensor(du), tf.sum(dxzT, 0), tf.sum(tensor(dhz), 0)];
  };
  return { value, gradFunc };
}
