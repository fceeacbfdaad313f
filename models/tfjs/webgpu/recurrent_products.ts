import * as tf from "@tensorflow/tfjs";
import { dispatchRaw } from "./raw_dispatch.ts";
import type { WebGpuBackendLike } from "./recurrent_plan.ts";

// The products around a fused recurrence, as raw kernels (raw_dispatch.ts) that read their operands where they lie:
// the input projection x W straight from the batch-major window into time-major rows (no transpose of the window),
// and the weight gradients A^T dz (dW from the window, dU from the states the forward kernel recorded, h_{t-1} read
// one step back, so no copy of the previous states is written). Each invocation owns a tile of TM rows by CV vectors
// of the output and keeps it in registers: on a software adapter (lavapipe runs every load lane by lane, ~10x the
// cost of an FMA) a load serves TM or CV*4 FMAs instead of one or two through shared memory as tfjs's tiled products
// do (~10x faster here at these shapes); on a GPU, consecutive invocations take consecutive column vectors, so the
// loads of B are coalesced and those of A broadcast. Long sums (the gradients' K is every step of every row) are
// split into chunks whose partial products one more dispatch adds (K_CHUNK).

/** How an operand A is read: element (row, col) at `a[map(row) * stride + offset + col]`. */
export interface RowMap {
  /** Floats between consecutive rows of the buffer. */
  stride: number;
  /** Floats before column 0 of a row. */
  offset?: number;
  /**
   * `time-major`: row r = t*b + i of a time-major operand is row i*L + t of the batch-major buffer (the window);
   * `previous`: row r = t*b + i is row r - b (the same batch row one step back), zeros at t = 0; default: row r.
   */
  map?: { kind: "time-major" | "previous"; batch: number; steps: number };
}

/**
 * An invocation's tile (TM rows by CV vectors) and the workgroup's size. A GPU keeps 32 vec4 accumulators an invocation
 * (within its registers); an adapter that runs on the CPU (a fallback adapter) takes 64, which halves the loads of A
 * again (~20% faster on lavapipe).
 */
function tiling(): { TM: number; CV: number; WG: number } {
  const device = (tf.backend() as unknown as WebGpuBackendLike).device;
  return device.adapterInfo?.isFallbackAdapter === true ? { TM: 8, CV: 8, WG: 32 } : { TM: 8, CV: 4, WG: 64 };
}

function rowExpr(r: string, map: RowMap["map"]): string {
  if (map?.kind === "time-major") return `((${r}) % ${map.batch}) * ${map.steps} + (${r}) / ${map.batch}`;
  if (map?.kind === "previous") return `(${r}) - ${map.batch}`;
  return r;
}

/**
 * Rows of K per chunk of a long sum (the weight gradients': every step of every batch row): each chunk's partial
 * product is written by its own workgroups, then one more dispatch adds them. A chunk's rows stay in the caches while
 * every tile reads them (a software adapter streamed dz from memory once per tile before: ~3x slower per FMA at batch
 * 256), and a GPU gets tiles x chunks invocations.
 */
const K_CHUNK = 256;

function chunking(k: number, bytesPerChunk: number, limit: number): { chunks: number; rows: number } {
  const chunks = Math.max(1, Math.min(Math.ceil(k / K_CHUNK), Math.floor(limit / bytesPerChunk)));
  return { chunks, rows: Math.ceil(k / chunks) };
}

/**
 * C (M, N) = sum over k from `kFrom` of A'[m, k] B[k, n] in one dispatch (two where the sum is chunked), where A' is A
 * (`transposeA` false: M rows of K) or A^T (true: K rows of M), read through `aRows`, and B is (K, N) row-major.
 * Returns C (M, N).
 */
