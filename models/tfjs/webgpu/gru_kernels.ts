import * as tf from "@tensorflow/tfjs";
import { perRow, perUnit, unitNames } from "./lstm_kernels.ts";
import { type RecurrentPlan, type RecurrentShape, runRecurrentKernel, sumPartials, type WebGpuBackendLike } from "./recurrent_plan.ts";
import { padded4, recurrentWeights } from "./recurrent_products.ts";

/**
 * The "reset after" GRU recurrence (models/gru/gru_op.ts) as two WGSL kernels registered for
 * tfjs's webgpu backend, laid out as the LSTM's (lstm_kernels.ts): a workgroup runs `rows` batch
 * rows with one invocation per unit (or per 4), h in workgroup memory, U read in vec4s once a step.
 *
 * Forward (`MfGruForward`): xz (L*b, 3H) time-major, u (H, 3H), bh (3H) and, with attr `bias`, the input bias (3H),
 * added here -> [the record (L*b, 5H): per step and row [h, r, z, n, hn] with hn = (h U + bh)_n (dU reads h_{t-1}
 * from it); the output: every step's state (L*b, H), or with attr `last` the last step's (b, H)].
 * Backward (`MfGruBackward`): dy, the record, u (H, 3H) -> [dxz (L*b, 3H), [dr, dz, dn] of the
 * pre-activations; dhz (L*b, 3H), the gradient of h U + bh ([dr, dz, dn * r]), from which dU is one product;
 * dbh (3H); with `bias`, the input bias's gradient (3H)]: the sums from the kernel's per-workgroup partials.
 */
export const GRU_FORWARD = "MfGruForward";
/** The backward kernel's name (see GRU_FORWARD). */
export const GRU_BACKWARD = "MfGruBackward";

// As the LSTM's (lstm_kernels.ts): U transposed and padded (G, HP) read in vec4s along m, h's rows in workgroup memory as
// vec4s, each serving the invocation's P units.
const forwardBody = (R: number, P: number, HP4: number, bias: boolean, last: boolean) => `
  ${unitNames(P)}
  ${perRow(R, (q) => `let live${q} = base + ${q} < batch; ${perUnit(P, (p) => `var hj${q}_${p} = 0.0;`, " ")}`)}
  for (var x = j; x < ${R * HP4}; x += HS) { sh[x] = vec4<f32>(0.0); }
  workgroupBarrier();
  ${perUnit(P, (p) => `let br${p} = bh[j${p}]; let bz${p} = bh[j${p} + H]; let bn${p} = bh[j${p} + 2 * H];`)}
  ${bias ? perUnit(P, (p) => `let c0_${p} = bias[j${p}]; let c1_${p} = bias[j${p} + H]; let c2_${p} = bias[j${p} + 2 * H];`) : ""}
  for (var t = 0; t < steps; t++) {
    ${perRow(R, (q) => perUnit(P, (p) => `var ar${q}_${p} = br${p}; var az${q}_${p} = bz${p}; var an${q}_${p} = bn${p};`, " "))}
    for (var m = 0; m < ${HP4}; m++) {
      ${perUnit(P, (p) => `let ur${p} = rec[j${p} * ${HP4} + m]; let uz${p} = rec[(H + j${p}) * ${HP4} + m]; let un${p} = rec[(2 * H + j${p}) * ${HP4} + m];`)}
      ${
  perRow(R, (q) =>
    `let h${q} = sh[${q * HP4} + m]; ${
      perUnit(P, (p) =>
        `ar${q}_${p} += dot(h${q}, ur${p}); az${q}_${p} += dot(h${q}, uz${p}); an${q}_${p} += dot(h${q}, un${p});`, " ")
    }`)
}
    }
    workgroupBarrier();
    ${
  perRow(R, (q) =>
    perUnit(P, (p) =>
      `if (live${q}) {
      let xr = t * batch + base + ${q};
      let xo = xr * 3 * H + j${p};
      let rg = sigmoid1(${bias ? `(xz[xo] + c0_${p})` : "xz[xo]"} + ar${q}_${p});
      let zg = sigmoid1(${bias ? `(xz[xo + H] + c1_${p})` : "xz[xo + H]"} + az${q}_${p});
      let n = tanhSafe(${bias ? `(xz[xo + 2 * H] + c2_${p})` : "xz[xo + 2 * H]"} + rg * an${q}_${p});
      hj${q}_${p} = n + zg * (hj${q}_${p} - n);
      sh[${q * HP4} + j${p} / 4][j${p} % 4] = hj${q}_${p};
      let yo = xr * 5 * H + j${p};
      record[yo] = hj${q}_${p}; record[yo + H] = rg; record[yo + 2 * H] = zg; record[yo + 3 * H] = n; record[yo + 4 * H] = an${q}_${p};
      ${last ? `if (t == steps - 1) { hOut[(base + ${q}) * H + j${p}] = hj${q}_${p}; }` : `hOut[xr * H + j${p}] = hj${q}_${p};`}
    }`))
}
    workgroupBarrier();
  }`;

