import * as tf from "@tensorflow/tfjs";
import { dispatchRaw, flatWorkgroups } from "./raw_dispatch.ts";
import { sumPartials } from "./recurrent_plan.ts";

/**
 * Layer normalisation over the last axis as two WGSL kernels registered for tfjs's webgpu backend (raw dispatches,
 * so each writes several tensors). A workgroup of 64 invocations runs 64 / T rows side by side, T lanes a row, each
 * lane holding E = ceil(D / T) of the row's values in registers; a row's sums are reduced across its lanes in workgroup
 * memory. The arithmetic is LayerNorm's unfused one: mean = sum / D, var = sum((x - mean)^2) / D (biased),
 * y = (x - mean) * inverseSqrt(var + 1e-5) * gamma + beta.
 *
 * Forward (`MfLayerNorm`): x (..., D), gamma (D), beta (D) -> [y (x's shape), stats (N, 2): each row's mean and rstd].
 * Backward (`MfLayerNormGrad`): dy, x, stats, gamma -> [dx, dgamma, dbeta]: dx in one dispatch, whose workgroups also
 * sum dy x xhat and dy over the rows they ran (partials), then one dispatch sums the partials.
 */
export const LAYER_NORM_FORWARD = "MfLayerNorm";
/** The backward kernel's name (see LAYER_NORM_FORWARD). */
export const LAYER_NORM_BACKWARD = "MfLayerNormGrad";

/** Invocations per workgroup. */
export const LN_WG = 64;
/** Values a lane holds at most: rows up to 64 x 32 = 2048 wide. */
export const LN_MAX_PER_LANE = 32;
/** Workgroups of the backward kernel at most: each loops over its share of the rows, so the partials stay small. */
const MAX_BACKWARD_GROUPS = 512;

/** Lanes per row: a power of two up to 64, about D / 8 so that a lane holds ~8 values. */
export function lanesFor(d: number): number {
  let t = 1;
  while (t < 64 && t * 8 < d) t *= 2;
  return t;
}

// Constants, bindings and the lane-segment reduction both kernels share. `red` holds one float per invocation; a row's
// lanes are consecutive invocations, so its reduction halves within its own segment. Every invocation reaches every
// barrier (rows past the end compute on zeros and write nothing): barriers must be in uniform control flow.
const header = (d: number, bindings: string[]) => {
  const t = lanesFor(d);
  return `
    const D = ${d};
    const T = ${t};
    const E = ${Math.ceil(d / t)};
    const RPW = ${LN_WG / t};
    ${
    bindings.map((b, i) => `@group(0) @binding(${i}) var<storage, ${b.startsWith("out ") ? "read_write" : "read"}> ${b.replace("out ", "")} : array<f32>;`)
      .join("\n    ")
  }
    struct Uniforms { rows : i32, };
    @group(0) @binding(${bindings.length}) var<uniform> u : Uniforms;
    var<workgroup> red : array<f32, ${LN_WG}>;
    var<workgroup> red2 : array<f32, ${LN_WG}>;
    fn rowSum(lid : i32, lane : i32, v : f32) -> f32 {
      red[lid] = v;
      workgroupBarrier();
      for (var s = T / 2; s > 0; s = s / 2) {
        if (lane < s) { red[lid] += red[lid + s]; }
        workgroupBarrier();
      }
      let total = red[lid - lane];
      workgroupBarrier();
      return total;
    }
    fn rowSum2(lid : i32, lane : i32, v : vec2<f32>) -> vec2<f32> {
      red[lid] = v.x;
      red2[lid] = v.y;
      workgroupBarrier();
      for (var s = T / 2; s > 0; s = s / 2) {
        if (lane < s) { red[lid] += red[lid + s]; red2[lid] += red2[lid + s]; }
        workgroupBarrier();
      }
      let total = vec2<f32>(red[lid - lane], red2[lid - lane]);
      workgroupBarrier();
      return total;
    }`;
};

const forwardCode = (d: number) => `
  ${header(d, ["out y", "out stats", "x", "gamma", "beta"])}
  @compute @workgroup_size(${LN_WG})
  fn main(@builtin(local_invocation_index) li : u32, @builtin(workgroup_id) wid : vec3<u32>, @builtin(num_workgroups) nwg : vec3<u32>) {
    let lid = i32(li);
    let lane = lid % T;
    let row = i32(wid.x + wid.y * nwg.x) * RPW + lid / T;
    let valid = row < u.rows;
    let base = row * D;
    var xs : array<f32, E>;
    var s = 0.0;
    for (var e = 0; e < E; e++) {
      let k = lane + e * T;
      var v = 0.0;
      if (valid && k < D) { v = x[base + k]; }
      xs[e] = v;
      s += v;
    }
    let mean = rowSum(lid, lane, s) / f32(D);
    var q = 0.0;
    for (var e = 0; e < E; e++) {
      if (lane + e * T < D) { let c = xs[e] - mean; q += c * c; }
    }
    let rstd = inverseSqrt(rowSum(lid, lane, q) / f32(D) + 1e-5);
    if (!valid) { return; }
    for (var e = 0; e < E; e++) {
      let k = lane + e * T;
      if (k < D) { y[base + k] = (xs[e] - mean) * rstd * gamma[k] + beta[k]; }
    }
    if (lane == 0) { stats[row * 2] = mean; stats[row * 2 + 1] = rstd; }
  }`;

