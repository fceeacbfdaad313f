import * as tf from "@tensorflow/tfjs";
import { dispatchRaw, FLAT_INDEX, flatWorkgroups, type RawKernel } from "./raw_dispatch.ts";

/**
 * Multi-head self-attention as two WGSL kernels registered for tfjs's webgpu backend, one invocation per
 * (sequence, query row, head), reading the projected rows straight from global memory.
 *
 * Forward (`MfAttention`): qkv (n T, 3d), each row [q | k | v] with the heads side by side in each -> [out (n T, d):
 * softmax(q k^T scale) v per head, written merged (the heads side by side); lse (n T, H): each query row's log-sum-exp
 * of its scaled scores, from which the backward recomputes the probabilities]. The softmax is online (running max and
 * sum), so no T x T score matrix is stored.
 * Backward (`MfAttentionGrad`): dy (n T, d), qkv, out, lse -> dqkv (n T, 3d). Each invocation is its row's query
 * (dq = scale sum_j ds_ij k_j) and its row's key and value (dk = scale sum_i ds_ij q_i, dv = sum_i p_ij dy_i), with
 * ds_ij = p_ij (dy_i . v_j - dy_i . out_i): one dispatch, writing disjoint parts of dqkv.
 * Attrs: steps (T), heads (H), causal (row i sees rows <= i only), scale (the scores' factor; planAttention gives 1/sqrt(d/H)).
 */
export const ATTENTION_FORWARD = "MfAttention";
/** The backward kernel's name (see ATTENTION_FORWARD). */
export const ATTENTION_BACKWARD = "MfAttentionGrad";

const WG = 64;

// Loops over a head's width are unrolled by UNROLL (the rest straight-line): Mesa's lavapipe stops an invocation's loops
// after ~65535 iterations in all (llvmpipe's guard against hangs; measured: two loops of 40000 ran 65534 times together),
// which a loop over the width inside the loop over rows reached at T = 200 and a head width of 96 (the backward's dk and
// dv came out zero). Unrolled, the backward runs 2 (1 + 2 dh / 16) iterations a row: a width of 256 reaches the limit
// near T = 990 on lavapipe (a limit of llvmpipe's, not of WebGPU).
const UNROLL = 16;

/** WGSL running body(c) for c = 0 .. dh - 1: a loop by UNROLL, then the rest written out. */
function overHead(dh: number, body: (c: string) => string): string {
  const full = Math.floor(dh / UNROLL) * UNROLL;
  const lines: string[] = [];
  if (full > 0) lines.push(`for (var c0 = 0; c0 < ${full}; c0 += ${UNROLL}) { ${Array.from({ length: UNROLL }, (_, k) => body(`(c0 + ${k})`)).join(" ")} }`);
  for (let c = full; c < dh; c++) lines.push(body(`${c}`));
  return lines.join("\n");
}

/** The kernels' attributes. */
export interface AttentionAttrs {
  steps: number;
  heads: number;
  causal: boolean;
  scale: number;
}

const header = (a: AttentionAttrs, dh: number) => `
  const WG = ${WG}u;
  const T = ${a.steps};
  const H = ${a.heads};
  const DH = ${dh};
  const D = H * DH;
  const W3 = 3 * D;
  struct Uniforms { rows : i32, scale : f32, };`;

// the first index, then past the last, of the rows j a query row i sees (all of its sequence, or j <= i)
const keys = (causal: boolean) => causal ? "let jEnd = i + 1;" : "let jEnd = T;";

// an invocation per (row, head): h the head, r the row, s its sequence, i the row within it
const ROW_HEAD = `${FLAT_INDEX}
    if (index >= u.rows * H) { return; }
    let h = index % H;
    let r = index / H;
    let s = r / T;
    let i = r - s * T;`;

const forwardCode = (a: AttentionAttrs, dh: number) => `
  ${header(a, dh)}
  @group(0) @binding(0) var<storage, read_write> out : array<f32>;
  @group(0) @binding(1) var<storage, read_write> lse : array<f32>;
  @group(0) @binding(2) var<storage, read> qkv : array<f32>;
  @group(0) @binding(3) var<uniform> u : Uniforms;
  @compute @workgroup_size(${WG})
  fn main(@builtin(global_invocation_id) gid : vec3<u32>, @builtin(num_workgroups) nwg : vec3<u32>) {
    ${ROW_HEAD}
    let qo = r * W3 + h * DH;
    var q : array<f32, DH>;
    var acc : array<f32, DH>;
    ${overHead(dh, (c) => `q[${c}] = qkv[qo + ${c}]; acc[${c}] = 0.0;`)}
    var m = -3.0e38;
    var l = 0.0;
    ${keys(a.causal)}
    for (var j = 0; j < jEnd; j++) {
      let ko = (s * T + j) * W3 + D + h * DH;
      var dot = 0.0;
      ${overHead(dh, (c) => `dot += q[${c}] * qkv[ko + ${c}];`)}
      let sc = dot * u.scale;
      let mNew = max(m, sc);
      let corr = exp(m - mNew);
      let p = exp(sc - mNew);
      l = l * corr + p;
      ${overHead(dh, (c) => `acc[${c}] = acc[${c}] * corr + p * qkv[ko + D + ${c}];`)}
      m = mNew;
    }
    let inv = 1.0 / l;
    let oo = r * D + h * DH;
    ${overHead(dh, (c) => `out[oo + ${c}] = acc[${c}] * inv;`)}
    lse[r * H + h] = m + log(l);
  }`;