function product(
  key: string,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  dims: { M: number; N: number; K: number },
  layout: { transposeA: boolean; aRows: RowMap; kFrom?: number },
): tf.TensorInfo {
  const { M, N, K } = dims;
  const { TM, CV, WG } = tiling();
  const V = N % 4 === 0 ? 4 : 1;
  const vt = V === 4 ? "vec4<f32>" : "f32";
  const NV = N / V, NT = Math.ceil(NV / CV), MT = Math.ceil(M / TM);
  const kFrom = layout.kFrom ?? 0;
  const limit = (tf.backend() as unknown as WebGpuBackendLike).device.limits.maxStorageBufferBindingSize;
  const { chunks, rows: CH } = layout.transposeA ? chunking(K - kFrom, M * N * 4, limit) : { chunks: 1, rows: K };
  const tiles = MT * NT;
  const { stride, offset = 0, map } = layout.aRows;
  const fullKey = `${key}_${TM}x${CV}_${M}_${N}_${K}_${kFrom}_${chunks}_${stride}_${offset}_${map?.kind ?? "rows"}_${map?.batch ?? 0}`;
  const workgroups: [number, number, number] = [Math.ceil(tiles / WG), chunks, 1];
  const outShape = chunks > 1 ? [chunks * M, N] : [M, N];
  let code = productCode.get(fullKey);
  if (code === undefined) {
    const regs = (f: (i: number, v: number) => string, sep = " ") => Array.from({ length: TM * CV }, (_, x) => f(Math.floor(x / CV), x % CV)).join(sep);
    const vecs = (f: (v: number) => string) => Array.from({ length: CV }, (_, v) => f(v)).join(" ");
    const rows = (f: (i: number) => string) => Array.from({ length: TM }, (_, i) => f(i)).join(" ");
    // A's rows as vec4s where they are whole aligned vec4s (dU's states): a quarter of the loads
    const aVec = layout.transposeA && stride % 4 === 0 && offset % 4 === 0 && M % 4 === 0;
    // A's element for output row m0 + i at step k; rows past M are clamped (read, never written)
    const aLoad = (i: number) => {
      if (aVec) {
        if (i % 4) return "";
        const v = `av${i}`;
        return `let ${v} = a[(ar + min(m0 + ${i}, ${M - 4})) / 4]; let a${i} = ${v}.x; let a${i + 1} = ${v}.y; let a${i + 2} = ${v}.z; let a${i + 3} = ${v}.w;`;
      }
      const m = `min(m0 + ${i}, ${M - 1})`;
      const at = layout.transposeA ? `ar + ${m}` : `(${rowExpr(m, map)}) * ${stride} + ${offset} + k`;
      return `let a${i} = a[${at}];`;
    };
    code = `
    @group(0) @binding(0) var<storage, read_write> c : array<${vt}>;
    @group(0) @binding(1) var<storage, read> a : array<${aVec ? "vec4<f32>" : "f32"}>;
    @group(0) @binding(2) var<storage, read> bm : array<${vt}>;
    @compute @workgroup_size(${WG})
    fn main(@builtin(local_invocation_index) lid : u32, @builtin(workgroup_id) wid : vec3<u32>) {
      let index = i32(wid.x) * ${WG} + i32(lid);
      if (index >= ${tiles}) { return; }
      let m0 = (index / ${NT}) * ${TM};
      let n0 = (index % ${NT}) * ${CV};
      // this workgroup's chunk of the sum (its partial product goes to block wid.y of the output)
      let k0 = ${kFrom} + i32(wid.y) * ${CH};
      let base = i32(wid.y) * ${M * NV};
      ${regs((i, v) => `var c${i}_${v} = ${vt}(0.0);`)}
      for (var k = k0; k < min(${K}, k0 + ${CH}); k++) {
        let bo = k * ${NV};
        ${vecs((v) => `let b${v} = bm[bo + min(n0 + ${v}, ${NV - 1})];`)}
        ${layout.transposeA ? `let ar = (${rowExpr("k", map)}) * ${stride} + ${offset};` : ""}
        ${rows(aLoad)}
        ${regs((i, v) => `c${i}_${v} += a${i} * b${v};`)}
      }
      ${rows((i) => `if (m0 + ${i} < ${M}) { ${vecs((v) => `if (n0 + ${v} < ${NV}) { c[base + (m0 + ${i}) * ${NV} + n0 + ${v}] = c${i}_${v}; }`)} }`)}
    }`;
    productCode.set(fullKey, code);
  }
  const [out] = dispatchRaw({ key: fullKey, code }, { outputs: [{ shape: outShape }], inputs: [a, b], workgroups });
  if (chunks === 1) return out;
  const [sum] = sumChunks(out, chunks, M, N);
  (tf.backend() as unknown as { disposeData(id: object): void }).disposeData(out.dataId);
  return sum;
}

