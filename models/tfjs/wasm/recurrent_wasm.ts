import * as tf from "@tensorflow/tfjs";
import { hostStorage } from "../host_storage.ts";
import { heapModule } from "./heap_module.ts";
import { RECURRENT_KERNELS_WASM } from "./recurrent_kernels_wasm.ts";
import { gemmAt, packInto } from "./gemm.ts";
import type { RecurrentNote } from "../webgpu/recurrent_plan.ts";

// What the LSTM's and the GRU's recurrences on wasm (lstm_wasm.ts, gru_wasm.ts) share: whether the kernels take the
// layer, the heap they work on, U packed for the steps' products both ways, and U's gradient as one product over all
// steps. A cell has G gates: U is (H, G H).

/** The backend call the recurrences need: freeing their temporaries. */
interface Backend {
  disposeData(id: object): void;
}

/** Whether the wasm kernels run this layer (the wasm backend, H a multiple of the SIMD lanes); `note` hears the path. */
export function wasmRecurrence(H: number, note?: RecurrentNote): boolean {
  if (tf.getBackend() !== "wasm") return false;
  if (H % 4 !== 0) {
    note?.(`tfjs ops (${H} units, not a multiple of 4)`);
    return false;
  }
  note?.("wasm kernel");
  return true;
}

/** The heap of one recurrence with G gates over `steps` steps (`allRows` = steps b): its tensors, offsets, and U's packings. */
export function recurrenceHeap(u: tf.Tensor2D, steps: number, allRows: number, G: number) {
  const backend = tf.backend() as unknown as Backend;
  const storage = hostStorage("wasm", backend)!;
  const { offset } = heapModule(RECURRENT_KERNELS_WASM, backend);
  const b = allRows / steps, H = u.shape[0];
  const make = (rows: number, cols: number, fill?: number) => storage.make([rows, cols], "float32", fill).info;
  const tensor = (info: tf.TensorInfo) => tf.engine().makeTensorFromTensorInfo(info);
  const dispose = (...infos: tf.TensorInfo[]) => infos.forEach((info) => backend.disposeData(info.dataId));
  return {
    backend,
    b,
    H,
    make,
    offset,
    tensor,
    dispose,
    /** U packed once for every step's h U (gemm.wat's layout: K = H rows, G H columns in panels of 8). */
    packU(u: tf.TensorInfo) {
      const packed = make(H, 8 * Math.ceil((G * H) / 8));
      packInto(backend, packed, offset(u), H, G * H, 4 * G * H, 4);
      return packed;
    },
    /** U^T packed once for every step's dz U^T (K = G H rows, H columns), read from U in place: U^T (k, n) is U (n, k). */
    packUT(u: tf.TensorInfo) {
      const packed = make(G * H, 8 * Math.ceil(H / 8));
      packInto(backend, packed, offset(u), G * H, H, 4, 4 * G * H);
      return packed;
    },
    /**
     * dU = sum over steps t > 0 of h_{t-1}^T dz_t (h_{-1} is zero): the states of steps 0 .. L-2, read transposed, times
     * dz's rows of steps 1 .. L-1, one product into `du` (H, G H), zero-filled.
     */
    weightGrad(states: tf.TensorInfo, dz: tf.TensorInfo, du: tf.TensorInfo) {
      if (steps < 2) return;
      const N = G * H;
      gemmAt(backend, {
        a: offset(states),
        b: offset(dz) + b * N * 4,
        c: offset(du),
        M: H,
        K: (steps - 1) * b,
        N,
        ars: 4,
        acs: 4 * H,
        brs: 4 * N,
        bcs: 4,
        ldc: 4 * N,
      });
    },
  };
}
