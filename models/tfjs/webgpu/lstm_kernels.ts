import * as tf from "@tensorflow/tfjs";
import { type RecurrentPlan, type RecurrentShape, runRecurrentKernel, sumPartials, type WebGpuBackendLike } from "./recurrent_plan.ts";

/**
 * The LSTM recurrence as two WGSL kernels registered for tfjs's webgpu backend. A workgroup owns
 * `rows` batch rows with one invocation per unit, and loops over time: h in workgroup memory, c in
 * registers, U read from its storage buffer once a step for all the rows. Each writes several tensors
 * (raw_dispatch.ts), so that nothing around them is a slice or a pad.
 *
 * Forward (`MfLstmForward`): xz (L*b, 4H) time-major, u (H, 4H) and, with attr `bias`, the gates' bias (4H),
 * added here -> [the record (L*b, 6H): per step and row [h, c, i, f, o, g] (activated gates), everything the
 * backward pass reads, and from which dU reads h_{t-1} (recurrent_products.ts); the output: every step's state
 * (L*b, H), or with attr `last` the last step's (b, H)].
 * Backward (`MfLstmBackward`): dy (the output's gradient), the record, u transposed (4H, H) -> [dz (L*b, 4H), the
 * gradient of the gates' pre-activations, which is dxz; with `bias`, dbias (4H)].
 */
export const LSTM_FORWARD = "MfLstmForward";
/** The backward kernel's name (see LSTM_FORWARD). */
export const LSTM_BACKWARD = "MfLstmBackward";

const forwardBody = (bias: boolean, last: boolean) => `
  var c : array<f32, R>;
  for (var q = 0; q < R; q++) { sh[q * H + j] = 0.0; }
  ${bias ? "let b0 = bias[j]; let b1 = bias[j + H]; let b2 = bias[j + 2 * H]; let b3 = bias[j + 3 * H];" : ""}
  workgroupBarrier();
  for (var t = 0; t < steps; t++) {
    var zi : array<f32, R>; var zf : array<f32, R>; var zo : array<f32, R>; var zg : array<f32, R>;
    for (var q = 0; q < R; q++) {
      if (base + q < batch) {
        let xo = (t * batch + base + q) * 4 * H + j;
        ${
  bias
    ? "zi[q] = xz[xo] + b0; zf[q] = xz[xo + H] + b1; zo[q] = xz[xo + 2 * H] + b2; zg[q] = xz[xo + 3 * H] + b3;"
    : "zi[q] = xz[xo]; zf[q] = xz[xo + H]; zo[q] = xz[xo + 2 * H]; zg[q] = xz[xo + 3 * H];"
}
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
        let row = t * batch + base + q;
        let yo = row * 6 * H + j;
        record[yo] = h; record[yo + H] = c[q]; record[yo + 2 * H] = i; record[yo + 3 * H] = f; record[yo + 4 * H] = o; record[yo + 5 * H] = g;
        ${last ? "if (t == steps - 1) { hOut[(base + q) * H + j] = h; }" : "hOut[row * H + j] = h;"}
      }
    }
    workgroupBarrier();
  }`;

// recT is U transposed (4H, H): invocation j reads its column of U as consecutive lanes read consecutive floats.
const backwardBody = (bias: boolean, last: boolean) => `
  var dh : array<f32, R>;
  var dc : array<f32, R>;
  var s0 = 0.0; var s1 = 0.0; var s2 = 0.0; var s3 = 0.0;
  for (var s = 0; s < steps; s++) {
    let t = steps - 1 - s;
    for (var q = 0; q < R; q++) {
      var dzi = 0.0; var dzf = 0.0; var dzo = 0.0; var dzg = 0.0;
      if (base + q < batch) {
        let xr = t * batch + base + q;
        ${last ? "var dyv = 0.0; if (t == steps - 1) { dyv = dy[(base + q) * H + j]; }" : "let dyv = dy[xr * H + j];"}
        let d = dyv + dh[q];
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
        dz[zo] = dzi; dz[zo + H] = dzf; dz[zo + 2 * H] = dzo; dz[zo + 3 * H] = dzg;
        s0 += dzi; s1 += dzf; s2 += dzo; s3 += dzg;
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
  }
  ${bias ? "let po = wg * 4 * H + j; partials[po] = s0; partials[po + H] = s1; partials[po + 2 * H] = s2; partials[po + 3 * H] = s3;" : ""}`;

/** The shape both LSTM kernels plan for: the record is the widest buffer, the backward's 4H gradients the largest workgroup memory. */
export function lstmShape(units: number, batch: number, steps: number): RecurrentShape {
  return { units, batch, steps, width: 6 * units, shared: 4 * units };
}

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

function forward({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo[] {
  const { xz, u, bias } = inputs as { xz: tf.TensorInfo; u: tf.TensorInfo; bias?: tf.TensorInfo };
  const steps = attrs!.steps as number, rows = attrs!.rows as number, last = attrs!.last as boolean, H = u.shape[0]!, n = xz.shape[0]!;
  const shape = lstmShape(H, n / steps, steps);
  const plan: RecurrentPlan = { backend: backend as WebGpuBackendLike, rows };
  return runRecurrentKernel(
    `mf_lstm_forward${bias ? "_bias" : ""}${last ? "_last" : ""}`,
    plan,
    shape,
    [
      { name: "record", access: "out", shape: [n, 6 * H] },
      { name: "hOut", access: "out", shape: [last ? n / steps : n, H] },
      { name: "xz", access: "in" },
      { name: "rec", access: "in" },
      ...(bias ? [{ name: "bias", access: "in" as const }] : []),
    ],
    bias ? [xz, u, bias] : [xz, u],
    forwardBody(bias != null, last),
  );
}

function backward({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo[] {
  const { dy, ys, uT } = inputs as { dy: tf.TensorInfo; ys: tf.TensorInfo; uT: tf.TensorInfo };
  const steps = attrs!.steps as number, rows = attrs!.rows as number, last = attrs!.last as boolean, bias = attrs!.bias as boolean;
  const H = uT.shape[1]!, n = ys.shape[0]!;
  const shape = lstmShape(H, n / steps, steps);
  const plan: RecurrentPlan = { backend: backend as WebGpuBackendLike, rows };
  const groups = Math.ceil(shape.batch / rows);
  const [dz, partials] = runRecurrentKernel(
    `mf_lstm_backward${bias ? "_bias" : ""}${last ? "_last" : ""}`,
    plan,
    shape,
    [
      { name: "dz", access: "out", shape: [n, 4 * H] },
      ...(bias ? [{ name: "partials", access: "out" as const, shape: [groups, 4 * H] }] : []),
      { name: "dy", access: "in" },
      { name: "ys", access: "in" },
      { name: "recT", access: "in" },
    ],
    [dy, ys, uT],
    backwardBody(bias, last),
  );
  if (!bias) return [dz];
  const [dbias] = sumPartials(partials, [4 * H]);
  (backend as { disposeData(id: object): void }).disposeData(partials.dataId);
  return [dz, dbias];
}

/** Registers both LSTM kernels for the webgpu backend, once. */
export function registerLstmKernels(): void {
  if (tf.getKernel(LSTM_FORWARD, "webgpu")) return;
  tf.registerKernel({ kernelName: LSTM_FORWARD, backendName: "webgpu", kernelFunc: forward as unknown as tf.KernelFunc });
  tf.registerKernel({ kernelName: LSTM_BACKWARD, backendName: "webgpu", kernelFunc: backward as unknown as tf.KernelFunc });
}
