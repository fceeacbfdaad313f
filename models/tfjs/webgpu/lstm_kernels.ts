import * as tf from "@tensorflow/tfjs";
import { type RecurrentPlan, recurrentProgram, type RecurrentShape, runRecurrent, type WebGpuBackendLike } from "./recurrent_plan.ts";

/**
 * The LSTM recurrence as two WGSL kernels registered for tfjs's webgpu backend. A workgroup owns
 * `rows` batch rows with one invocation per unit, and loops over time: h in workgroup memory, c in
 * registers, U read from its storage buffer once a step for all the rows.
 *
 * Forward (`MfLstmForward`): xz (L*b, 4H) time-major, u (H, 4H) -> the record (L*b, 6H): per step
 * and row [h, c, i, f, o, g] (activated gates), everything the backward pass reads.
 * Backward (`MfLstmBackward`): dy (L*b, H), the record, u transposed (4H, H) -> dz (L*b, 4H), the gradient of the
 * gates' pre-activations, which is dxz; dU = sum_t h_{t-1}^T dz_t is one product after.
 */
export const LSTM_FORWARD = "MfLstmForward";
/** The backward kernel's name (see LSTM_FORWARD). */
export const LSTM_BACKWARD = "MfLstmBackward";

const FORWARD = `
  var c : array<f32, R>;
  for (var q = 0; q < R; q++) { sh[q * H + j] = 0.0; }
  workgroupBarrier();
  for (var t = 0; t < steps; t++) {
    var zi : array<f32, R>; var zf : array<f32, R>; var zo : array<f32, R>; var zg : array<f32, R>;
    for (var q = 0; q < R; q++) {
      if (base + q < batch) {
        let xo = (t * batch + base + q) * 4 * H + j;
        zi[q] = xz[xo]; zf[q] = xz[xo + H]; zo[q] = xz[xo + 2 * H]; zg[q] = xz[xo + 3 * H];
      }
    }
    for (var m = 0; m < H; m++) {
      let uo = m * 4 * H + j;
      let ui = rec[uo]; let uf = rec[uo + H]; let uu = rec[uo + 2 * H]; let ug = rec[uo + 3 * H];
      for (var q = 0; q < R; q++) {
        let hm = sh[q * H + m];
        zi[q] += hm * ui; zf[q] += hm * uf; zo[q] += hm * uu; zg[q] += hm * ug;
      }
    }
    workgroupBarrier();
    for (var q = 0; q < R; q++) {
      let i = sigmoid1(zi[q]); let f = sigmoid1(zf[q]); let o = sigmoid1(zo[q]); let g = tanhSafe(zg[q]);
      c[q] = f * c[q] + i * g;
      let h = o * tanhSafe(c[q]);
      sh[q * H + j] = h;
      if (base + q < batch) {
        let yo = (t * batch + base + q) * 6 * H + j;
        result[yo] = h; result[yo + H] = c[q]; result[yo + 2 * H] = i; result[yo + 3 * H] = f; result[yo + 4 * H] = o; result[yo + 5 * H] = g;
      }
    }
    workgroupBarrier();
  }`;

// recT is U transposed (4H, H): invocation j reads its column of U as consecutive lanes read consecutive floats.
const BACKWARD = `
  var dh : array<f32, R>;
  var dc : array<f32, R>;
  for (var s = 0; s < steps; s++) {
    let t = steps - 1 - s;
    for (var q = 0; q < R; q++) {
      var dzi = 0.0; var dzf = 0.0; var dzo = 0.0; var dzg = 0.0;
      if (base + q < batch) {
        let xr = t * batch + base + q;
        let d = dy[xr * H + j] + dh[q];
        let yo = xr * 6 * H + j;
        let cc = ys[yo + H]; let i = ys[yo + 2 * H]; let f = ys[yo + 3 * H]; let o = ys[yo + 4 * H]; let g = ys[yo + 5 * H];
        var cp = 0.0;
        if (t > 0) { cp = ys[(xr - batch) * 6 * H + H + j]; }
        let tc = tanhSafe(cc);
        let dcc = dc[q] + d * o * (1.0 - tc * tc);
        dzi = dcc * g * i * (1.0 - i);
        dzf = dcc * cp * f * (1.0 - f);
        dzo = d * tc * o * (1.0 - o);
        dzg = dcc * i * (1.0 - g * g);
        let zo = xr * 4 * H + j;
        result[zo] = dzi; result[zo + H] = dzf; result[zo + 2 * H] = dzo; result[zo + 3 * H] = dzg;
        dc[q] = dcc * f;
      }
      let so = q * 4 * H + j;
      sh[so] = dzi; sh[so + H] = dzf; sh[so + 2 * H] = dzo; sh[so + 3 * H] = dzg;
    }
    workgroupBarrier();
    for (var q = 0; q < R; q++) { dh[q] = 0.0; }
    for (var k = 0; k < 4 * H; k++) {
      let w = recT[k * H + j];
      for (var q = 0; q < R; q++) { dh[q] += sh[q * 4 * H + k] * w; }
    }
    workgroupBarrier();
  }`;

/** The shape both LSTM kernels plan for: the record is the widest buffer, the backward's 4H gradients the largest workgroup memory. */
export function lstmShape(units: number, batch: number, steps: number): RecurrentShape {
  return { units, batch, steps, width: 6 * units, shared: 4 * units };
}

function forward({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }) {
  const { xz, u } = inputs as { xz: tf.TensorInfo; u: tf.TensorInfo };
  const steps = attrs!.steps as number, rows = attrs!.rows as number, H = u.shape[0]!;
  const shape = lstmShape(H, xz.shape[0]! / steps, steps);
  const plan: RecurrentPlan = { backend: backend as WebGpuBackendLike, rows };
  return runRecurrent(plan, recurrentProgram("mfLstmForward", ["xz", "rec"], [xz.shape[0]!, 6 * H], plan, shape, FORWARD), [xz, u], shape);
}

function backward({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }) {
  const { dy, ys, uT } = inputs as { dy: tf.TensorInfo; ys: tf.TensorInfo; uT: tf.TensorInfo };
  const steps = attrs!.steps as number, rows = attrs!.rows as number, H = uT.shape[1]!;
  const shape = lstmShape(H, dy.shape[0]! / steps, steps);
  const plan: RecurrentPlan = { backend: backend as WebGpuBackendLike, rows };
  return runRecurrent(plan, recurrentProgram("mfLstmBackward", ["dy", "ys", "recT"], [dy.shape[0]!, 4 * H], plan, shape, BACKWARD), [dy, ys, uT], shape);
}

/** Registers both LSTM kernels for the webgpu backend, once. */
export function registerLstmKernels(): void {
  if (tf.getKernel(LSTM_FORWARD, "webgpu")) return;
  tf.registerKernel({ kernelName: LSTM_FORWARD, backendName: "webgpu", kernelFunc: forward as tf.KernelFunc });
  tf.registerKernel({ kernelName: LSTM_BACKWARD, backendName: "webgpu", kernelFunc: backward as tf.KernelFunc });
}
