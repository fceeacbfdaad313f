import * as tf from "@tensorflow/tfjs";
import { hostStorage } from "../host_storage.ts";
import { heapModule } from "./heap_module.ts";
import { GEMM_PLAIN_WASM, GEMM_WASM } from "./gemm_wasm.ts";
import { acquireHeapThreads, guidedShares, type HeapKernels, heapThreads, KINDS } from "./heap_threads.ts";
import { RECURRENT_KERNELS_WASM } from "./recurrent_kernels_wasm.ts";
import type { Parallelism } from "../../../core/platform.ts";

type KernelArgs = Parameters<tf.KernelFunc>[0];
type Info = tf.TensorInfo;

/**
 * Products smaller than this (2 M K N) stay on one thread: waking a helper costs more than it saves between other
 * kernels. Back to back, a (256, 64) x (64, 256) (8.4 MFLOP) takes ~290 us on one thread and ~140-200 us on two; but
 * with the threshold at 4 MFLOP the GRU, whose every step has a (256, 64) x (64, 192) among ~13 small kernels,
 * trained at 2,131 / 1,564 samples/s against 2,666 / 2,062 (alternating processes; the transformer gained ~5-10%).
 */
const THREADED_FLOPS = 16e6;

/** The activations tfjs fuses into a product, as the kernel that applies each after ours. */
const ACTIVATIONS: Record<string, string> = { relu: "Relu", relu6: "Relu6", elu: "Elu", sigmoid: "Sigmoid", leakyrelu: "LeakyRelu", prelu: "Prelu" };

let source: string | undefined;

/**
 * gemm.wat as this runtime runs it: with relaxed SIMD's fused multiply-add where it validates (Chromium 114+, Deno),
 * else a multiply and an add (~15% slower, measured on the MLP's first-layer product; Node 20, other browsers).
 */
export function gemmSource(): string {
  return source ??= WebAssembly.validate(Uint8Array.from(atob(GEMM_WASM), (c) => c.charCodeAt(0))) ? GEMM_WASM : GEMM_PLAIN_WASM;
}

/**
 * The wasm backend's BatchMatMul and _FusedMatMul by gemm.wat (one multiply-add instruction per 4 products, B packed in
 * panels of 8 columns, either operand read transposed in place) split over the helper threads (heap_threads.ts) when
 * there are any and the product is large enough (gemmAt). Each output is one
 * thread's sum in the same order however many threads run, so the result does not depend on the thread count.
 * A fused bias of N values is added in the kernel, a fused activation by tfjs's own kernel after it.
 * Returns undefined for what it does not take (other dtypes, batch shapes that broadcast both ways, a bias of another
 * shape, an activation it does not know): the caller runs tfjs's kernel then.
 *
 * @example
 * const out = gemmMatMul({ inputs: { a, b }, backend, attrs: { transposeA: true, transposeB: false } });
 */
