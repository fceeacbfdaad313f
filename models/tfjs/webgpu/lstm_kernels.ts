import * as tf from "@tensorflow/tfjs";
import { type RecurrentPlan, type RecurrentShape, runRecurrentKernel, sumPartials, type WebGpuBackendLike } from "./recurrent_plan.ts";
import { padded4, recurrentWeights } from "./recurrent_products.ts";

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
 * Backward (`MfLstmBackward`): dy (the output's gradient), the record, u (H, 4H) -> [dz (L*b, 4H), the
 * gradient of the gates' pre-activations, which is dxz; with `bias`, dbias (4H)].
 */
export const LSTM_FORWARD = "MfLstmForward";
/** The backward kernel's name (see LSTM_FORWARD). */
export const LSTM_BACKWARD = "MfLstmBackward";

/** `f(q)` for every row q of a workgroup, unrolled: the rows' values stay in registers, not in an array indexed at run time. */
export const perRow = (R: number, f: (q: number) => string, sep = "\n"): string => Array.from({ length: R }, (_, q) => f(q)).join(sep);

// The recurrent products read vec4s: rec is U transposed and padded (G, HP), so invocation j reads 4 consecutive m of
// its gate column in one load, and h's row in workgroup memory as vec4s (HP4 of them per row, zeros past H); on a
// software adapter, which loads lane by lane, that is ~4x fewer loads for the same FMAs, and a GPU reads as many bytes.
const forwardBody = (R: number, HP4: number, bias: boolean, last: boolean) => `
  ${perRow(R, (q) => `var c${q} = 0.0; let live${q} = base + ${q} < batch;`)}
  for (var x = j; x < ${R * HP4}; x += H) { sh[x] = vec4<f32>(0.0); }
  ${bias ? "let b0 = bias[j]; let b1 = bias[j + H]; let b2 = bias[j + 2 * H]; let b3 = bias[j + 3 * H];" : ""}
  workgroupBarrier();
  for (var t = 0; t < steps; t++) {
    ${
  perRow(R, (q) =>
    `var zi${q} = 0.0; var zf${q} = 0.0; var zo${q} = 0.0; var zg${q} = 0.0;
    if (live${q}) {
      let xo = (t * batch + base + ${q}) * 4 * H + j;
      ${
      bias
        ? `zi${q} = xz[xo] + b0; zf${q} = xz[xo + H] + b1; zo${q} = xz[xo + 2 * H] + b2; zg${q} = xz[xo + 3 * H] + b3;`
        : `zi${q} = xz[xo]; zf${q} = xz[xo + H]; zo${q} = xz[xo + 2 * H]; zg${q} = xz[xo + 3 * H];`
    }
    }`)
}
    for (var m = 0; m < ${HP4}; m++) {
      let ui = rec[j * ${HP4} + m]; let uf = rec[(H + j) * ${HP4} + m]; let uo = rec[(2 * H + j) * ${HP4} + m]; let ug = rec[(3 * H + j) * ${HP4} + m];
      ${
  perRow(R, (q) => `let h${q} = sh[${q * HP4} + m]; zi${q} += dot(h${q}, ui); zf${q} += dot(h${q}, uf); zo${q} += dot(h${q}, uo); zg${q} += dot(h${q}, ug);`)
}
    }
    workgroupBarrier();
    ${
  perRow(R, (q) =>
    `{
      let i = sigmoid1(zi${q}); let f = sigmoid1(zf${q}); let o = sigmoid1(zo${q}); let g = tanhSafe(zg${q});
      c${q} = f * c${q} + i * g;
      let h = o * tanhSafe(c${q});
      sh[${q * HP4} + j / 4][j % 4] = h;
      if (live${q}) {
        let row = t * batch + base + ${q};
        let yo = row * 6 * H + j;
        record[yo] = h; record[yo + H] = c${q}; record[yo + 2 * H] = i; record[yo + 3 * H] = f; record[yo + 4 * H] = o; record[yo + 5 * H] = g;
        ${last ? `if (t == steps - 1) { hOut[(base + ${q}) * H + j] = h; }` : "hOut[row * H + j] = h;"}
      }
    }`)
}
    workgroupBarrier();
  }`;

// u (H, 4H) itself: invocation j reads its row of U, 4 gates' columns at a time, against the step's dz in workgroup memory.
const backwardBody = (R: number, bias: boolean, last: boolean) => `
  ${perRow(R, (q) => `var dh${q} = 0.0; var dc${q} = 0.0; let live${q} = base + ${q} < batch;`)}
  var s0 = 0.0; var s1 = 0.0; var s2 = 0.0; var s3 = 0.0;
  let c0 = j; let c1 = H + j; let c2 = 2 * H + j; let c3 = 3 * H + j;
  for (var s = 0; s < steps; s++) {
    let t = steps - 1 - s;
    ${
  perRow(R, (q) =>
    `{
      var dzi = 0.0; var dzf = 0.0; var dzo = 0.0; var dzg = 0.0;
      if (live${q}) {
        let xr = t * batch + base + ${q};
        ${last ? `var dyv = 0.0; if (t == steps - 1) { dyv = dy[(base + ${q}) * H + j]; }` : "let dyv = dy[xr * H + j];"}
        let d = dyv + dh${q};
        let yo = xr * 6 * H + j;
        let cc = ys[yo + H]; let i = ys[yo + 2 * H]; let f = ys[yo + 3 * H]; let o = ys[yo + 4 * H]; let g = ys[yo + 5 * H];
        var cp = 0.0;
        if (t > 0) { cp = ys[(xr - batch) * 6 * H + H + j]; }
        let tc = tanhSafe(cc);
        let dcc = dc${q} + d * o * (1.0 - tc * tc);
        dzi = dcc * g * i * (1.0 - i);
        dzf = dcc * cp * f * (1.0 - f);
        dzo = d * tc * o * (1.0 - o);
        dzg = dcc * i * (1.0 - g * g);
        let zo = xr * 4 * H + j;
        dz[zo] = dzi; dz[zo + H] = dzf; dz[zo + 2 * H] = dzo; dz[zo + 3 * H] = dzg;
        s0 += dzi; s1 += dzf; s2 += dzo; s3 += dzg;
        dc${q} = dcc * f;
      }
      // a row is 4H floats, H vec4s; gate g's column g*H + j
      sh[${q} * H + c0 / 4][c0 % 4] = dzi; sh[${q} * H + c1 / 4][c1 % 4] = dzf; sh[${q} * H + c2 / 4][c2 % 4] = dzo; sh[${q} * H + c3 / 4][c3 % 4] = dzg;
    }`)
}
    workgroupBarrier();
    ${perRow(R, (q) => `dh${q} = 0.0;`, " ")}
    for (var k = 0; k < H; k++) {
      let w = rec[j * H + k];
      ${perRow(R, (q) => `dh${q} += dot(sh[${q} * H + k], w);`, " ")}
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
  const uT = recurrentWeights(u, "transposed");
  const outs = runRecurrentKernel(
    `mf_lstm_forward${bias ? "_bias" : ""}${last ? "_last" : ""}`,
    plan,
    shape,
    [
      { name: "record", access: "out", shape: [n, 6 * H] },
      { name: "hOut", access: "out", shape: [last ? n / steps : n, H] },
      { name: "xz", access: "in" },
      { name: "rec", access: "in", vec4: true },
      ...(bias ? [{ name: "bias", access: "in" as const }] : []),
    ],
    bias ? [xz, uT, bias] : [xz, uT],
    forwardBody(rows, padded4(H) / 4, bias != null, last),
  );
  // released once the commands that read it are submitted (raw_dispatch.ts)
  (backend as { disposeData(id: object): void }).disposeData(uT.dataId);
  return outs;
}

function backward({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo[] {
  const { dy, ys, u } = inputs as { dy: tf.TensorInfo; ys: tf.TensorInfo; u: tf.TensorInfo };
  const steps = attrs!.steps as number, rows = attrs!.rows as number, last = attrs!.last as boolean, bias = attrs!.bias as boolean;
  const H = u.shape[0]!, n = ys.shape[0]!;
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
      { name: "rec", access: "in", vec4: true },
    ],
    [dy, ys, u],
    backwardBody(rows, bias, last),
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