// dxhat = dy gamma; dx = rstd (dxhat - mean(dxhat) - xhat mean(dxhat xhat)). Each invocation also adds dy xhat and dy of
// its columns over the rows it runs; at the end the workgroup sums them over its RPW row slots into its partials row
// [dgamma (D), dbeta (D)].
const backwardCode = (d: number) => `
  ${header(d, ["out dx", "out partials", "dy", "x", "stats", "gamma"])}
  @compute @workgroup_size(${LN_WG})
  fn main(@builtin(local_invocation_index) li : u32, @builtin(workgroup_id) wid : vec3<u32>, @builtin(num_workgroups) nwg : vec3<u32>) {
    let lid = i32(li);
    let lane = lid % T;
    let slot = lid / T;
    let wg = i32(wid.x);
    let groups = i32(nwg.x);
    let blocks = (u.rows + RPW - 1) / RPW;
    var pg : array<f32, E>;
    var pb : array<f32, E>;
    for (var b = wg; b < blocks; b += groups) {
      let row = b * RPW + slot;
      let valid = row < u.rows;
      let base = row * D;
      var mean = 0.0; var rstd = 0.0;
      if (valid) { mean = stats[row * 2]; rstd = stats[row * 2 + 1]; }
      var xh : array<f32, E>;
      var g : array<f32, E>;
      var acc = vec2<f32>(0.0, 0.0);
      for (var e = 0; e < E; e++) {
        let k = lane + e * T;
        if (valid && k < D) {
          let dyv = dy[base + k];
          let h = (x[base + k] - mean) * rstd;
          xh[e] = h;
          g[e] = dyv * gamma[k];
          acc += vec2<f32>(g[e], g[e] * h);
          pg[e] += dyv * h;
          pb[e] += dyv;
        }
      }
      let sums = rowSum2(lid, lane, acc) / f32(D);
      if (valid) {
        for (var e = 0; e < E; e++) {
          let k = lane + e * T;
          if (k < D) { dx[base + k] = rstd * (g[e] - sums.x - xh[e] * sums.y); }
        }
      }
    }
    for (var e = 0; e < E; e++) {
      red[lid] = pg[e];
      red2[lid] = pb[e];
      workgroupBarrier();
      let k = lane + e * T;
      if (slot == 0 && k < D) {
        var sg = 0.0; var sb = 0.0;
        for (var r = 0; r < RPW; r++) { sg += red[r * T + lane]; sb += red2[r * T + lane]; }
        partials[wg * 2 * D + k] = sg;
        partials[wg * 2 * D + D + k] = sb;
      }
      workgroupBarrier();
    }
  }`;

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };
const rowsOf = (x: tf.TensorInfo) => x.shape.slice(0, -1).reduce((p, n) => p * n, 1);

function forward({ inputs }: KernelArgs): tf.TensorInfo[] {
  const { x, gamma, beta } = inputs as { x: tf.TensorInfo; gamma: tf.TensorInfo; beta: tf.TensorInfo };
  const d = x.shape.at(-1)!, rows = rowsOf(x);
  return dispatchRaw({ key: `mf_layer_norm_${d}`, code: forwardCode(d) }, {
    outputs: [{ shape: x.shape }, { shape: [rows, 2] }],
    inputs: [x, gamma, beta],
    uniforms: [{ type: "int32", data: [rows] }],
    workgroups: flatWorkgroups(rows, LN_WG / lanesFor(d)),
  });
}

/** Workgroups the backward kernel runs for `rows` rows of width `d`. */
export function backwardGroups(rows: number, d: number): number {
  return Math.max(1, Math.min(MAX_BACKWARD_GROUPS, Math.ceil(rows / (LN_WG / lanesFor(d)))));
}

function backward({ inputs, backend }: KernelArgs): tf.TensorInfo[] {
  const { dy, x, stats, gamma } = inputs as { dy: tf.TensorInfo; x: tf.TensorInfo; stats: tf.TensorInfo; gamma: tf.TensorInfo };
  const d = x.shape.at(-1)!, rows = rowsOf(x), groups = backwardGroups(rows, d);
  const [dx, partials] = dispatchRaw({ key: `mf_layer_norm_grad_${d}`, code: backwardCode(d) }, {
    outputs: [{ shape: x.shape }, { shape: [groups, 2 * d] }],
    inputs: [dy, x, stats, gamma],
    uniforms: [{ type: "int32", data: [rows] }],
    workgroups: [groups, 1, 1],
  });
  const [dgamma, dbeta] = sumPartials(partials, [d, d]);
  (backend as { disposeData(id: object): void }).disposeData(partials.dataId);
  return [dx, dgamma, dbeta];
}

/** Registers both LayerNorm kernels for the webgpu backend, once. */
export function registerLayerNormKernels(): void {
  if (tf.getKernel(LAYER_NORM_FORWARD, "webgpu")) return;
  tf.registerKernel({ kernelName: LAYER_NORM_FORWARD, backendName: "webgpu", kernelFunc: forward as unknown as tf.KernelFunc });
  tf.registerKernel({ kernelName: LAYER_NORM_BACKWARD, backendName: "webgpu", kernelFunc: backward as unknown as tf.KernelFunc });
}