// rec is u (H, 3H), or padded to GP4 vec4s a row where 3H is not a multiple of 4; the step's dhz in workgroup memory
// likewise (its pad stays zero), so an invocation reads its units' rows of U 4 gate columns at a time.
const backwardBody = (R: number, P: number, GP4: number, bias: boolean, last: boolean) => `
  ${unitNames(P)}
  ${perRow(R, (q) => `let live${q} = base + ${q} < batch; ${perUnit(P, (p) => `var dh${q}_${p} = 0.0; var carry${q}_${p} = 0.0;`, " ")}`)}
  ${perUnit(P, (p) => `var s0_${p} = 0.0; var s1_${p} = 0.0; var s2_${p} = 0.0; var s3_${p} = 0.0;`)}
  for (var x = j; x < ${R * GP4}; x += HS) { sh[x] = vec4<f32>(0.0); }
  workgroupBarrier();
  for (var s = 0; s < steps; s++) {
    let t = steps - 1 - s;
    ${
  perRow(R, (q) =>
    perUnit(P, (p) =>
      `{
      var dr = 0.0; var dz = 0.0; var dhn = 0.0;
      if (live${q}) {
        let xr = t * batch + base + ${q};
        ${last ? `var dyv = 0.0; if (t == steps - 1) { dyv = dy[(base + ${q}) * H + j${p}]; }` : `let dyv = dy[xr * H + j${p}];`}
        let d = dyv + dh${q}_${p};
        let yo = xr * 5 * H + j${p};
        let rg = ys[yo + H]; let zg = ys[yo + 2 * H]; let n = ys[yo + 3 * H]; let hn = ys[yo + 4 * H];
        var hp = 0.0;
        if (t > 0) { hp = ys[(xr - batch) * 5 * H + j${p}]; }
        let dn = d * (1.0 - zg) * (1.0 - n * n);
        dr = dn * hn * rg * (1.0 - rg);
        dz = d * (hp - n) * zg * (1.0 - zg);
        dhn = dn * rg;
        let xo = xr * 3 * H + j${p};
        dxz[xo] = dr; dxz[xo + H] = dz; dxz[xo + 2 * H] = dn;
        dhz[xo] = dr; dhz[xo + H] = dz; dhz[xo + 2 * H] = dhn;
        s0_${p} += dr; s1_${p} += dz; s2_${p} += dhn; s3_${p} += dn;
        carry${q}_${p} = d * zg;
      }
      let c0 = j${p}; let c1 = H + j${p}; let c2 = 2 * H + j${p};
      sh[${q * GP4} + c0 / 4][c0 % 4] = dr; sh[${q * GP4} + c1 / 4][c1 % 4] = dz; sh[${q * GP4} + c2 / 4][c2 % 4] = dhn;
    }`))
}
    workgroupBarrier();
    ${perRow(R, (q) => perUnit(P, (p) => `dh${q}_${p} = carry${q}_${p};`, " "), " ")}
    for (var k = 0; k < ${GP4}; k++) {
      ${perUnit(P, (p) => `let w${p} = rec[j${p} * ${GP4} + k];`, " ")}
      ${perRow(R, (q) => `let d${q} = sh[${q * GP4} + k]; ${perUnit(P, (p) => `dh${q}_${p} += dot(d${q}, w${p});`, " ")}`)}
    }
    workgroupBarrier();
  }
  // per-workgroup sums: dhz's (dbh) and, with the input bias, dxz's (which differ from dhz's in the n gate only)
  ${
  perUnit(P, (p) =>
    `{
    let po = wg * ${bias ? 6 : 3} * H + j${p};
    partials[po] = s0_${p}; partials[po + H] = s1_${p}; partials[po + 2 * H] = s2_${p};
    ${bias ? `partials[po + 3 * H] = s0_${p}; partials[po + 4 * H] = s1_${p}; partials[po + 5 * H] = s3_${p};` : ""}
  }`)
}`;

