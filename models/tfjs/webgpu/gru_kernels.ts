import * as tf from "@tensorflow/tfjs";
import { type RecurrentPlan, recurrentProgram, type RecurrentShape, runRecurrent, type WebGpuBackendLike } from "./recurrent_plan.ts";

/**
 * The "reset after" GRU recurrence (models/gru/gru_op.ts) as two WGSL kernels registered for
 * tfjs's webgpu backend, laid out as the LSTM's (lstm_kernels.ts): a workgroup owns `rows` batch
 * rows, one invocation per (row, unit), h in workgroup memory, U read from its storage buffer.
 *
 * Forward (`MfGruForward`): xz (L*b, 3H) time-major, u (H, 3H), bh (3H) -> the record (L*b, 5H):
 * per step and row [h, r, z, n, hn] with hn = (h U + bh)_n.
 * Backward (`MfGruBackward`): dy (L*b, H), the record, u -> (2*L*b, 3H): rows [0, L*b) are dxz
 * ([dr, dz, dn] of the pre-activations), rows [L*b, 2*L*b) are dhz, the gradient of h U + bh
 * ([dr, dz, dn * r]), from which dU and dbh are one product and one sum.
 */
export const GRU_FORWARD = "MfGruForward";
/** The backward kernel's name (see GRU_FORWARD). */
export const GRU_BACKWARD = "MfGruBackward";

const FORWARD = `
  sh[li] = 0.0;
  var hj = 0.0;
  workgroupBarrier();
  for (var t = 0; t < steps; t++) {
    let xr = t * batch + row;
    var ar = 0.0; var az = 0.0; var an = 0.0;
    if (live) {
      ar = bh[j]; az = bh[j + H]; an = bh[j + 2 * H];
      for (var m = 0; m < H; m++) {
        let hm = sh[r * H + m];
        let uo = m * 3 * H + j;
        ar += hm * rec[uo]; az += hm * rec[uo + H]; an += hm * rec[uo + 2 * H];
      }
    }
    workgroupBarrier();
    if (live) {
      let xo = xr * 3 * H + j;
      let rg = sigmoid1(xz[xo] + ar);
      let zg = sigmoid1(xz[xo + H] + az);
      let n = tanhSafe(xz[xo + 2 * H] + rg * an);
      hj = n + zg * (hj - n);
      sh[li] = hj;
      let yo = xr * 5 * H + j;
      result[yo] = hj; result[yo + H] = rg; result[yo + 2 * H] = zg; result[yo + 3 * H] = n; result[yo + 4 * H] = an;
    }
    workgroupBarrier();
  }`;

const BACKWARD = `
  var dh = 0.0;
  for (var s = 0; s < steps; s++) {
    let t = steps - 1 - s;
    let xr = t * batch + row;
    var carry = 0.0;
    if (live) {
      let d = dy[xr * H + j] + dh;
      let yo = xr * 5 * H + j;
      let rg = ys[yo + H]; let zg = ys[yo + 2 * H]; let n = ys[yo + 3 * H]; let hn = ys[yo + 4 * H];
      var hp = 0.0;
      if (t > 0) { hp = ys[(xr - batch) * 5 * H + j]; }
      let dn = d * (1.0 - zg) * (1.0 - n * n);
      let dr = dn * hn * rg * (1.0 - rg);
      let dz = d * (hp - n) * zg * (1.0 - zg);
      let xo = xr * 3 * H + j;
      result[xo] = dr; result[xo + H] = dz; result[xo + 2 * H] = dn;
      let ho = (steps * batch + xr) * 3 * H + j;
      result[ho] = dr; result[ho + H] = dz; result[ho + 2 * H] = dn * rg;
      let so = r * 3 * H + j;
      sh[so] = dr; sh[so + H] = dz; sh[so + 2 * H] = dn * rg;
      carry = d * zg;
    }
    workgroupBarrier();
    if (live) {
      var acc = carry;
      for (var k = 0; k < 3 * H; k++) { acc += sh[r * 3 * H + k] * rec[j * 3 * H + k]; }
      dh = acc;
    }
    workgroupBarrier();
  }`;

/** The shape both GRU kernels plan for: the backward's two gradients are the widest buffer, its 3H gradients the largest workgroup memory. */
export function gruShape(units: number, batch: number, steps: number): RecurrentShape {
  return { units, batch, steps, width: 6 * units, shared: 3 * units };
}

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

function forward({ inputs, backend, attrs }: KernelArgs) {
  const { xz, u, bh } = inputs as { xz: tf.TensorInfo; u: tf.TensorInfo; bh: tf.TensorInfo };
  const steps = attrs!.steps as number, rows = attrs!.rows as number, H = u.shape[0]!;
  const shape = gruShape(H, xz.shape[0]! / steps, steps);
  const plan: RecurrentPlan = { backend: backend as WebGpuBackendLike, rows };
  return runRecurrent(plan, recurrentProgram("mfGruForward", ["xz", "rec", "bh"], [xz.shape[0]!, 5 * H], plan, shape, FORWARD), [xz, u, bh], shape);
}

function backward({ inputs, backend, attrs }: KernelArgs) {
  const { dy, ys, u } = inputs as { dy: tf.TensorInfo; ys: tf.TensorInfo; u: tf.TensorInfo };
  const steps = attrs!.steps as number, rows = attrs!.rows as number, H = u.shape[0]!;
  const shape = gruShape(H, dy.shape[0]! / steps, steps);
  const plan: RecurrentPlan = { backend: backend as WebGpuBackendLike, rows };
  return runRecurrent(plan, recurrentProgram("mfGruBackward", ["dy", "ys", "rec"], [2 * dy.shape[0]!, 3 * H], plan, shape, BACKWARD), [dy, ys, u], shape);
}

/** Registers both GRU kernels for the webgpu backend, once. */
export function registerGruKernels(): void {
  if (tf.getKernel(GRU_FORWARD, "webgpu")) return;
  tf.registerKernel({ kernelName: GRU_FORWARD, backendName: "webgpu", kernelFunc: forward as tf.KernelFunc });
  tf.registerKernel({ kernelName: GRU_BACKWARD, backendName: "webgpu", kernelFunc: backward as tf.KernelFunc });
}