const backwardCode = (a: AttentionAttrs, dh: number) => `
  ${header(a, dh)}
  @group(0) @binding(0) var<storage, read_write> dqkv : array<f32>;
  @group(0) @binding(1) var<storage, read> dy : array<f32>;
  @group(0) @binding(2) var<storage, read> qkv : array<f32>;
  @group(0) @binding(3) var<storage, read> out : array<f32>;
  @group(0) @binding(4) var<storage, read> lse : array<f32>;
  @group(0) @binding(5) var<uniform> u : Uniforms;
  @compute @workgroup_size(${WG})
  fn main(@builtin(global_invocation_id) gid : vec3<u32>, @builtin(num_workgroups) nwg : vec3<u32>) {
    ${ROW_HEAD}
    let ro = r * W3 + h * DH;
    let yo = r * D + h * DH;
    var a : array<f32, DH>;
    var b : array<f32, DH>;
    var g : array<f32, DH>;
    // as a query: a = q_i, b = dy_i, g accumulates dq_i
    var di = 0.0;
    ${overHead(dh, (c) => `a[${c}] = qkv[ro + ${c}]; b[${c}] = dy[yo + ${c}]; g[${c}] = 0.0; di += b[${c}] * out[yo + ${c}];`)}
    let lseI = lse[r * H + h];
    ${keys(a.causal)}
    for (var j = 0; j < jEnd; j++) {
      let ko = (s * T + j) * W3 + D + h * DH;
      var qk = 0.0;
      var dv = 0.0;
      ${overHead(dh, (c) => `qk += a[${c}] * qkv[ko + ${c}]; dv += b[${c}] * qkv[ko + D + ${c}];`)}
      let ds = exp(qk * u.scale - lseI) * (dv - di);
      ${overHead(dh, (c) => `g[${c}] += ds * qkv[ko + ${c}];`)}
    }
    ${overHead(dh, (c) => `dqkv[ro + ${c}] = g[${c}] * u.scale;`)}
    // as a key and a value: a = k_i, b = v_i, g accumulates dk_i; the query's dy is read per row instead
    var dvAcc : array<f32, DH>;
    ${overHead(dh, (c) => `a[${c}] = qkv[ro + D + ${c}]; b[${c}] = qkv[ro + 2 * D + ${c}]; g[${c}] = 0.0; dvAcc[${c}] = 0.0;`)}
    ${a.causal ? "let qStart = i;" : "let qStart = 0;"}
    for (var q = qStart; q < T; q++) {
      let rq = s * T + q;
      let qo = rq * W3 + h * DH;
      let qy = rq * D + h * DH;
      var qk = 0.0;
      var dv = 0.0;
      var dq = 0.0;
      ${overHead(dh, (c) => `qk += qkv[qo + ${c}] * a[${c}]; dv += dy[qy + ${c}] * b[${c}]; dq += dy[qy + ${c}] * out[qy + ${c}];`)}
      let p = exp(qk * u.scale - lse[rq * H + h]);
      let ds = p * (dv - dq);
      ${overHead(dh, (c) => `g[${c}] += ds * qkv[qo + ${c}]; dvAcc[${c}] += p * dy[qy + ${c}];`)}
    }
    ${overHead(dh, (c) => `dqkv[ro + D + ${c}] = g[${c}] * u.scale; dqkv[ro + 2 * D + ${c}] = dvAcc[${c}];`)}
  }`;

const kernelKey = (name: string, a: AttentionAttrs, dh: number) => `${name}_${a.steps}_${a.heads}_${dh}${a.causal ? "_causal" : ""}`;

function attrsOf(attrs: tf.NamedAttrMap | undefined): AttentionAttrs {
  return attrs as unknown as AttentionAttrs;
}

function forward({ inputs, attrs }: { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap }): tf.TensorInfo[] {
  const a = attrsOf(attrs);
  const { qkv } = inputs as { qkv: tf.TensorInfo };
  const [rows, w3] = qkv.shape as [number, number];
  const d = w3 / 3, dh = d / a.heads;
  const kernel: RawKernel = { key: kernelKey("mf_attention", a, dh), code: forwardCode(a, dh) };
  return dispatchRaw(kernel, {
    outputs: [{ shape: [rows, d] }, { shape: [rows, a.heads] }],
    inputs: [qkv],
    uniforms: [{ type: "int32", data: [rows] }, { type: "float32", data: [a.scale] }],
    workgroups: flatWorkgroups(rows * a.heads, WG),
  });
}

function backward({ inputs, attrs }: { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const a = attrsOf(attrs);
  const { dy, qkv, out, lse } = inputs as Record<string, tf.TensorInfo>;
  const [rows, w3] = qkv.shape as [number, number];
  const dh = w3 / 3 / a.heads;
  const kernel: RawKernel = { key: kernelKey("mf_attention_grad", a, dh), code: backwardCode(a, dh) };
  return dispatchRaw(kernel, {
    outputs: [{ shape: [rows, w3] }],
    inputs: [dy, qkv, out, lse],
    uniforms: [{ type: "int32", data: [rows] }, { type: "float32", data: [a.scale] }],
    workgroups: flatWorkgroups(rows * a.heads, WG),
  })[0];
}

/** Registers MfAttention and MfAttentionGrad for the webgpu backend (once). */
export function registerAttentionKernels(): void {
  if (tf.getKernel(ATTENTION_FORWARD, "webgpu")) return;
  tf.registerKernel({ kernelName: ATTENTION_FORWARD, backendName: "webgpu", kernelFunc: forward as unknown as tf.KernelFunc });
  tf.registerKernel({ kernelName: ATTENTION_BACKWARD, backendName: "webgpu", kernelFunc: backward as unknown as tf.KernelFunc });
}
