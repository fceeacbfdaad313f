import * as tf from "@tensorflow/tfjs";
import { type RecurrentPlan, type RecurrentShape, runRecurrentKernel, sumPartials, type WebGpuBackendLike } from "./recurrent_plan.ts";
import { padded4, recurrentWeights } from "./recurrent_products.ts";

/**
 * The LSTM recurrence as two WGSL kernels registered for tfjs's webgpu backend. A workgroup owns
 * `rows` batch rows with one invocation per unit (per 4 units on a CPU adapter: recurrent_plan.ts), and loops
 * over time: h in workgroup memory, c in registers, U read in vec4s from its storage buffer once a step for
 * all the rows (the forward from U transposed and padded, a small layout kernel before it). Each writes several
 * tensors (raw_dispatch.ts), so that nothing around them is a slice or a pad.
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

/** `f(p)` for each of an invocation's P units (unit j + p*HS, named `j${p}` in the kernels), unrolled likewise. */
export const perUnit = (P: number, f: (p: number) => string, sep = "\n"): string => Array.from({ length: P }, (_, p) => f(p)).join(sep);

/** WGSL naming each of an invocation's units: `let j0 = j; let j1 = j + HS; ...`. */
export const unitNames = (P: number): string => perUnit(P, (p) => `let j${p} = j + ${p} * HS;`, " ");

// The recurrent products read vec4s: rec is U transposed and padded (G, HP), so an invocation reads 4 consecutive m of
// a gate column in one load, and h's rows in workgroup memory as vec4s (HP4 a row, zeros past H): on a software adapter,
// which loads lane by lane, ~4x fewer loads for the same FMAs, and a GPU reads as many bytes. Each h it reads serves its
// P units' 4 gates (recurrent_plan.ts: perInvocation).
const forwardBody = (R: number, P: number, HP4: number, bias: boolean, last: boolean) => `
  ${unitNames(P)}
  ${perRow(R, (q) => `let live${q} = base + ${q} < batch; ${perUnit(P, (p) => `var c${q}_${p} = 0.0;`, " ")}`)}
  for (var x = j; x < ${R * HP4}; x += HS) { sh[x] = vec4<f32>(0.0); }
  ${
  bias
    ? perUnit(P, (p) => `let b0_${p} = bias[j${p}]; let b1_${p} = bias[j${p} + H]; let b2_${p} = bias[j${p} + 2 * H]; let b3_${p} = bias[j${p} + 3 * H];`)
    : ""
}
  workgroupBarrier();
  for (var t = 0; t < steps; t++) {
    ${
  perRow(R, (q) =>
    perUnit(P, (p) =>
      `var zi${q}_${p} = 0.0; var zf${q}_${p} = 0.0; var zo${q}_${p} = 0.0; var zg${q}_${p} = 0.0;
    if (live${q}) {
      let xo = (t * batch + base + ${q}) * 4 * H + j${p};
      zi${q}_${p} = xz[xo]${bias ? ` + b0_${p}` : ""}; zf${q}_${p} = xz[xo + H]${bias ? ` + b1_${p}` : ""};
      zo${q}_${p} = xz[xo + 2 * H]${bias ? ` + b2_${p}` : ""}; zg${q}_${p} = xz[xo + 3 * H]${bias ? ` + b3_${p}` : ""};
    }`))
}
    for (var m = 0; m < ${HP4}; m++) {
      ${
  perUnit(P, (p) =>
    `let ui${p} = rec[j${p} * ${HP4} + m]; let uf${p} = rec[(H + j${p}) * ${HP4} + m]; let uo${p} = rec[(2 * H + j${p}) * ${HP4} + m]; let ug${p} = rec[(3 * H + j${p}) * ${HP4} + m];`)
}
      ${
  perRow(R, (q) =>
    `let h${q} = sh[${q * HP4} + m]; ${
      perUnit(P, (p) =>
        `zi${q}_${p} += dot(h${q}, ui${p}); zf${q}_${p} += dot(h${q}, uf${p}); zo${q}_${p} += dot(h${q}, uo${p}); zg${q}_${p} += dot(h${q}, ug${p});`, " ")
    }`)
}
    }
    workgroupBarrier();
    ${
  perRow(R, (q) =>
    perUnit(P, (p) =>
      `{
      let i = sigmoid1(zi${q}_${p}); let f = sigmoid1(zf${q}_${p}); let o = sigmoid1(zo${q}_${p}); let g = tanhSafe(zg${q}_${p});
      c${q}_${p} = f * c${q}_${p} + i * g;
      let h = o * tanhSafe(c${q}_${p});
      sh[${q * HP4} + j${p} / 4][j${p} % 4] = h;
      if (live${q}) {
        let row = t * batch + base + ${q};
        let yo = row * 6 * H + j${p};
        record[yo] = h; record[yo + H] = c${q}_${p}; record[yo + 2 * H] = i; record[yo + 3 * H] = f; record[yo + 4 * H] = o; record[yo + 5 * H] = g;
        ${last ? `if (t == steps - 1) { hOut[(base + ${q}) * H + j${p}] = h; }` : `hOut[row * H + j${p}] = h;`}
      }
    }`))
}
    workgroupBarrier();
  }`;

