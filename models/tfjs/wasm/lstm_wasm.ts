import * as tf from "@tensorflow/tfjs";
import { hostStorage } from "../host_storage.ts";
import { heapModule } from "./heap_module.ts";
import { LSTM_KERNELS_WASM } from "./lstm_kernels_wasm.ts";

// On wasm, the unfused recurrence (models/lstm/lstm_op.ts) runs ~13 tfjs kernels a step forward and ~20 backward, each
// through the engine and several (sigmoid, square, the products) handed to XNNPACK's thread pool, whose hand-off alone
// can cost a millisecond when the cores are busy. Here a step is two calls of SIMD kernels (lstm_kernels.wat) on the
// backend's heap: the product (h U forward, dz U^T backward; (256, 64) by (64, 256) is too small for the pool to pay
// off: ~1 ms a product through XNNPACK with 2 threads on these busy cores), then everything pointwise, which writes
// the saved gates and states straight into whole-sequence tensors: no per-step tensors, slices, splits or concats.

type Info = tf.TensorInfo;
/** The backend call this needs: freeing its temporaries. */
interface Backend {
  disposeData(id: object): void;
}

/**
 * The LSTM recurrence over a whole sequence (lstm_op.ts's contract: `xz` (L*b, 4H) time-major projected inputs, gate
 * order i, f, o, g; `u` (H, 4H); every step's hidden state (L*b, H) time-major, from a zero state) as one
 * differentiable op on the wasm backend; undefined elsewhere, or when H is not a multiple of 16 (the product kernel's
 * block of columns).
 */
export function lstmSequenceWasm(xz: tf.Tensor2D, u: tf.Tensor2D, steps: number): tf.Tensor2D | undefined {
  const H = u.shape[0];
  if (tf.getBackend() !== "wasm" || H % 16 !== 0) return undefined;
  return tf.customGrad((...args) => recurrence(args[0] as tf.Tensor2D, args[1] as tf.Tensor2D, steps, args[2] as tf.GradSaveFunc))(xz, u) as tf.Tensor2D;
}

function recurrence(xz: tf.Tensor2D, u: tf.Tensor2D, steps: number, save: tf.GradSaveFunc) {
  const backend = tf.backend() as unknown as Backend;
  const storage = hostStorage("wasm", backend)!;
  const { exports, offset } = heapModule(LSTM_KERNELS_WASM, backend);
  const [forward, backward, gemm] = [exports.forward, exports.backward, exports.gemm] as ((...args: number[]) => void)[];
  const b = xz.shape[0] / steps, H = u.shape[0];
  const make = (rows: number, cols: number, fill?: number) => storage.make([rows, cols], "float32", fill).info;
  // Saved for the backward pass: every step's gates (sigmoids of i, f, o; tanh of g), cell states and their tanh.
  const sigs = make(steps * b, 3 * H), gs = make(steps * b, H), cs = make(steps * b, H), tcs = make(steps * b, H), hs = make(steps * b, H);
  const zero = make(b, H, 0), h = make(b, H), hu = make(b, 4 * H, 0);
  const rowBytes = (cols: number) => b * cols * 4;
  for (let t = 0; t < steps; t++) {
    // h_0 U is zero, as hu starts
    if (t > 0) gemm(offset(h), offset(u), offset(hu), b, H, 4 * H, 4 * H, 4, 0);
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
    // dhu: the next step's dz U^T, zero after the last step; dU = sum over steps of h_{t-1}^T dz_t, accumulated here
    // rather than as one product after, which would pack or transpose all of dxz (L*b, 4H) in XNNPACK
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
      if (t > 0) {
        gemm(offset(dz), offset(uT), offset(dhu), b, 4 * H, H, 16 * H, 4, 0);
        // h_{t-1}^T dz_t: h_{t-1} (b, H) read transposed
        gemm(offset(value) + (t - 1) * rowBytes(H), offset(dz), offset(du), H, b, 4 * H, 4, 4 * H, 1);
      }
    }
    for (const temp of [dz, dc, dhu]) backend.disposeData(temp.dataId);
    return [tensor(dxz), tensor(du)];
  };
  return { value, gradFunc };
}
