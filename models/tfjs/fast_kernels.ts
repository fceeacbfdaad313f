import * as tf from "@tensorflow/tfjs";
import { type HostStorage as Storage, hostStorage, type HostValues as Values } from "./host_storage.ts";
import { transposeLastTwo } from "./wasm/transpose.ts";
import { sumRows } from "./wasm/sum_rows.ts";
import { gemmMatMul } from "./wasm/gemm.ts";
import { useWebGpuKernels } from "./webgpu/kernel_patches.ts";

// Slow paths of the tfjs 4.22 cpu and wasm backends that training hits on every step, measured with
// bench/train_speed.ts (experiments/benchmarks/train_speed.md):
// - wasm BatchMatMul/_FusedMatMul use XNNPACK only when neither operand is transposed; otherwise a
//   scalar loop ~10x slower (256x6420 by 6420x128: 22 ms plain, 210-250 ms transposed), and the
//   fused kernel's transposed path also gives wrong results with a bias. Every backward pass asks
//   for transposed products (dW = x^T dy, dx = dy W^T). Transposing an operand first is one pass.
// - wasm Slice (and SplitV, built on it) first copies the whole input out of the heap, so taking one
//   step out of a (L*b, 4H) sequence costs as much as copying all of it.
// - wasm Sum over the leading axes (every bias gradient: a sum over the batch rows) transposes the
//   input first: ~25 ms for (15360, 256); as the product ones(1, n) x it cost ~35 ms when XNNPACK had to pack a fresh
//   x (~1 ms only when x was already packed for another product); one SIMD pass over the rows instead (wasm/sum_rows.ts).
// - wasm Tanh is ~4x slower than Sigmoid (see {@linkcode tanh}).
// - wasm Square runs on XNNPACK's thread pool, whose hand-off to the other thread can cost far more than squaring a
//   small tensor: (256, 64) took 1.0-1.25 ms with 2 threads while other work kept the 2 cores busy (3.8 us with one
//   thread), Multiply x * x 12-29 us either way; an LSTM's backward pass squares two such tensors per step.
// - wasm Identity copies its input (cpu's shares it).
// - wasm Transpose moves one element at a time: ~9.5 ms for (256, 6420), the MLP's batch, transposed for every
//   first-layer weight gradient; the last two axes are swapped by a blocked SIMD kernel instead (wasm/transpose.ts).
// - cpu Slice, SplitV and PadV2 move a non-contiguous box one element at a time through index
//   arithmetic (~20 ms for a (64, 20, 32) slice along time).
// The replacements copy whole contiguous runs or use the fast product. Results are identical
// (products and sums: up to float rounding).

type KernelArgs = Parameters<tf.KernelFunc>[0];
type Info = tf.TensorInfo;
const PATCHED = Symbol("model-factory fast kernel");

/**
 * Replaces the named backend's slow kernels (above) with run-copying or pre-transposing versions.
 * Idempotent; on webgpu, the layout-only dispatches replaced instead (webgpu/kernel_patches.ts). NetworkModel calls it.
 */
