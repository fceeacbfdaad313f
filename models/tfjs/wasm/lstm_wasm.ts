import * as tf from "@tensorflow/tfjs";
import { hostStorage } from "../host_storage.ts";
import { heapModule } from "./heap_module.ts";
import { LSTM_KERNELS_WASM } from "./lstm_kernels_wasm.ts";
import { gemmAt } from "./gemm.ts";

// On wasm, the unfused recurrence (models/lstm/lstm_op.ts) runs ~13 tfjs kernels a step forward and ~20 backward, each
// through the engine. Here a step is two calls on the backend's heap: the product (h U forward, dz U^T backward) by
// gemm.wat over the product helpers (gemm.ts's gemmAt), then everything pointwise in one SIMD kernel (lstm_kernels.wat),
// which writes the saved gates and states straight into whole-sequence tensors: no per-step tensors, slices, splits or
// concats. The recurrent weights' gradient is one product over all steps after the loop.

type Info = tf.TensorInfo;
/** The backend call this needs: freeing its temporaries. */
interface Backend {
  disposeData(id: object): void;
}

/**
 * The LSTM recurrence over a whole sequence (lstm_op.ts's contract: `xz` (L*b, 4H) time-major projected inputs, gate
 * order i, f, o, g; `u` (H, 4H); every step's hidden state (L*b, H) time-major, from a zero state) as one
 * differentiable op on the wasm backend; undefined elsewhere, or when H is not a multiple of 4 (the pointwise kernels'
 * SIMD lanes).
 */
export function lstmSequenceWasm(xz: tf.Tensor2D, u: tf.Tensor2D, steps: number): tf.Tensor2D | undefined {
  const H = u.shape[0];
  if (tf.getBackend() !== "wasm" || H % 4 !== 0) return undefined;
  return tf.customGrad((...args) => recurrence(args[0] as tf.Tensor2D, args[1] as tf.Tensor2D, steps, args[2] as tf.GradSaveFunc))(xz, u) as tf.Tensor2D;
}

function recurrence(xz: tf.Tensor2D, u: tf.Tensor2D, steps: number, save: tf.GradSaveFunc) {
  const backend = tf.backend() as unknown as Backend;
  const storage = hostStorage("wasm", backend)!;
  const { exports, offset } = heapModule(LSTM_KERNELS_WASM, backend);
  const [forward, backward] = [exports.forward, exports.backward] as ((...args: number[]) => void)[];
  const b = xz.shape[0] / steps, H = u.shape[0];
  const make = (rows: number, cols: number, fill?: number) => storage.make([rows, cols], "float32", fill).info;
  // Saved for the backward pass: every step's gates (sigmoids of i, f, o; tanh of g), cell states and their tanh.
  const sigs = make(steps * b, 3 * H), gs = make(steps * b, H), cs = make(steps * b, H), tcs = make(steps * b, H), hs = make(steps * b, H);
  const zero = make(b, H, 0), h = make(b, H), hu = make(b, 4 * H, 0);
  const rowBytes = (cols: number) => b * cols * 4;
  for (let t = 0; t < steps; t++) {
    // h_0 U is zero, as hu starts
    if (t > 0) gemmAt(backend, { a: offset(h), b: offset(u), c: offset(hu), M: b, K: H, N: 4 * H, ars: 4 * H, acs: 4, brs: 16 * H, bcs: 4, ldc: 16 * H });
    const cPrev = t === 0 ? offset(zero) : offset(cs) + (t - 1) * rowBytes(H);
    forward(
      offset(xz) + t * rowBytes(4 * H),
      offset(hu),
      cPrev,
      offset(sigs) + t * rowBytes(3 * H),
      offset(gs) + t * rowBytes(H),
      offset(cs) + t * rowBytes(H),
      offset(tcs) + t * rowBytes(H),
      offset(h),
      offset(hs) + t * rowBytes(H),
      b,
      H,
    );
  }
  for (const temp of [h, hu]) backend.disposeData(temp.dataId);
  const tensor = (info: Info) => tf.engine().makeTensorFromTensorInfo(info);
  const value = tensor(hs) as tf.Tensor2D;
  save([u, value, tensor(sigs), tensor(gs), tensor(cs), tensor(tcs), tensor(zero)]);
  const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
    const [u, value, sigs, gs, cs, tcs, zero] = saved;
    const uT = tf.transpose(u);
    // dhu: the next step's dz U^T, zero after the last step
    const dxz = make(steps * b, 4 * H), dz = make(b, 4 * H), dc = make(b, H, 0), dhu = make(b, H, 0), du = make(H, 4 * H, 0);
    for (let t = steps - 1; t >= 0; t--) {
      backward(
        offset(dy) + t * rowBytes(H),
        offset(dhu),
        offset(dc),
        offset(sigs) + t * rowBytes(3 * H),
        offset(gs) + t * rowBytes(H),
        t === 0 ? offset(zero) : offset(cs) + (t - 1) * rowBytes(H),
        offset(tcs) + t * rowBytes(H),
        offset(dz),
        offset(dxz) + t * rowBytes(4 * H),
        b,
        H,
      );
      if (t > 0) gemmAt(backend, { a: offset(dz), b: offset(uT), c: offset(dhu), M: b, K: 4 * H, N: H, ars: 16 * H, acs: 4, brs: 4 * H, bcs: 4, ldc: 4 * H });
    }
    // dU = sum over steps t > 0 of h_{t-1}^T dz_t: the states of steps 0 .. L-2, read transposed, times dxz's rows of
    // steps 1 .. L-1, one product
    if (steps > 1) {
      const K = (steps - 1) * b;
      gemmAt(backend, {
        a: offset(value),
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
    for (const temp of [dz, dc, dhu]) backend.disposeData(temp.dataId);
    return [tensor(dxz), tensor(du)];
  };
  return { value, gradFunc };
}