export function gemmMatMul(args: KernelArgs): Info | undefined {
  const { inputs, backend, attrs } = args;
  const { a, b, bias, preluActivationWeights } = inputs as { a: Info; b: Info; bias?: Info; preluActivationWeights?: Info };
  const { transposeA, transposeB, activation, leakyreluAlpha } = attrs as {
    transposeA: boolean;
    transposeB: boolean;
    activation?: string;
    leakyreluAlpha?: number;
  };
  if (a.dtype !== "float32" || b.dtype !== "float32" || a.shape.length < 2 || b.shape.length < 2) return undefined;
  const act = activation && activation !== "linear" ? ACTIVATIONS[activation] : undefined;
  if (activation && activation !== "linear" && !act) return undefined;
  const ra = a.shape.length, rb = b.shape.length;
  const [M, K] = transposeA ? [a.shape[ra - 1], a.shape[ra - 2]] : [a.shape[ra - 2], a.shape[ra - 1]];
  const [K2, N] = transposeB ? [b.shape[rb - 1], b.shape[rb - 2]] : [b.shape[rb - 2], b.shape[rb - 1]];
  if (K !== K2) return undefined;
  const batchShape = tf.broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  const count = (s: number[]) => s.reduce((p, d) => p * d, 1);
  const batchA = count(a.shape.slice(0, -2)), batchB = count(b.shape.slice(0, -2)), batches = count(batchShape);
  if (batches !== Math.max(batchA, batchB) || (batchA !== batchB && Math.min(batchA, batchB) !== 1)) return undefined;
  if (
    bias &&
    (bias.dtype !== "float32" || count(bias.shape) !== N || bias.shape.slice(0, -1).some((d) => d !== 1) ||
      (bias.shape.length > 0 && bias.shape[bias.shape.length - 1] !== N))
  ) {
    return undefined;
  }
  const storage = hostStorage("wasm", backend)!;
  const kernel = heapModule(gemmSource(), backend);
  const out = storage.make([...batchShape, M, N], "float32");
  if (M * N * batches === 0) return out.info;
  if (K === 0) {
    const row = bias ? storage.read(bias) : new Float32Array(N);
    const values = storage.read(out.info);
    for (let r = 0; r < M * batches; r++) values.set(row.subarray(0, N), r * N);
    return finish(out.info, args, act, leakyreluAlpha, preluActivationWeights);
  }
  const offA = kernel.offset(a), offB = kernel.offset(b), offC = kernel.offset(out.info), offBias = bias ? kernel.offset(bias) : 0;
  const [ars, acs] = transposeA ? [4, 4 * M] : [4 * K, 4];
  const [brs, bcs] = transposeB ? [4, 4 * K] : [4 * N, 4];
  gemmAt(
    backend,
    ...Array.from({ length: batches }, (_, i) => ({
      a: offA + (batchA > 1 ? i : 0) * M * K * 4,
      b: offB + (batchB > 1 ? i : 0) * K * N * 4,
      c: offC + i * M * N * 4,
      M,
      K,
      N,
      ars,
      acs,
      brs,
      bcs,
      ldc: 4 * N,
      bias: offBias,
    })),
  );
  return finish(out.info, args, act, leakyreluAlpha, preluActivationWeights);
}

/**
 * The threads for jobs on the wasm backend `backend`'s heap now (heap_threads.ts), this thread running gemm.wat and
 * recurrent_kernels.wat as instantiated over the heap; one thread where no helpers run.
 */
export function wasmThreads(backend: unknown) {
  const gemm = heapModule(gemmSource(), backend), recurrent = heapModule(RECURRENT_KERNELS_WASM, backend).exports;
  return heapThreads(gemm.memory, { ...recurrent, gemm: gemm.exports.gemm } as unknown as HeapKernels);
}

/** The product helpers a training run holds, and what to record of them. */
export interface GemmUse {
  /** Settles once the helpers have started (heap_threads.ts's acquireHeapThreads): await it before the first step. */
  ready: Promise<void>;
  /** "products: gemm.wat (relaxed SIMD), 2 threads": how the products ran, for run.json's kernels. */
  note(): string;
  /** Stops the helpers (with the last user). */
  release(): void;
}

/**
 * Starts the product helpers for the wasm backend `backend` (Parallelism's threads, less this one) while a model trains.
 * None where the heap is not shared (tfjs's unthreaded build) or there is one thread.
 */
export function useGemmThreads(backend: unknown, parallel?: Parallelism): GemmUse {
  const kernel = heapModule(gemmSource(), backend);
  const shared = typeof SharedArrayBuffer === "function" && kernel.memory.buffer instanceof SharedArrayBuffer;
  const modules = { gemm: kernel.module, recurrent: heapModule(RECURRENT_KERNELS_WASM, backend).module };
  const { ready, release } = parallel && parallel.threads > 1 && shared
    ? acquireHeapThreads(kernel.memory, modules, parallel)
    : { ready: Promise.resolve(), release: () => {} };
  return {
    ready,
    note: () => {
      const threads = wasmThreads(backend).threads;
      return `products: gemm.wat (${gemmSource() === GEMM_WASM ? "relaxed SIMD" : "SIMD"}), ${threads} thread${threads > 1 ? "s" : ""}`;
    },
    release,
  };
}

/** One product C (M, N) = A B on the heap: byte offsets and byte strides as gemm.wat takes them (K > 0). gemmAt's products share M, K and N. */
export interface HeapProduct {
  a: number;
  b: number;
  c: number;
  M: number;
  K: number;
  N: number;
  /** A (m, k) at a + m ars + k acs; B (k, n) at b + k brs + n bcs; C's rows ldc bytes apart. */
  ars: number;
  acs: number;
  brs: number;
  bcs: number;
  ldc: number;
  /** The offset of N floats added to every row of C, 0 for none. */
  bias?: number;
  /** C += A B instead. */
  add?: boolean;
}