/** The sum of `chunks` partial products (chunks*M, N) -> (M, N), in one dispatch. */
function sumChunks(partials: tf.TensorInfo, chunks: number, M: number, N: number): tf.TensorInfo[] {
  const V = N % 4 === 0 ? 4 : 1, vt = V === 4 ? "vec4<f32>" : "f32", total = (M * N) / V;
  const groups = Math.min(Math.ceil(total / 64), 4096);
  const code = `
    @group(0) @binding(0) var<storage, read_write> out : array<${vt}>;
    @group(0) @binding(1) var<storage, read> p : array<${vt}>;
    @compute @workgroup_size(64)
    fn main(@builtin(global_invocation_id) gid : vec3<u32>) {
      for (var x = i32(gid.x); x < ${total}; x += ${groups * 64}) {
        var s = ${vt}(0.0);
        for (var c = 0; c < ${chunks}; c++) { s += p[c * ${total} + x]; }
        out[x] = s;
      }
    }`;
  return dispatchRaw({ key: `mf_sum_chunks_${chunks}_${M}_${N}`, code }, { outputs: [{ shape: [M, N] }], inputs: [partials], workgroups: [groups, 1, 1] });
}

// a product's WGSL by its key, built once (the unrolled tile runs to a few kB)
const productCode = new Map<string, string>();

/** x W for every step, time-major: x (b, L, F) batch-major, w (F, G) -> (L*b, G), row t*b + i from x[i, t]. */
export function projectTimeMajor(x: tf.TensorInfo, w: tf.TensorInfo): tf.TensorInfo {
  const [b, L, F] = x.shape as [number, number, number];
  const G = w.shape[1]!;
  return product("mf_project_time_major", x, w, { M: L * b, N: G, K: F }, {
    transposeA: false,
    aRows: { stride: F, map: { kind: "time-major", batch: b, steps: L } },
  });
}

/** The projection's weight gradient: x (b, L, F) batch-major and dz (L*b, G) time-major -> x^T dz (F, G), the rows paired by step and batch row. */
export function projectionWeightGrad(x: tf.TensorInfo, dz: tf.TensorInfo): tf.TensorInfo {
  const [b, L, F] = x.shape as [number, number, number];
  const G = dz.shape[1]!;
  return product("mf_project_dw", x, dz, { M: F, N: G, K: L * b }, {
    transposeA: true,
    aRows: { stride: F, map: { kind: "time-major", batch: b, steps: L } },
  });
}

/**
 * The recurrent weights' gradient sum over t of h_{t-1}^T dz_t, with h read from the forward kernel's record (L*b, width):
 * each row's state at column `offset`, h_{-1} = 0 -> (H, G).
 */
export function recurrentWeightGrad(record: tf.TensorInfo, dz: tf.TensorInfo, units: number, offset: number, steps: number): tf.TensorInfo {
  const [n, width] = record.shape as [number, number];
  const G = dz.shape[1]!, batch = n / steps;
  return product("mf_recurrent_du", record, dz, { M: units, N: G, K: n }, {
    transposeA: true,
    aRows: { stride: width, offset, map: { kind: "previous", batch, steps } },
    kFrom: batch,
  });
}

/** Floats of a row of `n` padded to whole vec4s. */
export const padded4 = (n: number): number => Math.ceil(n / 4) * 4;

/**
 * The recurrent weights u (H, G) laid out as the fused kernels read them in vec4s, in one dispatch: `transposed` (G, HP)
 * for the forward (invocation j reads its gate columns along m), `padded` (H, GP) for a backward whose G is not a
 * multiple of 4 (it reads rows of u along the gates); HP, GP: H, G padded to a multiple of 4 with zeros.
 */
export function recurrentWeights(u: tf.TensorInfo, layout: "transposed" | "padded"): tf.TensorInfo {
  const [H, G] = u.shape as [number, number];
  const t = layout === "transposed";
  const [rows, cols, width] = t ? [G, H, padded4(H)] : [H, G, padded4(G)];
  const n = rows * width, groups = Math.min(Math.ceil(n / 64), 4096);
  const code = `
    @group(0) @binding(0) var<storage, read_write> out : array<f32>;
    @group(0) @binding(1) var<storage, read> u : array<f32>;
    @compute @workgroup_size(64)
    fn main(@builtin(global_invocation_id) gid : vec3<u32>) {
      for (var x = i32(gid.x); x < ${n}; x += ${groups * 64}) {
        let r = x / ${width}; let c = x % ${width};
        var v = 0.0;
        if (c < ${cols}) { v = u[${t ? `c * ${G} + r` : `r * ${G} + c`}]; }
        out[x] = v;
      }
    }`;
  const [out] = dispatchRaw({ key: `mf_recurrent_weights_${layout}_${H}_${G}`, code }, {
    outputs: [{ shape: [rows, width] }],
    inputs: [u],
    workgroups: [groups, 1, 1],
  });
  return out;
}