/** The shape both GRU kernels plan for: the backward's two gradients are the widest buffer, its 3H gradients the largest workgroup memory. */
export function gruShape(units: number, batch: number, steps: number): RecurrentShape {
  return { units, batch, steps, width: 6 * units, shared: Math.max(padded4(3 * units), padded4(units)) };
}

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

function forward({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo[] {
  const { xz, u, bh, bias } = inputs as { xz: tf.TensorInfo; u: tf.TensorInfo; bh: tf.TensorInfo; bias?: tf.TensorInfo };
  const steps = attrs!.steps as number, rows = attrs!.rows as number, last = attrs!.last as boolean, H = u.shape[0]!, n = xz.shape[0]!;
  const shape = gruShape(H, n / steps, steps);
  const plan: RecurrentPlan = { backend: backend as WebGpuBackendLike, rows, perInvocation: attrs!.per as number };
  const uT = recurrentWeights(u, "transposed");
  const outs = runRecurrentKernel(
    `mf_gru_forward${bias ? "_bias" : ""}${last ? "_last" : ""}`,
    plan,
    shape,
    [
      { name: "record", access: "out", shape: [n, 5 * H] },
      { name: "hOut", access: "out", shape: [last ? n / steps : n, H] },
      { name: "xz", access: "in" },
      { name: "rec", access: "in", vec4: true },
      { name: "bh", access: "in" },
      ...(bias ? [{ name: "bias", access: "in" as const }] : []),
    ],
    bias ? [xz, uT, bh, bias] : [xz, uT, bh],
    () => forwardBody(rows, plan.perInvocation, padded4(H) / 4, bias != null, last),
  );
  // released once the commands that read it are submitted (raw_dispatch.ts)
  (backend as { disposeData(id: object): void }).disposeData(uT.dataId);
  return outs;
}

function backward({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo[] {
  const { dy, ys, u } = inputs as { dy: tf.TensorInfo; ys: tf.TensorInfo; u: tf.TensorInfo };
  const steps = attrs!.steps as number, rows = attrs!.rows as number, last = attrs!.last as boolean, bias = attrs!.bias as boolean;
  const H = u.shape[0]!, n = ys.shape[0]!, GP = padded4(3 * H);
  const uP = GP === 3 * H ? u : recurrentWeights(u, "padded");
  const shape = gruShape(H, n / steps, steps);
  const plan: RecurrentPlan = { backend: backend as WebGpuBackendLike, rows, perInvocation: attrs!.per as number };
  const groups = Math.ceil(shape.batch / rows);
  const [dxz, dhz, partials] = runRecurrentKernel(
    `mf_gru_backward${bias ? "_bias" : ""}${last ? "_last" : ""}`,
    plan,
    shape,
    [
      { name: "dxz", access: "out", shape: [n, 3 * H] },
      { name: "dhz", access: "out", shape: [n, 3 * H] },
      { name: "partials", access: "out", shape: [groups, (bias ? 6 : 3) * H] },
      { name: "dy", access: "in" },
      { name: "ys", access: "in" },
      { name: "rec", access: "in", vec4: true },
    ],
    [dy, ys, uP],
    () => backwardBody(rows, plan.perInvocation, GP / 4, bias, last),
  );
  if (uP !== u) (backend as { disposeData(id: object): void }).disposeData(uP.dataId);
  const sums = sumPartials(partials, bias ? [3 * H, 3 * H] : [3 * H]);
  (backend as { disposeData(id: object): void }).disposeData(partials.dataId);
  return [dxz, dhz, ...sums];
}

/** Registers both GRU kernels for the webgpu backend, once. */
export function registerGruKernels(): void {
  if (tf.getKernel(GRU_FORWARD, "webgpu")) return;
  tf.registerKernel({ kernelName: GRU_FORWARD, backendName: "webgpu", kernelFunc: forward as unknown as tf.KernelFunc });
  tf.registerKernel({ kernelName: GRU_BACKWARD, backendName: "webgpu", kernelFunc: backward as unknown as tf.KernelFunc });
}