// u (H, 4H) itself: an invocation reads its units' rows of U, 4 gate columns at a time, against the step's dz in
// workgroup memory (a row is 4H floats, H vec4s), each dz vec4 serving its P units.
const backwardBody = (R: number, P: number, bias: boolean, last: boolean) => `
  ${unitNames(P)}
  ${perRow(R, (q) => `let live${q} = base + ${q} < batch; ${perUnit(P, (p) => `var dh${q}_${p} = 0.0; var dc${q}_${p} = 0.0;`, " ")}`)}
  ${perUnit(P, (p) => `var s0_${p} = 0.0; var s1_${p} = 0.0; var s2_${p} = 0.0; var s3_${p} = 0.0;`)}
  for (var s = 0; s < steps; s++) {
    let t = steps - 1 - s;
    ${
  perRow(R, (q) =>
    perUnit(P, (p) =>
      `{
      var dzi = 0.0; var dzf = 0.0; var dzo = 0.0; var dzg = 0.0;
      if (live${q}) {
        let xr = t * batch + base + ${q};
        ${last ? `var dyv = 0.0; if (t == steps - 1) { dyv = dy[(base + ${q}) * H + j${p}]; }` : `let dyv = dy[xr * H + j${p}];`}
        let d = dyv + dh${q}_${p};
        let yo = xr * 6 * H + j${p};
        let cc = ys[yo + H]; let i = ys[yo + 2 * H]; let f = ys[yo + 3 * H]; let o = ys[yo + 4 * H]; let g = ys[yo + 5 * H];
        var cp = 0.0;
        if (t > 0) { cp = ys[(xr - batch) * 6 * H + H + j${p}]; }
        let tc = tanhSafe(cc);
        let dcc = dc${q}_${p} + d * o * (1.0 - tc * tc);
        dzi = dcc * g * i * (1.0 - i);
        dzf = dcc * cp * f * (1.0 - f);
        dzo = d * tc * o * (1.0 - o);
        dzg = dcc * i * (1.0 - g * g);
        let zo = xr * 4 * H + j${p};
        dz[zo] = dzi; dz[zo + H] = dzf; dz[zo + 2 * H] = dzo; dz[zo + 3 * H] = dzg;
        s0_${p} += dzi; s1_${p} += dzf; s2_${p} += dzo; s3_${p} += dzg;
        dc${q}_${p} = dcc * f;
      }
      let c0 = j${p}; let c1 = H + j${p}; let c2 = 2 * H + j${p}; let c3 = 3 * H + j${p};
      sh[${q} * H + c0 / 4][c0 % 4] = dzi; sh[${q} * H + c1 / 4][c1 % 4] = dzf; sh[${q} * H + c2 / 4][c2 % 4] = dzo; sh[${q} * H + c3 / 4][c3 % 4] = dzg;
    }`))
}
    workgroupBarrier();
    ${perRow(R, (q) => perUnit(P, (p) => `dh${q}_${p} = 0.0;`, " "), " ")}
    for (var k = 0; k < H; k++) {
      ${perUnit(P, (p) => `let w${p} = rec[j${p} * H + k];`, " ")}
      ${perRow(R, (q) => `let d${q} = sh[${q} * H + k]; ${perUnit(P, (p) => `dh${q}_${p} += dot(d${q}, w${p});`, " ")}`)}
    }
    workgroupBarrier();
  }
  ${
  bias
    ? perUnit(P, (p) =>
      `{ let po = wg * 4 * H + j${p}; partials[po] = s0_${p}; partials[po + H] = s1_${p}; partials[po + 2 * H] = s2_${p}; partials[po + 3 * H] = s3_${p}; }`)
    : ""
}`;

/** The shape both LSTM kernels plan for: the record is the widest buffer, the backward's 4H gradients the largest workgroup memory. */
export function lstmShape(units: number, batch: number, steps: number): RecurrentShape {
  return { units, batch, steps, width: 6 * units, shared: 4 * units };
}

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

function forward({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo[] {
  const { xz, u, bias } = inputs as { xz: tf.TensorInfo; u: tf.TensorInfo; bias?: tf.TensorInfo };
  const steps = attrs!.steps as number, rows = attrs!.rows as number, last = attrs!.last as boolean, H = u.shape[0]!, n = xz.shape[0]!;
  const shape = lstmShape(H, n / steps, steps);
  const plan: RecurrentPlan = { backend: backend as WebGpuBackendLike, rows, perInvocation: attrs!.per as number };
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
    () => forwardBody(rows, plan.perInvocation, padded4(H) / 4, bias != null, last),
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
  const plan: RecurrentPlan = { backend: backend as WebGpuBackendLike, rows, perInvocation: attrs!.per as number };
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
    () => backwardBody(rows, plan.perInvocation, bias, last),
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