/**
 * Runs products of one shape (a batch's) on the wasm backend's heap by gemm.wat, one after another, each split over the
 * helper threads when it is large enough (split's blocks); one workspace, allocated and freed here, serves them all.
 * Also for kernels that keep their own tensors on the heap (wasm/lstm_wasm.ts).
 *
 * @example
 * gemmAt(backend, { a: offset(h), b: offset(u), c: offset(hu), M: b, K: H, N: 4 * H, ars: 4 * H, acs: 4, brs: 16 * H, bcs: 4, ldc: 16 * H });
 */
export function gemmAt(backend: unknown, ...products: HeapProduct[]): void {
  if (products.length === 0) return;
  const { M, K, N } = products[0];
  const storage = hostStorage("wasm", backend)!;
  const kernel = heapModule(gemmSource(), backend);
  const threads = wasmThreads(backend);
  const parallel = 2 * M * K * N >= THREADED_FLOPS ? threads.threads : 1;
  const shares = split(M, N, parallel);
  // Shares of rows all take every column: B is packed once, here, rather than by each share.
  const packOnce = shares.length > 1 && shares[0].cols === N;
  const workBytes = 128 + (packOnce ? 0 : 256 * 32 * Math.ceil(Math.max(...shares.map((s) => s.cols)) / 8));
  const work = storage.make([(parallel * workBytes) / 4], "float32").info;
  const packedB = packOnce ? storage.make([(K * 32 * Math.ceil(N / 8)) / 4], "float32").info : undefined;
  try {
    const w = kernel.offset(work), packed = packedB ? kernel.offset(packedB) : 0;
    const workspaces = Array.from({ length: parallel }, (_, t) => w + t * workBytes);
    for (const p of products) {
      if (packedB) packInto(backend, packedB, p.b, K, N, p.brs, p.bcs);
      threads.run(
        shares.map((s) => ({
          kind: KINDS.gemm,
          args: [
            p.a + s.row * p.ars,
            p.b + s.col * p.bcs,
            p.c + s.row * p.ldc + s.col * 4,
            s.rows,
            K,
            s.cols,
            p.ars,
            p.acs,
            p.brs,
            p.bcs,
            p.ldc,
            p.bias ? p.bias + 4 * s.col : 0,
            p.add ? 1 : 0,
            packed,
          ],
        })),
        workspaces,
      );
    }
  } finally {
    for (const temp of [work, packedB]) if (temp) (backend as { disposeData(id: object): void }).disposeData(temp.dataId);
  }
}

/**
 * B (K, N), at byte offset b with byte strides brs and bcs, packed whole as gemm.wat's `gemm` takes it through
 * $packed: into `packed`, a tensor of K 32 ceil(N / 8) bytes at least. For products that share one B: a product's row
 * shares, an LSTM's steps.
 */
export function packInto(backend: unknown, packed: Info, b: number, K: number, N: number, brs: number, bcs: number): void {
  const kernel = heapModule(gemmSource(), backend);
  (kernel.exports.pack as (...args: number[]) => void)(b, K, N, brs, bcs, kernel.offset(packed));
}

/**
 * C's shares for `threads` threads (guidedShares): by rows (tiles of 4) when B is the smaller operand (B is then packed
 * once for all shares), else by columns (panels of 8; each share reads all of A); one share, all of C, for one thread.
 */
function split(M: number, N: number, threads: number): { row: number; rows: number; col: number; cols: number }[] {
  const panels = Math.ceil(N / 8), tiles = Math.ceil(M / 4);
  const byRows = N < M ? tiles >= 2 * threads || tiles > panels : panels < 2 * threads && tiles > panels;
  const step = byRows ? 4 : 8, end = byRows ? M : N;
  return guidedShares(byRows ? tiles : panels, threads).map(({ from, count }) => {
    const first = from * step, size = Math.min((from + count) * step, end) - first;
    return byRows ? { row: first, rows: size, col: 0, cols: N } : { row: 0, rows: M, col: first, cols: size };
  });
}

/** The product with its fused activation applied (tfjs's kernel for it), the bare product disposed. */
function finish(product: Info, args: KernelArgs, act?: string, alpha?: number, preluWeights?: Info): Info {
  if (!act) return product;
  const inputs = act === "Prelu" ? { x: product, alpha: preluWeights! } : { x: product };
  const out = tf.getKernel(act, "wasm")!.kernelFunc({ inputs, backend: args.backend, attrs: act === "LeakyRelu" ? { alpha: alpha ?? 0.2 } : {} }) as Info;
  (args.backend as unknown as { disposeData(id: object): void }).disposeData(product.dataId);
  return out;
}
