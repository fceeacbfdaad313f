import { FLAT_INDEX, type RawKernel } from "./raw_dispatch.ts";

// One Adam step of one or more parameters in one dispatch (models/tfjs/webgpu/adam.ts): the moments are updated in
// place and the new parameter written beside them, which tfjs's one-output programs would take two dispatches for.
// A dispatch binds four buffers per parameter, so as many parameters as the device's storage-buffer bindings allow
// (two at WebGPU's default of 8) share one: the invocations run over their elements end to end.

const WG = 64;

/** Invocations per workgroup of the Adam kernel. */
export const ADAM_WORKGROUP = WG;

/** Storage buffers the kernel binds per parameter: the new parameter, its moments, the parameter, its gradient. */
export const ADAM_BUFFERS_PER_PARAMETER = 4;

/**
 * The kernel for `count` parameters: bindings, for j = 0..count-1, `wOut_j` (parameter j after the step, n_j),
 * then `mv_j` (its moments [m (n_j), v (n_j)], updated in place), then `w_j` and `g_j` (the parameter before and its
 * gradient, interleaved), then the uniforms (n_0.. n_{count-1}, then the settings). tf.train.adam's arithmetic in its
 * order: m = beta1 m + (1 - beta1) g, v = beta2 v + (1 - beta2) g^2, w + (m / d1) / (sqrt(v / d2) + eps) x -lr, with
 * beta^t's complements d1, d2 and the (1 - beta) factors computed on the host. Invocation i updates element i of the
 * parameters laid end to end.
 */
export function adamKernel(count: number): RawKernel {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`adamKernel: ${count} parameters; expected an integer of at least 1`);
  const params = Array.from({ length: count }, (_, j) => j);
  const b = (j: number, slot: number) => (slot < 2 ? slot * count + j : 2 * count + 2 * j + slot - 2);
  const bindings = params.map((j) =>
    [
      `@group(0) @binding(${b(j, 0)}) var<storage, read_write> wOut${j} : array<f32>;`,
      `@group(0) @binding(${b(j, 1)}) var<storage, read_write> mv${j} : array<f32>;`,
      `@group(0) @binding(${b(j, 2)}) var<storage, read> w${j} : array<f32>;`,
      `@group(0) @binding(${b(j, 3)}) var<storage, read> g${j} : array<f32>;`,
    ].join("\n    ")
  );
  // parameter j's elements start where the ones before it end; each branch updates one element of one parameter
  const branches = params.map((j) => {
    const start = params.slice(0, j).map((k) => `u.n${k}`).join(" + ") || "0";
    return `if (index < ${start} + u.n${j}) { step${j}(index - (${start})); return; }`;
  });
  const steps = params.map((j) => `
    fn step${j}(i : i32) {
      let gi = g${j}[i];
      let m = u.beta1 * mv${j}[i] + u.rest1 * gi;
      let v = u.beta2 * mv${j}[i + u.n${j}] + u.rest2 * (gi * gi);
      mv${j}[i] = m;
      mv${j}[i + u.n${j}] = v;
      wOut${j}[i] = ((m / u.d1) / (sqrt(v / u.d2) + u.eps)) * -u.lr + w${j}[i];
    }`);
  return {
    key: count === 1 ? "mf_adam" : `mf_adam_x${count}`,
    code: `
    const WG = ${WG}u;
    struct Uniforms { ${
      params.map((j) => `n${j} : i32, `).join("")
    }beta1 : f32, beta2 : f32, rest1 : f32, rest2 : f32, lr : f32, d1 : f32, d2 : f32, eps : f32, };
    ${bindings.join("\n    ")}
    @group(0) @binding(${4 * count}) var<uniform> u : Uniforms;
    ${steps.join("\n")}
    @compute @workgroup_size(${WG})
    fn main(@builtin(global_invocation_id) gid : vec3<u32>, @builtin(num_workgroups) nwg : vec3<u32>) {
      ${FLAT_INDEX}
      ${branches.join("\n      ")}
    }`,
  };
}
