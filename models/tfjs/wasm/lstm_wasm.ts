import * as tf from "@tensorflow/tfjs";
import { hostStorage } from "../host_storage.ts";
import { heapModule } from "./heap_module.ts";
import { RECURRENT_KERNELS_WASM } from "./recurrent_kernels_wasm.ts";
import { gemmAt, packInto } from "./gemm.ts";
import { KINDS } from "./heap_threads.ts";
import { byRows } from "./row_blocks.ts";
import type { RecurrentNote } from "../webgpu/recurrent_plan.ts";

// On wasm, the unfused recurrence (models/lstm/lstm_op.ts) runs ~13 tfjs kernels a step forward and ~20 backward, each
// through the engine. Here a step is two calls on the backend's heap: the product (h U forward, dz U^T backward) by
// gemm.wat, then everything pointwise in one SIMD kernel (recurrent_kernels.wat), which writes the saved gates and states
// straight into whole-sequence tensors: no per-step tensors, slices, splits or concats. The batch's rows are cut into
// blocks that the threads run whole sequences of (row_blocks.ts, recurrent_rows.ts). The recurrent weights' gradient is one product over
// all steps after the loop.

type Info = tf.TensorInfo;
/** The backend call this needs: freeing its temporaries. */
interface Backend {
  disposeData(id: object): void;
}

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
  const H = u.shape[0];
  if (tf.getBackend() !== "wasm") return undefined;
  if (H % 4 !== 0) return void note?.(`tfjs ops (${H} units, not a multiple of 4)`);
  note?.("wasm kernel");
  const op = tf.customGrad((...args) => {
    const [x, w, c, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
    return recurrence(x, w, c, steps, last, save);
  });
  return op(xw, u, bias) as tf.Tensor2D;
}

function recurrence(xz: tf.Tensor2D, u: tf.Tensor2D, bias: tf.Tensor1D, steps: number, last: boolean, save: tf.GradSaveFunc) {
  const backend = tf.backend() as unknown as Backend;
  const storage = hostStorage("wasm", backend)!;
  const { offset } = heapModule(RECURRENT_KERNELS_WASM, backend);
  const b = xz.shape[0] / steps, H = u.shape[0];
  const make = (rows: number, cols: number, fill?: number) => storage.make([rows, cols], "float32", fill).info;
  // Saved for the backward pass: every step's gates (sigmoids of i, f, o; tanh of g), cell states and their tanh.
  const sigs = make(steps * b, 3 * H), gs = make(steps * b, H), cs = make(steps * b, H), tcs = make(steps * b, H), hs = make(steps * b, H);
  // h_0 U is zero, as hu starts
  const zero = make(b, H, 0), h = make(b, H), hu = make(b, 4 * H, 0);
  // U packed once for every step's h U (gemm.wat's layout: K = H rows, 4H columns)
  const packedU = make(H, 4 * H);
  packInto(backend, packedU, offset(u), H, 4 * H, 16 * H, 4);
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
  for (const temp of [hu, packedU, ...(last ? [] : [h])]) backend.disposeData(temp.dataId);
  const tensor = (info: Info) => tf.engine().makeTensorFromTensorInfo(info);
  const states = tensor(hs) as tf.Tensor2D;
  save([u, states, tensor(sigs), tensor(gs), tensor(cs), tensor(tcs), tensor(zero)]);
  const value = last ? tensor(h) as tf.Tensor2D : states;
  const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
    const [u, states, sigs, gs, cs, tcs, zero] = saved;
    // dhu: the next step's dz U^T, zero after the last step
    const dxz = make(steps * b, 4 * H), dz = make(b, 4 * H), dc = make(b, H, 0), dhu = make(b, H, 0), du = make(H, 4 * H, 0);
    // U^T packed once for every step's dz U^T (K = 4H rows, H columns; 8 columns a panel, so H rounded up to 8)
    const packedUT = make(4 * H, 8 * Math.ceil(H / 8));
    // read from U in place: U^T (k, n) is U (n, k), at n 16H + k 4 bytes
    packInto(backend, packedUT, offset(u), 4 * H, H, 4, 16 * H);
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
    const rowBytes = (cols: number) => b * cols * 4;
    // dU = sum over steps t > 0 of h_{t-1}^T dz_t: the states of steps 0 .. L-2, read transposed, times dxz's rows of
    // steps 1 .. L-1, one product
    if (steps > 1) {
      const K = (steps - 1) * b;
      gemmAt(backend, {
        a: offset(states),
        b: offset(dxz) + rowBytes(4 * H),
        c: offset(du),
        M: H,
        K,
        N: 4 * H,
        ars: 4,
        acs: 4 * H,
        brs: 16 * H,
        bcs: 4,
        ldc: 16 * H,
      });
    }
    for (const temp of [dz, dc, dhu, packedUT]) backend.disposeData(temp.dataId);
    const dxzT = tensor(dxz);
    // xz = the projection + bias: the bias's gradient is dxz summed over every step's rows
    return [dxzT, tensor(du), tf.sum(dxzT, 0)];
  };
  return { value, gradFunc };
}
