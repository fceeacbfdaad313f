import * as tf from "@tensorflow/tfjs";
import { type RecurrentPlan, recurrentProgram, type RecurrentShape, runRecurrent, type WebGpuBackendLike } from "./recurrent_plan.ts";

/**
 * The "reset after" GRU recurrence (models/gru/gru_op.ts) as two WGSL kernels registered for
 * tfjs's webgpu backend, laid out as the LSTM's (lstm_kernels.ts): a workgroup runs `rows` batch
 * rows with one invocation per unit, h in workgroup memory, U read from its storage buffer once a step.
 *
 * Forward (`MfGruForward`): xz (L*b, 3H) time-major, u (H, 3H), bh (3H) -> the record (L*b, 5H):
 * per step and row [h, r, z, n, hn] with hn = (h U + bh)_n.
 * Backward (`MfGruBackward`): dy (L*b, H), the record, u transposed (3H, H) -> (2*L*b, 3H): rows [0, L*b) are dxz
 * ([dr, dz, dn] of the pre-activations), rows [L*b, 2*L*b) are dhz, the gradient of h U + bh
 * ([dr, dz, dn * r]), from which dU and dbh are one product and one sum.
 */
export const GRU_FORWARD = "MfGruForward";
/** The backward kernel's name (see GRU_FORWARD). */
export const GRU_BACKWARD = "MfGruBackward";

const FORWARD = `
  var hj : array<f32, R>;
  for (var q = 0; q < R; q++) { sh[q * H + j] = 0.0; }
  workgroupBarrier();
  let br = bh[j]; let bz = bh[j + H]; let bn = bh[j + 2 * H];
  for (var t = 0; t < steps; t++) {
    var ar : array<f32, R>; var az : array<f32, R>; var an : array<f32, R>;
    for (var q = 0; q < R; q++) { ar[q] = br; az[q] = bz; an[q] = bn; }
    for (var m = 0; m < H; m++) {
      let uo = m * 3 * H + j;
      let ur = rec[uo]; let uz = rec[uo + H]; let un = rec[uo + 2 * H];
      for (var q = 0; q < R; q++) {
        let hm = sh[q * H + m];
        ar[q] += hm * ur; az[q] += hm * uz; an[q] += hm * un;
      }
    }
    workgroupBarrier();
    for (var q = 0; q < R; q++) {
      if (base + q < batch) {
        let xr = t * batch + base + q;
        let xo = xr * 3 * H + j;
        let rg = sigmoid1(xz[xo] + ar[q]);
        let zg = sigmoid1(xz[xo + H] + az[q]);
        let n = tanhSafe(xz[xo + 2 * H] + rg * an[q]);
        hj[q] = n + zg * (hj[q] - n);
        sh[q * H + j] = hj[q];
        let yo = xr * 5 * H + j;
        result[yo] = hj[q]; result[yo + H] = rg; result[yo + 2 * H] = zg; result[yo + 3 * H] = n; result[yo + 4 * H] = an[q];
      }
    }
    workgroupBarrier();
  }`;

// recT is U transposed (3H, H): invocation j reads its column of U as consecutive lanes read consecutive floats.
const BACKWARD = `
  var dh : array<f32, R>;
  var carry : array<f32, R>;
  for (var s = 0; s < steps; s++) {
    let t = steps - 1 - s;
    for (var q = 0; q < R; q++) {
      var dr = 0.0; var dz = 0.0; var dhn = 0.0;
      if (base + q < batch) {
        let xr = t * batch + base + q;
        let d = dy[xr * H + j] + dh[q];
        let yo = xr * 5 * H + j;
        let rg = ys[yo + H]; let zg = ys[yo + 2 * H]; let n = ys[yo + 3 * H]; let hn = ys[yo + 4 * H];
        var hp = 0.0;
        if (t > 0) { hp = ys[(xr - batch) * 5 * H + j]; }
        let dn = d * (1.0 - zg) * (1.0 - n * n);
        dr = dn * hn * rg * (1.0 - rg);
        dz = d * (hp - n) * zg * (1.0 - zg);
        dhn = dn * rg;
        let xo = xr * 3 * H + j;
        result[xo] = dr; result[xo + H] = dz; result[xo + 2 * H] = dn;
        let ho = (steps * batch + xr) * 3 * H + j;
        result[ho] = dr; result[ho + H] = dz; result[ho + 2 * H] = dhn;
        carry[q] = d * zg;
      }
      let so = q * 3 * H + j;
      sh[so] = dr; sh[so + H] = dz; sh[so + 2 * H] = dhn;
    }
    workgroupBarrier();
    for (var q = 0; q < R; q++) { dh[q] = carry[q]; }
    for (var k = 0; k < 3 * H; k++) {
      let w = recT[k * H + j];
      for (var q = 0; q < R; q++) { dh[q] += sh[q * 3 * H + k] * w; }
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
  const { dy, ys, uT } = inputs as { dy: tf.TensorInfo; ys: tf.TensorInfo; uT: tf.TensorInfo };
  const steps = attrs!.steps as number, rows = attrs!.rows as number, H = uT.shape[1]!;
  const shape = gruShape(H, dy.shape[0]! / steps, steps);
  const plan: RecurrentPlan = { backend: backend as WebGpuBackendLike, rows };
  return runRecurrent(plan, recurrentProgram("mfGruBackward", ["dy", "ys", "recT"], [2 * dy.shape[0]!, 3 * H], plan, shape, BACKWARD), [dy, ys, uT], shape);
}

/** Registers both GRU kernels for the webgpu backend, once. */
export function registerGruKernels(): void {
  if (tf.getKernel(GRU_FORWARD, "webgpu")) return;
  tf.registerKernel({ kernelName: GRU_FORWARD, backendName: "webgpu", kernelFunc: forward as tf.KernelFunc });
  tf.registerKernel({ kernelName: GRU_BACKWARD, backendName: "webgpu", kernelFunc: backward as tf.KernelFunc });
}
