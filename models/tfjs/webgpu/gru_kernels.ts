import * as tf from "@tensorflow/tfjs";
import { perRow } from "./lstm_kernels.ts";
import { type RecurrentPlan, type RecurrentShape, runRecurrentKernel, sumPartials, type WebGpuBackendLike } from "./recurrent_plan.ts";
import { padded4, recurrentWeights } from "./recurrent_products.ts";

/**
 * The "reset after" GRU recurrence (models/gru/gru_op.ts) as two WGSL kernels registered for
 * tfjs's webgpu backend, laid out as the LSTM's (lstm_kernels.ts): a workgroup runs `rows` batch
 * rows with one invocation per unit, h in workgroup memory, U read from its storage buffer once a step.
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

// As the LSTM's (lstm_kernels.ts): U transposed and padded (G, HP) read in vec4s along m, h's rows in workgroup memory as vec4s.
const forwardBody = (R: number, HP4: number, bias: boolean, last: boolean) => `
  ${perRow(R, (q) => `var hj${q} = 0.0; let live${q} = base + ${q} < batch;`)}
  for (var x = j; x < ${R * HP4}; x += H) { sh[x] = vec4<f32>(0.0); }
  workgroupBarrier();
  let br = bh[j]; let bz = bh[j + H]; let bn = bh[j + 2 * H];
  ${bias ? "let c0 = bias[j]; let c1 = bias[j + H]; let c2 = bias[j + 2 * H];" : ""}
  for (var t = 0; t < steps; t++) {
    ${perRow(R, (q) => `var ar${q} = br; var az${q} = bz; var an${q} = bn;`)}
    for (var m = 0; m < ${HP4}; m++) {
      let ur = rec[j * ${HP4} + m]; let uz = rec[(H + j) * ${HP4} + m]; let un = rec[(2 * H + j) * ${HP4} + m];
      ${perRow(R, (q) => `let h${q} = sh[${q * HP4} + m]; ar${q} += dot(h${q}, ur); az${q} += dot(h${q}, uz); an${q} += dot(h${q}, un);`)}
    }
    workgroupBarrier();
    ${
  perRow(R, (q) =>
    `if (live${q}) {
      let xr = t * batch + base + ${q};
      let xo = xr * 3 * H + j;
      let rg = sigmoid1(${bias ? "(xz[xo] + c0)" : "xz[xo]"} + ar${q});
      let zg = sigmoid1(${bias ? "(xz[xo + H] + c1)" : "xz[xo + H]"} + az${q});
      let n = tanhSafe(${bias ? "(xz[xo + 2 * H] + c2)" : "xz[xo + 2 * H]"} + rg * an${q});
      hj${q} = n + zg * (hj${q} - n);
      sh[${q * HP4} + j / 4][j % 4] = hj${q};
      let yo = xr * 5 * H + j;
      record[yo] = hj${q}; record[yo + H] = rg; record[yo + 2 * H] = zg; record[yo + 3 * H] = n; record[yo + 4 * H] = an${q};
      ${last ? `if (t == steps - 1) { hOut[(base + ${q}) * H + j] = hj${q}; }` : `hOut[xr * H + j] = hj${q};`}
    }`)
}
    workgroupBarrier();
  }`;

// rec is u (H, 3H), or padded to GP4 vec4s a row where 3H is not a multiple of 4; the step's dhz in workgroup memory
// likewise (its pad stays zero), so invocation j reads its row of U 4 gate columns at a time.
const backwardBody = (R: number, GP4: number, bias: boolean, last: boolean) => `
  ${perRow(R, (q) => `var dh${q} = 0.0; var carry${q} = 0.0; let live${q} = base + ${q} < batch;`)}
  var s0 = 0.0; var s1 = 0.0; var s2 = 0.0; var s3 = 0.0;
  let c0 = j; let c1 = H + j; let c2 = 2 * H + j;
  for (var x = j; x < ${R * GP4}; x += H) { sh[x] = vec4<f32>(0.0); }
  workgroupBarrier();
  for (var s = 0; s < steps; s++) {
    let t = steps - 1 - s;
    ${
  perRow(R, (q) =>
    `{
      var dr = 0.0; var dz = 0.0; var dhn = 0.0;
      if (live${q}) {
        let xr = t * batch + base + ${q};
        ${last ? `var dyv = 0.0; if (t == steps - 1) { dyv = dy[(base + ${q}) * H + j]; }` : "let dyv = dy[xr * H + j];"}
        let d = dyv + dh${q};
        let yo = xr * 5 * H + j;
        let rg = ys[yo + H]; let zg = ys[yo + 2 * H]; let n = ys[yo + 3 * H]; let hn = ys[yo + 4 * H];
        var hp = 0.0;
        if (t > 0) { hp = ys[(xr - batch) * 5 * H + j]; }
        let dn = d * (1.0 - zg) * (1.0 - n * n);
        dr = dn * hn * rg * (1.0 - rg);
        dz = d * (hp - n) * zg * (1.0 - zg);
        dhn = dn * rg;
        let xo = xr * 3 * H + j;
        dxz[xo] = dr; dxz[xo + H] = dz; dxz[xo + 2 * H] = dn;
        dhz[xo] = dr; dhz[xo + H] = dz; dhz[xo + 2 * H] = dhn;
        s0 += dr; s1 += dz; s2 += dhn; s3 += dn;
        carry${q} = d * zg;
      }
      sh[${q * GP4} + c0 / 4][c0 % 4] = dr; sh[${q * GP4} + c1 / 4][c1 % 4] = dz; sh[${q * GP4} + c2 / 4][c2 % 4] = dhn;
    }`)
}
    workgroupBarrier();
    ${perRow(R, (q) => `dh${q} = carry${q};`, " ")}
    for (var k = 0; k < ${GP4}; k++) {
      let w = rec[j * ${GP4} + k];
      ${perRow(R, (q) => `dh${q} += dot(sh[${q * GP4} + k], w);`, " ")}
    }
    workgroupBarrier();
  }
  // per-workgroup sums: dhz's (dbh) and, with the input bias, dxz's (which differ from dhz's in the n gate only)
  let po = wg * ${bias ? 6 : 3} * H + j;
  partials[po] = s0; partials[po + H] = s1; partials[po + 2 * H] = s2;
  ${bias ? "partials[po + 3 * H] = s0; partials[po + 4 * H] = s1; partials[po + 5 * H] = s3;" : ""}`;

/** The shape both GRU kernels plan for: the backward's two gradients are the widest buffer, its 3H gradients the largest workgroup memory. */
export function gruShape(units: number, batch: number, steps: number): RecurrentShape {
  return { units, batch, steps, width: 6 * units, shared: Math.max(padded4(3 * units), padded4(units)) };
}

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

function forward({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo[] {
  const { xz, u, bh, bias } = inputs as { xz: tf.TensorInfo; u: tf.TensorInfo; bh: tf.TensorInfo; bias?: tf.TensorInfo };
  const steps = attrs!.steps as number, rows = attrs!.rows as number, last = attrs!.last as boolean, H = u.shape[0]!, n = xz.shape[0]!;
  const shape = gruShape(H, n / steps, steps);
  const plan: RecurrentPlan = { backend: backend as WebGpuBackendLike, rows };
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
    forwardBody(rows, padded4(H) / 4, bias != null, last),
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
  const plan: RecurrentPlan = { backend: backend as WebGpuBackendLike, rows };
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
    backwardBody(rows, GP / 4, bias, last),
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
