import type * as tf from "@tensorflow/tfjs";
import { dispatchRaw } from "./raw_dispatch.ts";

// tfjs's webgpu Sum and Mean reduce only the innermost axes: any other axes are first transposed inward, a second
// dispatch (and a tensor the size of the input). A bias gradient (the sum of dy over its rows) and a mean over time
// (globalAveragePooling1d) each took two. Here a contiguous block of axes is reduced where it lies, in one dispatch.

/** Invocations per workgroup. */
const WG = 256;

/** x seen as (outer, n, inner): the reduced axes are the middle block of n elements. */
export interface AxisBlock {
  outer: number;
  n: number;
  inner: number;
}

/**
 * The (outer, n, inner) view of reducing `axes` of `shape`, or undefined where it is not one contiguous block with
 * something after it (tfjs reduces innermost axes in one dispatch already) or where the input is empty.
 *
 * @example
 * axisBlock([16, 60, 32], [1]); // { outer: 16, n: 60, inner: 32 }
 */
export function axisBlock(shape: number[], axes: number[]): AxisBlock | undefined {
  const sorted = [...axes].sort((a, b) => a - b);
  if (sorted.length === 0 || sorted.some((a, i) => i > 0 && a !== sorted[i - 1] + 1)) return undefined;
  const first = sorted[0], last = sorted.at(-1)!;
  if (last === shape.length - 1) return undefined;
  const prod = (dims: number[]) => dims.reduce((p, d) => p * d, 1);
  const block = { outer: prod(shape.slice(0, first)), n: prod(shape.slice(first, last + 1)), inner: prod(shape.slice(last + 1)) };
  return block.outer * block.n * block.inner === 0 ? undefined : block;
}

/**
 * Columns a workgroup takes (C; its WG / C lanes per column share the rows): up to 16 consecutive inner elements, so
 * neighbouring lanes read neighbouring floats, but fewer where the rows are many, down to one column of 256 lanes
 * (tfjs's ReduceProgram's parallelism on a long reduction): a lane sums about 16 rows or, past 4,096, n / 256.
 */
function columnsFor(n: number, inner: number): number {
  let c = 1;
  while (c < 16 && c < inner) c *= 2;
  let lanes = 1;
  while (lanes < WG && lanes * 16 < n) lanes *= 2;
  return Math.max(1, Math.min(c, WG / lanes));
}

// A workgroup owns C columns of one outer index; its WG / C lanes per column stride over the n reduced rows, then the
// lanes' sums are halved together in workgroup memory.
const code = (c: number, mean: boolean) => `
  const C = ${c};
  const L = ${WG / c};
  struct Uniforms { n : i32, inner : i32, };
  @group(0) @binding(0) var<storage, read_write> result : array<f32>;
  @group(0) @binding(1) var<storage, read> x : array<f32>;
  @group(0) @binding(2) var<uniform> u : Uniforms;
  var<workgroup> part : array<f32, ${WG}>;
  @compute @workgroup_size(${WG})
  fn main(@builtin(local_invocation_index) li : u32, @builtin(workgroup_id) wid : vec3<u32>) {
    let lid = i32(li);
    let col = i32(wid.x) * C + lid % C;
    let lane = lid / C;
    let o = i32(wid.y);
    var s = 0.0;
    if (col < u.inner) {
      let base = o * u.n * u.inner + col;
      for (var r = lane; r < u.n; r += L) { s += x[base + r * u.inner]; }
    }
    part[lid] = s;
    workgroupBarrier();
    for (var h = L / 2; h > 0; h = h / 2) {
      if (lane < h) { part[lid] += part[lid + h * C]; }
      workgroupBarrier();
    }
    if (lane == 0 && col < u.inner) { result[o * u.inner + col] = ${mean ? "part[lid] / f32(u.n)" : "part[lid]"}; }
  }`;

/**
 * The float sum (or mean) of `x` over the middle block of `block` in one dispatch on tfjs's active webgpu backend,
 * shaped `outShape`; undefined where the grid would exceed `maxGroups` workgroups along a dimension.
 *
 * @example
 * const block = axisBlock(dy.shape, [0, 1]);
 * const dbias = block && sumAxisBlock(dy, block, [32], false, 65535);
 */
export function sumAxisBlock(x: tf.TensorInfo, block: AxisBlock, outShape: number[], mean: boolean, maxGroups: number): tf.TensorInfo | undefined {
  const c = columnsFor(block.n, block.inner);
  const groups = Math.ceil(block.inner / c);
  if (groups > maxGroups || block.outer > maxGroups) return undefined;
  return dispatchRaw({ key: `mf_axis_${mean ? "mean" : "sum"}_${c}`, code: code(c, mean) }, {
    outputs: [{ shape: outShape }],
    inputs: [x],
    uniforms: [{ type: "int32", data: [block.n] }, { type: "int32", data: [block.inner] }],
    workgroups: [groups, block.outer, 1],
  })[0];
}
