import type * as tf from "@tensorflow/tfjs";
import { hostStorage } from "../host_storage.ts";
import { heapModule } from "./heap_module.ts";
import { SUM_ROWS_WASM } from "./sum_rows_wasm.ts";

/**
 * The sums over the rows of `x` viewed as (n, m), a float32 tensor of `shape` (its leading axes summed away, as every
 * bias gradient is), in one SIMD pass over the wasm backend's heap (sum_rows.wat); rows are added in order.
 *
 * @example
 * const bias = sumRows(backend, dz, [15360, 256], [256]);
 */
export function sumRows(backend: unknown, x: tf.TensorInfo, rowsCols: [number, number], shape: number[]): tf.TensorInfo {
  const out = hostStorage("wasm", backend)!.make(shape, "float32", 0).info;
  const [n, m] = rowsCols;
  if (n * m === 0) return out;
  const { exports, offset } = heapModule(SUM_ROWS_WASM, backend);
  (exports.sumRows as (src: number, dst: number, n: number, m: number) => void)(offset(x), offset(out), n, m);
  return out;
}
