import * as tf from "@tensorflow/tfjs";
import { fusedKernels } from "./fused_flag.ts";

/** The part of tfjs's WebGPU backend the fused recurrent kernels use (typed here: its .d.ts needs the DOM's WebGPU types). */
export interface WebGpuBackendLike {
  device: { limits: GpuLimits };
  runWebGPUProgram(program: unknown, inputs: tf.TensorInfo[], dtype: "float32", uniforms?: { type: "int32"; data: number[] }[]): tf.TensorInfo;
}

/** The adapter limits a fused recurrence must fit (GPUSupportedLimits' names). */
export interface GpuLimits {
  maxComputeWorkgroupStorageSize: number;
  maxComputeInvocationsPerWorkgroup: number;
  maxComputeWorkgroupSizeX: number;
  maxComputeWorkgroupsPerDimension: number;
  maxStorageBufferBindingSize: number;
}

/** How a fused recurrence runs: a workgroup of one invocation per unit runs `rows` batch rows. */
export interface RecurrentPlan {
  backend: WebGpuBackendLike;
  rows: number;
}

/** The shape of one recurrence: `width` floats a step keeps per row at most (forward record or gradients), `shared` floats of workgroup memory per row. */
export interface RecurrentShape {
  units: number;
  batch: number;
  steps: number;
  width: number;
  shared: number;
}

/** Hears which path a recurrence took on webgpu: "fused" or "unfused (why)"; not called on other backends. */
export type RecurrentNote = (path: string) => void;

/**
 * The fused kernels' plan on the active backend, or undefined where the op takes its tfjs path: not
 * webgpu, the switch is off (fused_flag.ts), or the shape exceeds the device's limits (then `note`
 * hears why). One invocation per hidden unit, so the units must fit a workgroup; each invocation runs
 * up to MAX_ROWS batch rows, so that every weight it loads serves them all.
 */
export function planRecurrence(shape: RecurrentShape, note?: RecurrentNote): RecurrentPlan | undefined {
  if (tf.getBackend() !== "webgpu") return undefined;
  const plan = fit(shape);
  note?.("why" in plan ? `unfused (${plan.why})` : "fused");
  return "why" in plan ? undefined : plan;
}

/** Batch rows per workgroup at most: more rows share each weight load, fewer leave more workgroups to run in parallel. */
const MAX_ROWS = 8;

function fit(shape: RecurrentShape): RecurrentPlan | { why: string } {
  if (!fusedKernels()) return { why: "fused kernels off" };
  const backend = tf.backend() as unknown as WebGpuBackendLike;
  const lim = backend.device.limits;
  const H = shape.units;
  const invocations = Math.min(lim.maxComputeInvocationsPerWorkgroup, lim.maxComputeWorkgroupSizeX);
  if (H > invocations) return { why: `${H} units exceed ${invocations} invocations per workgroup` };
  const rowBytes = shape.shared * 4;
  if (rowBytes > lim.maxComputeWorkgroupStorageSize) return { why: `${rowBytes} bytes of workgroup storage exceed ${lim.maxComputeWorkgroupStorageSize}` };
  const rows = Math.max(1, Math.min(MAX_ROWS, shape.batch, Math.floor(lim.maxComputeWorkgroupStorageSize / rowBytes)));
  const groups = Math.ceil(shape.batch / rows);
  if (groups > lim.maxComputeWorkgroupsPerDimension) return { why: `${groups} workgroups exceed ${lim.maxComputeWorkgroupsPerDimension}` };
  const bytes = shape.steps * shape.batch * shape.width * 4;
  if (bytes > lim.maxStorageBufferBindingSize) return { why: `${bytes} bytes exceed the ${lim.maxStorageBufferBindingSize}-byte storage binding` };
  return { backend, rows };
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

/** A WebGPUProgram for tfjs's runWebGPUProgram: one workgroup of `units` invocations per `rows` batch rows, `batch` and `steps` as uniforms. */
export function recurrentProgram(key: string, variableNames: string[], outputShape: number[], plan: RecurrentPlan, shape: RecurrentShape, body: string) {
  return {
    variableNames,
    outputShape,
    shaderKey: `${key}_${shape.units}_${plan.rows}`,
    dispatchLayout: { x: [0] },
    dispatch: [Math.ceil(shape.batch / plan.rows), 1, 1] as [number, number, number],
    workgroupSize: [shape.units, 1, 1] as [number, number, number],
    uniforms: "batch : i32, steps : i32,",
    getUserCode: () => `
      const H = ${shape.units};
      const R = ${plan.rows};
      ${WGSL_ACTIVATIONS}
      var<workgroup> sh : array<f32, ${plan.rows * shape.shared}>;
      fn main(index : i32) {
        let j = i32(localIndex);
        let base = i32(workgroupId.x) * R;
        let batch = uniforms.batch;
        let steps = uniforms.steps;
        ${body}
      }`,
  };
}

/** Runs a recurrent program on the plan's backend; `batch` and `steps` go in as uniforms. */
export function runRecurrent(plan: RecurrentPlan, program: ReturnType<typeof recurrentProgram>, inputs: tf.TensorInfo[], shape: RecurrentShape): tf.TensorInfo {
  return plan.backend.runWebGPUProgram(program, inputs, "float32", [{ type: "int32", data: [shape.batch] }, { type: "int32", data: [shape.steps] }]);
}
