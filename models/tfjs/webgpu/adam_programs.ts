// The two WGSL programs of the fused Adam step (models/tfjs/webgpu/adam.ts), in the shape tfjs's WebGPU backend
// runs through `runWebGPUProgram`: it declares `result` (the output), one read-only storage array per
// variable name, and a `uniforms` struct with the shapes, `size` and the fields named in `uniforms`.

/** What `runWebGPUProgram` needs of a program (tfjs-backend-webgpu's WebGPUProgram, without its DOM types). */
export interface WebGpuProgram {
  variableNames: string[];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];
  size: boolean;
  uniforms: string;
  getUserCode(): string;
}

const WORKGROUP = 64;

/** A flat program over every element of `outputShape`, one invocation an element. */
function flat(outputShape: number[], size: number): Pick<WebGpuProgram, "outputShape" | "dispatchLayout" | "dispatch" | "workgroupSize" | "size"> {
  return {
    outputShape,
    dispatchLayout: { x: outputShape.map((_, i) => i) },
    // tfjs reshapes a dispatch beyond the device's per-dimension limit itself
    dispatch: [Math.ceil(size / WORKGROUP), 1, 1],
    workgroupSize: [WORKGROUP, 1, 1],
    size: true,
  };
}

/**
 * Adam's moments of one parameter of `n` elements, kept as one tensor [m (n), v (n)]:
 * inputs G (the gradient) and MV (the moments before), output the moments after;
 * uniforms beta1, beta2 and 1 - each (computed in float64 on the host, as tf.train.adam does).
 */
export function adamMomentsProgram(n: number): WebGpuProgram {
  return {
    ...flat([2 * n], 2 * n),
    variableNames: ["G", "MV"],
    shaderKey: "mf_adam_moments",
    uniforms: "beta1 : f32, beta2 : f32, rest1 : f32, rest2 : f32,",
    getUserCode: () => `
      fn main(index : i32) {
        if (index < uniforms.size) {
          let n = uniforms.size / 2;
          if (index < n) {
            setOutputAtIndex(index, uniforms.beta1 * MV[index] + uniforms.rest1 * G[index]);
          } else {
            let g = G[index - n];
            setOutputAtIndex(index, uniforms.beta2 * MV[index] + uniforms.rest2 * (g * g));
          }
        }
      }`,
  };
}

/**
 * The parameter after one Adam step: inputs W (the parameter, shaped `shape`) and MV (its moments after this
 * step), output W + (m / d1) / (sqrt(v / d2) + eps) x -lr, with d1 = 1 - beta1^t and d2 = 1 - beta2^t as
 * uniforms: tf.train.adam's arithmetic in its order, in one kernel.
 */
export function adamStepProgram(shape: number[]): WebGpuProgram {
  const n = shape.reduce((p, d) => p * d, 1);
  return {
    ...flat(shape, n),
    variableNames: ["W", "MV"],
    shaderKey: "mf_adam_step",
    uniforms: "lr : f32, d1 : f32, d2 : f32, eps : f32,",
    getUserCode: () => `
      fn main(index : i32) {
        if (index < uniforms.size) {
          let m = MV[index] / uniforms.d1;
          let v = MV[index + uniforms.size] / uniforms.d2;
          setOutputAtIndex(index, (m / (sqrt(v) + uniforms.eps)) * -uniforms.lr + W[index]);
        }
      }`,
  };
}
