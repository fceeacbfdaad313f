import * as tf from "@tensorflow/tfjs";
import { type RecurrentPlan, recurrentProgram, type RecurrentShape, runRecurrent, type WebGpuBackendLike } from "./recurrent_plan.ts";

/**
 * The LSTM recurrence as two WGSL kernels registered for tfjs's webgpu backend. A workgroup owns
 * `rows` batch rows, one invocation per (row, unit), and loops over time: h in workgroup memory,
 * c in a register, U read from its storage buffer.
 *
 * Forward (`MfLstmForward`): xz (L*b, 4H) time-major, u (H, 4H) -> the record (L*b, 6H): per step
 * and row [h, c, i, f, o, g] (activated gates), everything the backward pass reads.
 * Backward (`MfLstmBackward`): dy (L*b, H), the record, u -> dz (L*b, 4H), the gradient of the
 * gates' pre-activations, which is dxz; dU = sum_t h_{t-1}^T dz_t is one product after.
 */
export const LSTM_FORWARD = "MfLstmForward";
/** The backward kernel's name (see LSTM_FORWARD). */
export const LSTM_BACKWARD = "MfLstmBackward";

const FORWARD = `
  sh[li] = 0.0;
  var c = 0.0;
  workgroupBarrier();
  for (var t = 0; t < steps; t++) {
    let xr = t * batch + row;
    var zi = 0.0; var zf = 0.0; var zo = 0.0; var zg = 0.0;
    if (live) {
      let xo = xr * 4 * H + j;
      zi = xz[xo]; zf = xz[xo + H]; zo = xz[xo + 2 * H]; zg = xz[xo + 3 * H];
      for (var m = 0; m < H; m++) {
        let hm = sh[r * H + m];
        let uo = m * 4 * H + j;
        zi += hm * rec[uo]; zf += hm * rec[uo + H]; zo += hm * rec[uo + 2 * H]; zg += hm * rec[uo + 3 * H];
      }
    }
    workgroupBarrier();
    if (live) {
      let i = sigmoid1(zi); let f = sigmoid1(zf); let o = sigmoid1(zo); let g = tanhSafe(zg);
      c = f * c + i * g;
      let h = o * tanhSafe(c);
      sh[li] = h;
      let yo = xr * 6 * H + j;
      result[yo] = h; result[yo + H] = c; result[yo + 2 * H] = i; result[yo + 3 * H] = f; result[yo + 4 * H] = o; result[yo + 5 * H] = g;
    }
    workgroupBarrier();
  }`;

const BACKWARD = `
  var dh = 0.0;
  var dc = 0.0;
  for (var s = 0; s < steps; s++) {
    let t = steps - 1 - s;
    let xr = t * batch + row;
    if (live) {
      let d = dy[xr * H + j] + dh;
      let yo = xr * 6 * H + j;
      let c = ys[yo + H]; let i = ys[yo + 2 * H]; let f = ys[yo + 3 * H]; let o = ys[yo + 4 * H]; let g = ys[yo + 5 * H];
      var cp = 0.0;
      if (t > 0) { cp = ys[(xr - batch) * 6 * H + H + j]; }
      let tc = tanhSafe(c);
      dc = dc + d * o * (1.0 - tc * tc);
      let dzi = dc * g * i * (1.0 - i);
      let dzf = dc * cp * f * (1.0 - f);
      let dzo = d * tc * o * (1.0 - o);
      let dzg = dc * i * (1.0 - g * g);
      let zo = xr * 4 * H + j;
      result[zo] = dzi; result[zo + H] = dzf; result[zo + 2 * H] = dzo; result[zo + 3 * H] = dzg;
      let so = r * 4 * H + j;
      sh[so] = dzi; sh[so + H] = dzf; sh[so + 2 * H] = dzo; sh[so + 3 * H] = dzg;
      dc = dc * f;
    }
    workgroupBarrier();
    if (live) {
      var acc = 0.0;
      for (var k = 0; k < 4 * H; k++) { acc += sh[r * 4 * H + k] * rec[j * 4 * H + k]; }
      dh = acc;
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
  const { dy, ys, u } = inputs as { dy: tf.TensorInfo; ys: tf.TensorInfo; u: tf.TensorInfo };
  const steps = attrs!.steps as number, rows = attrs!.rows as number, H = u.shape[0]!;
  const shape = lstmShape(H, dy.shape[0]! / steps, steps);
  const plan: RecurrentPlan = { backend: backend as WebGpuBackendLike, rows };
  return runRecurrent(plan, recurrentProgram("mfLstmBackward", ["dy", "ys", "rec"], [dy.shape[0]!, 4 * H], plan, shape, BACKWARD), [dy, ys, u], shape);
}

/** Registers both LSTM kernels for the webgpu backend, once. */
export function registerLstmKernels(): void {
  if (tf.getKernel(LSTM_FORWARD, "webgpu")) return;
  tf.registerKernel({ kernelName: LSTM_FORWARD, backendName: "webgpu", kernelFunc: forward as tf.KernelFunc });
  tf.registerKernel({ kernelName: LSTM_BACKWARD, backendName: "webgpu", kernelFunc: backward as tf.KernelFunc });
}
