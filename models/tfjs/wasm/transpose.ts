import type * as tf from "@tensorflow/tfjs";
import { hostStorage } from "../host_storage.ts";
import { heapModule } from "./heap_module.ts";
import { TRANSPOSE_WASM } from "./transpose_wasm.ts";

type KernelArgs = Parameters<tf.KernelFunc>[0];

/**
 * The wasm backend's Transpose when it swaps the last two axes of 4-byte elements (every transposed product's
 * operand, models/tfjs/fast_kernels.ts): a blocked SIMD transpose (transpose.wat) per matrix, ~6x faster than tfjs's
 * element-at-a-time loop; any other permutation or dtype goes to `plain`. The bits are moved, never computed on.
 *
 * @example
 * const out = transposeLastTwo({ inputs: { x }, backend, attrs: { perm: [1, 0] } }, plainTranspose);
 */
export function transposeLastTwo(args: KernelArgs, plain: tf.KernelFunc): tf.TensorInfo {
  const x = args.inputs.x as tf.TensorInfo;
  const { perm } = args.attrs as { perm: number[] };
  const r = perm.length;
  const swapsLastTwo = r >= 2 && perm.every((p, i) => p === (i < r - 2 ? i : i === r - 2 ? r - 1 : r - 2));
  if (!swapsLastTwo || (x.dtype !== "float32" && x.dtype !== "int32")) return plain(args) as tf.TensorInfo;
  const rows = x.shape[r - 2], cols = x.shape[r - 1];
  const matrices = x.shape.slice(0, r - 2).reduce((p, d) => p * d, 1);
  const out = hostStorage("wasm", args.backend)!.make(perm.map((p) => x.shape[p]), x.dtype).info;
  if (rows * cols * matrices === 0) return out;
  const { exports, offset } = heapModule(TRANSPOSE_WASM, args.backend);
  const transpose = exports.transpose as (src: number, dst: number, rows: number, cols: number) => void;
  const src = offset(x), dst = offset(out), bytes = rows * cols * 4;
  for (let k = 0; k < matrices; k++) transpose(src + k * bytes, dst + k * bytes, rows, cols);
  return out;
}
