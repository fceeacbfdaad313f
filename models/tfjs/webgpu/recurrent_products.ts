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
// split over S invocations of a workgroup and added through workgroup memory, so a GPU gets enough invocations.

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
 * again (~20% faster on lavapipe), in workgroups of 32 so the split sums' workgroup memory stays at 16 KiB.
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

/** K per invocation at most before the sum is split: enough work to hide a split's reduction, few enough for a GPU's parallelism. */
const K_PER_INVOCATION = 256;

function splits(k: number, WG: number): number {
  let s = 1;
  while (s < WG && s * K_PER_INVOCATION < k) s *= 2;
  return s;
}

/**
 * C (M, N) = sum over k of A'[m, k] B[k, n] in one dispatch, where A' is A (`transposeA` false: M rows of K) or A^T
 * (true: K rows of M), read through `rowsOf` (its row map), and B is (K, N) row-major; `bRows` maps B's rows likewise
 * (the default: row k). Returns C (M, N).
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
  const S = layout.transposeA ? splits(K - kFrom, WG) : 1;
  const tiles = MT * NT, perGroup = WG / S;
  const { stride, offset = 0, map } = layout.aRows;
  const fullKey = `${key}_${TM}x${CV}_${M}_${N}_${K}_${kFrom}_${stride}_${offset}_${map?.kind ?? "rows"}_${map?.batch ?? 0}`;
  const workgroups: [number, number, number] = [Math.ceil(tiles / perGroup), 1, 1];
  const cached = productCode.get(fullKey);
  if (cached !== undefined) return dispatchRaw({ key: fullKey, code: cached }, { outputs: [{ shape: [M, N] }], inputs: [a, b], workgroups })[0];
  const regs = (f: (i: number, v: number) => string, sep = " ") => Array.from({ length: TM * CV }, (_, x) => f(Math.floor(x / CV), x % CV)).join(sep);
  const vecs = (f: (v: number) => string) => Array.from({ length: CV }, (_, v) => f(v)).join(" ");
  const rows = (f: (i: number) => string) => Array.from({ length: TM }, (_, i) => f(i)).join(" ");
  // A's rows as vec4s where they are whole aligned vec4s (dU's states): a quarter of the loads
  const aVec = layout.transposeA && stride % 4 === 0 && offset % 4 === 0 && M % 4 === 0;
  // A's element for output row m0 + i at step k; rows past M are clamped (read, never written)
  const aLoad = (i: number) => {
    if (aVec) {
      if (i % 4) return "";
      return `let av${i} = a[(ar + min(m0 + ${i}, ${M - 4})) / 4]; let a${i} = av${i}.x; let a${i + 1} = av${i}.y; let a${i + 2} = av${i}.z; let a${
        i + 3
      } = av${i}.w;`;
    }
    const m = `min(m0 + ${i}, ${M - 1})`;
    const at = layout.transposeA ? `ar + ${m}` : `(${rowExpr(m, map)}) * ${stride} + ${offset} + k`;
    return `let a${i} = a[${at}];`;
  };
  const reduce = [];
  for (let h = S / 2; h >= 1; h /= 2) {
    reduce.push(`
      if (s >= ${h} && s < ${2 * h}) { let o = (lt * ${h} + s - ${h}) * ${TM * CV}; ${regs((i, v) => `red[o + ${i * CV + v}] = c${i}_${v};`)} }
      workgroupBarrier();
      if (s < ${h}) { let o = (lt * ${h} + s) * ${TM * CV}; ${regs((i, v) => `c${i}_${v} += red[o + ${i * CV + v}];`)} }
      workgroupBarrier();`);
  }
  const code = `
    @group(0) @binding(0) var<storage, read_write> c : array<${vt}>;
    @group(0) @binding(1) var<storage, read> a : array<${aVec ? "vec4<f32>" : "f32"}>;
    @group(0) @binding(2) var<storage, read> bm : array<${vt}>;
    ${S > 1 ? `var<workgroup> red : array<${vt}, ${(WG / 2) * TM * CV}>;` : ""}
    @compute @workgroup_size(${WG})
    fn main(@builtin(local_invocation_index) lid : u32, @builtin(workgroup_id) wid : vec3<u32>) {
      let s = i32(lid) % ${S};
      let lt = i32(lid) / ${S};
      let tile = min(i32(wid.x) * ${perGroup} + lt, ${tiles - 1});
      let live = i32(wid.x) * ${perGroup} + lt < ${tiles};
      let m0 = (tile / ${NT}) * ${TM};
      let n0 = (tile % ${NT}) * ${CV};
      ${regs((i, v) => `var c${i}_${v} = ${vt}(0.0);`)}
      for (var k = ${kFrom} + s; k < ${K}; k += ${S}) {
        let bo = k * ${NV};
        ${vecs((v) => `let b${v} = bm[bo + min(n0 + ${v}, ${NV - 1})];`)}
        ${layout.transposeA ? `let ar = (${rowExpr("k", map)}) * ${stride} + ${offset};` : ""}
        ${rows(aLoad)}
        ${regs((i, v) => `c${i}_${v} += a${i} * b${v};`)}
      }
      ${reduce.join("")}
      if (s == 0 && live) {
        ${rows((i) => `if (m0 + ${i} < ${M}) { ${vecs((v) => `if (n0 + ${v} < ${NV}) { c[(m0 + ${i}) * ${NV} + n0 + ${v}] = c${i}_${v}; }`)} }`)}
      }
    }`;
  productCode.set(fullKey, code);
  return dispatchRaw({ key: fullKey, code }, { outputs: [{ shape: [M, N] }], inputs: [a, b], workgroups })[0];
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