export function useFastKernels(backendName: string): void {
  if (backendName === "webgpu") return useWebGpuKernels();
  if (backendName !== "cpu" && backendName !== "wasm") return;
  const storage = (backend: unknown) => hostStorage(backendName, backend)!;
  patch(backendName, "Slice", (args, plain) => {
    const x = args.inputs.x as Info;
    if (x.dtype === "string" || x.shape.length === 0) return plain(args) as Info;
    const { begin, size } = args.attrs as { begin: number[]; size: number[] };
    return slice(storage(args.backend), x, begin, size);
  });
  patch(backendName, "SplitV", (args) => {
    const x = args.inputs.x as Info;
    const { numOrSizeSplits, axis } = args.attrs as { numOrSizeSplits: number | number[]; axis: number };
    const dim = tf.util.parseAxisParam(axis, x.shape)[0];
    const begin = x.shape.map(() => 0);
    return tf.backend_util.prepareSplitSize(x as tf.Tensor, numOrSizeSplits, dim).map((s) => {
      const size = [...x.shape];
      size[dim] = s;
      const part = slice(storage(args.backend), x, [...begin], size);
      begin[dim] += s;
      return part;
    });
  });
  if (backendName === "cpu") {
    patch(backendName, "PadV2", (args) => {
      const x = args.inputs.x as Info;
      const { paddings, constantValue } = args.attrs as { paddings: [number, number][]; constantValue: number };
      const out = storage(args.backend).make(x.shape.map((d, i) => paddings[i][0] + d + paddings[i][1]), x.dtype, constantValue);
      copyBox(storage(args.backend).read(x), x.shape, x.shape.map(() => 0), out.values, out.info.shape, paddings.map((p) => p[0]), x.shape);
      return out.info;
    });
  }
  if (backendName === "wasm") {
    // ours (wasm/gemm.ts), else, for what it does not take, XNNPACK's behind transposes (below)
    const product = (args: KernelArgs, plain: tf.KernelFunc) => gemmMatMul(args) ?? matMul(args, plain);
    patch(backendName, "BatchMatMul", product);
    patch(backendName, "_FusedMatMul", product);
    patch(backendName, "Sum", sumLeading);
    patch(backendName, "Transpose", transposeLastTwo);
    // Identity shares the data, as the cpu backend's and wasm's own Reshape do (tensors are immutable; HostAdam's moments,
    // the one thing written in place, are never copied): wasm's copies it, ~100 us for an LSTM's (256, 256) gates,
    // 33 times a step (customGrad's outputs and gradients)
    patch(backendName, "Identity", (args, plain) => {
      const x = args.inputs.x as Info;
      if (x.dtype === "string") return plain(args) as Info;
      (args.backend as unknown as { incRef(id: object): void }).incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    });
    patch(backendName, "Square", (args) => {
      const x = args.inputs.x as Info;
      return tf.getKernel("Multiply", "wasm")!.kernelFunc({ inputs: { a: x, b: x }, backend: args.backend, attrs: {} }) as Info;
    });
  }
}

/** tanh(x) = 2 sigmoid(2x) - 1 on wasm, whose Tanh kernel is ~4x slower than its Sigmoid; tf.tanh elsewhere. */
export function tanh(x: tf.Tensor): tf.Tensor {
  return tf.getBackend() === "wasm" ? tf.tidy(() => tf.sub(tf.mul(tf.sigmoid(tf.mul(x, 2)), 2), 1)) : tf.tanh(x);
}

function patch(backendName: string, name: string, fast: (args: KernelArgs, plain: tf.KernelFunc) => Info | Info[]): void {
  const original = tf.getKernel(name, backendName);
  if (!original || (original.kernelFunc as { [PATCHED]?: true })[PATCHED]) return;
  const kernelFunc = Object.assign((args: KernelArgs) => fast(args, original.kernelFunc), { [PATCHED]: true as const });
  tf.unregisterKernel(name, backendName);
  tf.registerKernel({ ...original, kernelFunc: kernelFunc as tf.KernelFunc });
}

function slice(storage: Storage, x: Info, beginArg: number[], sizeArg: number[]): Info {
  const [begin, size] = tf.slice_util.parseSliceParams(x as tf.Tensor, beginArg, sizeArg);
  const out = storage.make(size, x.dtype, 0);
  copyBox(storage.read(x), x.shape, begin, out.values, size, size.map(() => 0), size);
  return out.info;
}

/** Copies the box of `size` at `from` in a row-major `src` to `to` in `dst`, one contiguous run at a time. */
function copyBox(src: Values, srcShape: number[], from: number[], dst: Values, dstShape: number[], to: number[], size: number[]): void {
  const rank = size.length;
  if (size.some((d) => d === 0)) return;
  const srcStrides = tf.util.computeStrides(srcShape).concat(1), dstStrides = tf.util.computeStrides(dstShape).concat(1);
  // Trailing dimensions taken whole in both arrays fold into the run.
  let k = rank - 1;
  while (k > 0 && size[k] === srcShape[k] && size[k] === dstShape[k]) k--;
  const run = size[k] * srcStrides[k];
  const count = size.slice(0, k).reduce((p, d) => p * d, 1);
  const idx = new Array<number>(k).fill(0);
  for (let n = 0; n < count; n++) {
    let s = from[k] * srcStrides[k], d = to[k] * dstStrides[k];
    for (let j = 0; j < k; j++) s += (from[j] + idx[j]) * srcStrides[j], d += (to[j] + idx[j]) * dstStrides[j];
    dst.set(src.subarray(s, s + run), d);
    for (let j = k - 1; j >= 0 && ++idx[j] === size[j]; j--) idx[j] = 0;
  }
}

