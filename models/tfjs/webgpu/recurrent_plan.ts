import * as tf from "@tensorflow/tfjs";
import { fusedKernels } from "./fused_flag.ts";
import { dispatchRaw } from "./raw_dispatch.ts";

/** The part of tfjs's WebGPU backend the fused recurrent kernels plan with (typed here: its .d.ts needs the DOM's WebGPU types). */
export interface WebGpuBackendLike {
  device: { limits: GpuLimits; adapterInfo?: { isFallbackAdapter?: boolean } };
}

/** The adapter limits a fused recurrence must fit (GPUSupportedLimits' names). */
export interface GpuLimits {
  maxComputeWorkgroupStorageSize: number;
  maxComputeInvocationsPerWorkgroup: number;
  maxComputeWorkgroupSizeX: number;
  maxComputeWorkgroupsPerDimension: number;
  maxStorageBufferBindingSize: number;
}

/** How a fused recurrence runs: a workgroup of units / `perInvocation` invocations runs `rows` batch rows. */
export interface RecurrentPlan {
  backend: WebGpuBackendLike;
  rows: number;
  /** Units each invocation runs (1, 2 or 4): invocation j runs units j, j + H/p, ... */
  perInvocation: number;
}

/** The shape of one recurrence: `width` floats a step keeps per row at most (forward record or gradients), `shared` floats of workgroup memory per row. */
export interface RecurrentShape {
  units: number;
  batch: number;
  steps: number;
  width: number;
  shared: number;
}

/**
 * Hears which path a recurrence took: on webgpu "fused" or "unfused (why)", on wasm "wasm kernel" or "tfjs ops (why)"
 * (wasm/lstm_wasm.ts, gru_wasm.ts); not called on other backends.
 */
export type RecurrentNote = (path: string) => void;

/**
 * The fused kernels' plan on the active backend, or undefined where the op takes its tfjs path: not
 * webgpu, the switch is off (fused_flag.ts), or the shape exceeds the device's limits (then `note`
 * hears why). One invocation per hidden unit, so the units must fit a workgroup; each invocation runs
 * up to maxRows batch rows, so that every weight it loads serves them all.
 */
export function planRecurrence(shape: RecurrentShape, note?: RecurrentNote): RecurrentPlan | undefined {
  if (tf.getBackend() !== "webgpu") return undefined;
  const plan = fit(shape);
  note?.("why" in plan ? `unfused (${plan.why})` : "fused");
  return "why" in plan ? undefined : plan;
}

/**
 * Batch rows per workgroup at most: more rows share each weight load, fewer leave more workgroups to run in parallel.
 * A GPU runs 8, so a step's chain stays short. An adapter that runs on the CPU runs a workgroup on one core, where 16
 * rows cut the recurrences' time by ~30% (lavapipe, batch 256) once the batch still leaves 16 workgroups to share out.
 */
export function maxRows(batch: number, cpuAdapter: boolean): number {
  return cpuAdapter && batch >= 16 * 16 ? 16 : 8;
}

function fit(shape: RecurrentShape): RecurrentPlan | { why: string } {
  if (!fusedKernels()) return { why: "fused kernels off" };
  const backend = tf.backend() as unknown as WebGpuBackendLike;
  const lim = backend.device.limits;
  const H = shape.units;
  const invocations = Math.min(lim.maxComputeInvocationsPerWorkgroup, lim.maxComputeWorkgroupSizeX);
  if (H > invocations) return { why: `${H} units exceed ${invocations} invocations per workgroup` };
  const rowBytes = shape.shared * 4;
  if (rowBytes > lim.maxComputeWorkgroupStorageSize) return { why: `${rowBytes} bytes of workgroup storage exceed ${lim.maxComputeWorkgroupStorageSize}` };
  const cpu = backend.device.adapterInfo?.isFallbackAdapter === true;
  const rows = Math.max(1, Math.min(maxRows(shape.batch, cpu), shape.batch, Math.floor(lim.maxComputeWorkgroupStorageSize / rowBytes)));
  const groups = Math.ceil(shape.batch / rows);
  if (groups > lim.maxComputeWorkgroupsPerDimension) return { why: `${groups} workgroups exceed ${lim.maxComputeWorkgroupsPerDimension}` };
  const bytes = shape.steps * shape.batch * shape.width * 4;
  if (bytes > lim.maxStorageBufferBindingSize) return { why: `${bytes} bytes exceed the ${lim.maxStorageBufferBindingSize}-byte storage binding` };
  return { backend, rows, perInvocation: perInvocation(H, cpu) };
}

/**
 * Units per invocation. Every invocation reads the step's whole state (forward) or gradient (backward) from workgroup
 * memory, so each unit more per invocation divides those reads. A GPU runs a workgroup's invocations in parallel, and
 * there one unit per invocation keeps each step's chain of FMAs shortest. An adapter that runs on the CPU (a fallback
 * adapter: lavapipe, SwiftShader) runs a workgroup on one core, a SIMD vector of invocations at a time, where only the
 * number of loads counts (each is a loop over the lanes there): 4 units an invocation, as long as two vectors of 8
 * invocations remain.
 */
