import { FLAT_INDEX, type RawKernel } from "./raw_dispatch.ts";

// One Adam step of one parameter in one dispatch (models/tfjs/webgpu/adam.ts): the moments are updated in place and the
// new parameter written beside them, which tfjs's one-output programs would take two dispatches for.

const WG = 64;

/** Invocations per workgroup of the Adam kernel. */
export const ADAM_WORKGROUP = WG;

/**
 * The kernel: bindings 0 `wOut` (the parameter after the step, n), 1 `mv` (the moments [m (n), v (n)], updated in
 * place), 2 `w` (the parameter before), 3 `g` (its gradient), 4 the uniforms. tf.train.adam's arithmetic in its order:
 * m = beta1 m + (1 - beta1) g, v = beta2 v + (1 - beta2) g^2, w + (m / d1) / (sqrt(v / d2) + eps) x -lr, with
 * beta^t's complements d1, d2 and the (1 - beta) factors computed on the host.
 */
export const ADAM_KERNEL: RawKernel = {
  key: "mf_adam",
  code: `
    const WG = ${WG}u;
    struct Uniforms { n : i32, beta1 : f32, beta2 : f32, rest1 : f32, rest2 : f32, lr : f32, d1 : f32, d2 : f32, eps : f32, };
    @group(0) @binding(0) var<storage, read_write> wOut : array<f32>;
    @group(0) @binding(1) var<storage, read_write> mv : array<f32>;
    @group(0) @binding(2) var<storage, read> w : array<f32>;
    @group(0) @binding(3) var<storage, read> g : array<f32>;
    @group(0) @binding(4) var<uniform> u : Uniforms;
    @compute @workgroup_size(${WG})
    fn main(@builtin(global_invocation_id) gid : vec3<u32>, @builtin(num_workgroups) nwg : vec3<u32>) {
      ${FLAT_INDEX}
      if (index >= u.n) { return; }
      let gi = g[index];
      let m = u.beta1 * mv[index] + u.rest1 * gi;
      let v = u.beta2 * mv[index + u.n] + u.rest2 * (gi * gi);
      mv[index] = m;
      mv[index + u.n] = v;
      wOut[index] = ((m / u.d1) / (sqrt(v / u.d2) + u.eps)) * -u.lr + w[index];
    }`,
};