/** A float sum over the leading axes of x, one pass over x viewed as (n, m) (wasm/sum_rows.ts). */
function sumLeading(args: KernelArgs, plain: tf.KernelFunc): Info {
  const x = args.inputs.x as Info;
  const { axis, keepDims } = args.attrs as { axis: number | number[]; keepDims: boolean };
  const axes = tf.util.parseAxisParam(axis, x.shape).sort((a, b) => a - b);
  if (x.dtype !== "float32" || axes.length >= x.shape.length || axes.some((a, i) => a !== i)) return plain(args) as Info;
  const n = x.shape.slice(0, axes.length).reduce((p, d) => p * d, 1), m = x.shape.reduce((p, d) => p * d, 1) / n;
  return sumRows(args.backend, x, [n, m], keepDims ? x.shape.map((d, i) => (i < axes.length ? 1 : d)) : x.shape.slice(axes.length));
}

/**
 * A product with a transposed operand as a transpose (one pass) and XNNPACK's plain product. XNNPACK packs its right
 * operand on every call with new values, which costs ~4x a transpose per element (dxz (15360, 256): ~40 ms packed,
 * ~10 ms transposed), so A^T B goes as (B^T A)^T, packing A, when B is the larger by more than a third of the result
 * (an LSTM's weight gradients, h^T dz and x^T dz over all steps: ~60 vs ~30 ms for (15360, 64) by (15360, 256)), and
 * as A^T then B otherwise (the MLP's first-layer dW = x^T dy, with the small dy packed: 18 vs 26 ms).
 */
function matMul(args: KernelArgs, plain: tf.KernelFunc): Info {
  const { inputs, backend, attrs } = args;
  const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
  if (!transposeA && !transposeB) return plain(args) as Info;
  const { a, b } = inputs as { a: Info; b: Info };
  const temps: Info[] = [];
  const swapLast = (x: Info) => {
    const perm = x.shape.map((_, i) => i);
    [perm[perm.length - 2], perm[perm.length - 1]] = [perm[perm.length - 1], perm[perm.length - 2]];
    const out = tf.getKernel("Transpose", "wasm")!.kernelFunc({ inputs: { x }, backend, attrs: { perm } }) as Info;
    temps.push(out);
    return out;
  };
  const dispose = () => temps.forEach((t) => (backend as unknown as { disposeData(id: object): void }).disposeData(t.dataId));
  const size = (x: Info) => x.shape.reduce((p, d) => p * d, 1);
  const plainOnly = inputs.bias == null && inputs.preluActivationWeights == null && !(attrs as { activation?: string }).activation;
  if (transposeA && !transposeB && plainOnly && a.shape.length === 2 && b.shape.length === 2) {
    const resultSize = a.shape[1] * b.shape[1];
    if (size(b) > size(a) + resultSize / 3) {
      const ct = plain({ inputs: { a: swapLast(b), b: a }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } }) as Info;
      temps.push(ct);
      const out = tf.getKernel("Transpose", "wasm")!.kernelFunc({ inputs: { x: ct }, backend, attrs: { perm: [1, 0] } }) as Info;
      dispose();
      return out;
    }
  }
  const out = plain({
    inputs: { ...inputs, a: transposeA ? swapLast(a) : a, b: transposeB ? swapLast(b) : b },
    backend,
    attrs: { ...attrs, transposeA: false, transposeB: false },
  }) as Info;
  dispose();
  return out;
}