export function perInvocation(units: number, cpuAdapter: boolean): number {
  if (!cpuAdapter) return 1;
  for (const p of [4, 2]) if (units % p === 0 && units / p >= 16) return p;
  return 1;
}

/** WGSL helpers shared by the kernels: tanh from one exp of a non-positive number (WGSL's tanh may give NaN for large inputs), sigmoid. */
export const WGSL_ACTIVATIONS = `
  fn tanhSafe(x : f32) -> f32 {
    let e = exp(-2.0 * abs(x));
    return sign(x) * (1.0 - e) / (1.0 + e);
  }
  fn sigmoid1(x : f32) -> f32 {
    return 1.0 / (1.0 + exp(-x));
  }
`;

/** A binding of a recurrent kernel: a tensor it writes (`out`) or reads (`in`), by the name its WGSL uses. */
export interface RecurrentBinding {
  name: string;
  access: "out" | "in";
  /** The tensor's shape, for outputs. */
  shape?: number[];
  /** Bound as vec4s (its rows a multiple of 4 floats): a software adapter loads a vec4 for about the cost of one float. */
  vec4?: boolean;
}

const kernelCode = new Map<string, string>();

/**
 * Runs a recurrent kernel (raw_dispatch.ts, so it may write several tensors): one workgroup of HS = units / perInvocation
 * invocations per `rows` batch rows, `batch` and `steps` as uniforms; the body sees H, R, HS, j (the invocation, whose
 * units are j, j + HS, ...), base (the first row), wg (the
 * workgroup), batch, steps and `sh`, `shape.shared` floats (a multiple of 4) of workgroup memory per row as vec4s.
 * Outputs come first in `bindings`, then inputs; `body` is called once per key. Returns the outputs.
 */
export function runRecurrentKernel(
  key: string,
  plan: RecurrentPlan,
  shape: RecurrentShape,
  bindings: RecurrentBinding[],
  inputs: tf.TensorInfo[],
  body: () => string,
): tf.TensorInfo[] {
  const outs = bindings.filter((b) => b.access === "out");
  const decls = bindings.map((b, i) =>
    `@group(0) @binding(${i}) var<storage, ${b.access === "out" ? "read_write" : "read"}> ${b.name} : array<${b.vec4 ? "vec4<f32>" : "f32"}>;`
  );
  const fullKey = `${key}_${shape.units}_${plan.rows}_${plan.perInvocation}`;
  // the unrolled bodies run to tens of kB: built once per kernel, not per call
  let code = kernelCode.get(fullKey);
  if (code === undefined) {
    code = `
    const H = ${shape.units};
    const R = ${plan.rows};
    const HS = ${shape.units / plan.perInvocation};
    struct Uniforms { batch : i32, steps : i32, };
    ${decls.join("\n    ")}
    @group(0) @binding(${bindings.length}) var<uniform> u : Uniforms;
    ${WGSL_ACTIVATIONS}
    var<workgroup> sh : array<vec4<f32>, ${(plan.rows * shape.shared) / 4}>;
    @compute @workgroup_size(${shape.units / plan.perInvocation})
    fn main(@builtin(local_invocation_index) lid : u32, @builtin(workgroup_id) wid : vec3<u32>) {
      let j = i32(lid);
      let wg = i32(wid.x);
      let base = wg * R;
      let batch = u.batch;
      let steps = u.steps;
      ${body()}
    }`;
    kernelCode.set(fullKey, code);
  }
  return dispatchRaw({ key: fullKey, code }, {
    outputs: outs.map((o) => ({ shape: o.shape! })),
    inputs,
    uniforms: [{ type: "int32", data: [shape.batch] }, { type: "int32", data: [shape.steps] }],
    workgroups: [Math.ceil(shape.batch / plan.rows), 1, 1],
  });
}

const SUM_WG = 64;

/**
 * Column sums of per-workgroup partials (groups, sum of `widths`), split into one vector per width: the bias
 * gradients of a recurrence, whose kernel sums its own rows, in one dispatch.
 */
export function sumPartials(partials: tf.TensorInfo, widths: number[]): tf.TensorInfo[] {
  const [groups, width] = partials.shape as [number, number];
  const outs = widths.map((_, k) => `@group(0) @binding(${k}) var<storage, read_write> out${k} : array<f32>;`).join("\n");
  let offset = 0;
  const writes = widths.map((w, k) => {
    const line = `if (col >= ${offset} && col < ${offset + w}) { out${k}[col - ${offset}] = s; }`;
    offset += w;
    return line;
  }).join("\n");
  const code = `
    const G = ${groups};
    const W = ${width};
    ${outs}
    @group(0) @binding(${widths.length}) var<storage, read> p : array<f32>;
    @compute @workgroup_size(${SUM_WG})
    fn main(@builtin(global_invocation_id) gid : vec3<u32>) {
      let col = i32(gid.x);
      if (col >= W) { return; }
      var s = 0.0;
      for (var g = 0; g < G; g++) { s += p[g * W + col]; }
      ${writes}
    }`;
  return dispatchRaw({ key: `mf_sum_partials_${groups}_${widths.join("_")}`, code }, {
    outputs: widths.map((w) => ({ shape: [w] })),
    inputs: [partials],
    workgroups: [Math.ceil(width / SUM_WG), 1, 1],
  });
}
