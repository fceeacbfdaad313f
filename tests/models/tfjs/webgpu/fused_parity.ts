// Parity checks of the fused WebGPU kernels against the unfused tfjs computation on the same adapter, run under Deno
// (fused_parity_check.ts) on lavapipe and in Chromium on SwiftShader (tests/browser/fused_step_webgpu.test.ts): each returns, per case, max |fused - unfused| / max |unfused| of every output
// and gradient (issue 15 asks for 1e-4), on awkward batches (1 and 37).
import * as tf from "@tensorflow/tfjs";
import { classifierLoss } from "../../../../models/tfjs/network_model.ts";
import { softmaxCeStats } from "../../../../models/tfjs/classifier_step.ts";
import { dropoutFused } from "../../../../models/tfjs/webgpu/dropout.ts";
import { setFusedKernels } from "../../../../models/tfjs/webgpu/fused_flag.ts";
import { countDispatches } from "../../../../models/tfjs/webgpu/dispatch_counter.ts";
import { lstm } from "../../../../models/lstm/lstm.ts";
import { gru } from "../../../../models/gru/gru.ts";
import { lstmSequence } from "../../../../models/lstm/lstm_op.ts";
import { gruSequence } from "../../../../models/gru/gru_op.ts";
import { lstmLayerFused } from "../../../../models/tfjs/webgpu/lstm_fused.ts";
import { gruLayerFused } from "../../../../models/tfjs/webgpu/gru_fused.ts";
import { modelStepParity, rel, relError } from "./parity_helpers.ts";

/** One compared case: its name and the relative error of each compared tensor (or value). */
export interface ParityCase {
  name: string;
  errors: Record<string, number>;
  /** Dispatches the fused computation took, where counted. */
  dispatches?: number;
  /** Dispatches the unfused computation took, where counted. */
  unfusedDispatches?: number;
}

/** softmaxCeStats (loss sum, hits, d/dlogits of the mean loss) against classifierLoss, argMax hits and tfjs autograd. */
export async function softmaxCeParity(): Promise<ParityCase[]> {
  const cases: ParityCase[] = [];
  const counter = countDispatches(tf.backend());
  try {
    for (const batch of [1, 37]) {
      for (const weighted of [false, true]) {
        const w = weighted ? new Float32Array([0.5, 1.5, 2.25]) : undefined;
        const logits = tf.randomNormal([batch, 3], 0, 2, "float32", 7 + batch) as tf.Tensor2D;
        const y = tf.tensor1d(Array.from({ length: batch }, (_, i) => (i * 7 + 1) % 3), "int32");
        const loss = classifierLoss(logits, y, w);
        const hits = tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), y), "float32"));
        const grad = tf.grad((l: tf.Tensor) => classifierLoss(l as tf.Tensor2D, y, w))(logits);
        const weights = w ? tf.tensor1d(w) : undefined;
        counter.reset();
        const { value, grads } = tf.engine().gradients(() => softmaxCeStats(logits, y, weights), [logits], tf.tensor1d([1 / batch, 0]));
        const dispatches = counter.counts().dispatches;
        const [stats, [l], [h]] = await Promise.all([value.data(), loss.data(), hits.data()]);
        cases.push({
          name: `softmax ce, batch ${batch}${weighted ? ", class weights" : ""}`,
          errors: { loss: rel(stats[0] / batch, l), hits: rel(stats[1], h), dlogits: await relError(grads[0], grad) },
          dispatches,
        });
        tf.dispose([logits, y, loss, hits, grad, value, ...grads, ...(weights ? [weights] : [])]);
      }
    }
  } finally {
    counter.stop();
  }
  return cases;
}

/** dropoutFused against tf.dropout with the same seed: the values and the gradient of a weighted sum. */
export async function dropoutParity(): Promise<ParityCase[]> {
  const cases: ParityCase[] = [];
  for (const shape of [[1, 17], [37, 64], [37, 5, 3]]) {
    const x = tf.randomNormal(shape, 0, 1, "float32", 11);
    const k = tf.randomNormal(shape, 0, 1, "float32", 12);
    const run = (f: (t: tf.Tensor) => tf.Tensor) => tf.valueAndGrad((t: tf.Tensor) => tf.sum(tf.mul(f(t), k)))(x);
    const fused = run((t) => dropoutFused(t, 0.3, "5:2"));
    const plain = run((t) => tf.dropout(t, 0.3, undefined, "5:2"));
    const out = [dropoutFused(x, 0.3, "5:2"), tf.dropout(x, 0.3, undefined, "5:2")];
    cases.push({
      name: `dropout ${shape.join("x")}`,
      errors: { output: await relError(out[0], out[1]), loss: await relError(fused.value, plain.value), dx: await relError(fused.grad, plain.grad) },
    });
    tf.dispose([x, k, fused.value, fused.grad, plain.value, plain.grad, ...out]);
  }
  return cases;
}

/**
 * A few training steps (NetworkModel.fit: Adam, batch 37, window 12, units 17) with the fused kernels on and off from the
 * same seed: the epoch's train loss and the validation loss after it. An LSTM with its defaults (dropout 0.2, last step),
 * and a two-layer GRU with the mean head and class weights (every step's state, dropout between layers).
 */
export async function stepParity(): Promise<ParityCase[]> {
  return [
    await modelStepParity("lstm", lstm, { units: 17, learning_rate: 0.01 }, { seqLen: 12 }),
    await modelStepParity("gru 2 layers, mean head, class weights", gru, {
      units: 17,
      layers: 2,
      head: "mean",
      class_weight: "balanced",
      learning_rate: 0.01,
    }, { seqLen: 12 }),
  ];
}

type Recurrence = (xw: tf.Tensor2D, u: tf.Tensor2D, bh: tf.Tensor1D, bias: tf.Tensor1D | undefined, steps: number, last: boolean) => tf.Tensor2D;
const CELLS: { name: string; gates: number; fused: Recurrence; plain: Recurrence }[] = [
  {
    name: "lstm",
    gates: 4,
    fused: (xw, u, _bh, bias, L, last) => bias ? lstmLayerFused(xw, u, bias, L, last)! : lstmSequence(xw, u, L),
    plain: (xw, u, _bh, bias, L) => lstmSequence(bias ? tf.add(xw, bias) as tf.Tensor2D : xw, u, L),
  },
  {
    name: "gru",
    gates: 3,
    fused: (xw, u, bh, bias, L, last) => bias ? gruLayerFused(xw, u, bh, bias, L, last)! : gruSequence(xw, u, bh, L),
    plain: (xw, u, bh, bias, L) => gruSequence(bias ? tf.add(xw, bias) as tf.Tensor2D : xw, u, bh, L),
  },
];

// [batch, units, window, planned as on a GPU]. Units 17 run one unit an invocation, 64 and 128 four on a CPU adapter
// (recurrent_plan.ts perInvocation); batch 256 runs 16 rows a workgroup there (maxRows), the others 8 or fewer; "gpu":
// planned as on a GPU (one unit an invocation, 8 rows, the products' GPU tiles), so a CPU adapter checks that too.
const RECURRENT_SHAPES: [number, number, number, boolean?][] = [[1, 17, 1], [37, 17, 60], [37, 64, 12], [1, 64, 60], [37, 64, 12, true]];
// 128 units, window 200, batch 256: minutes on SwiftShader, so only the lavapipe checks (lstm_long_parity.ts, gru_long_parity.ts)
const LONG_RECURRENT_SHAPES: [number, number, number, boolean?][] = [[37, 128, 60], [1, 128, 200], [256, 64, 12], [256, 64, 12, true]];
// SwiftShader's sweep (tests/browser/): the same plans (units per invocation, rows, the GPU plan) over 12 steps at most,
// where the unfused reference costs seconds a step; the window is a uniform of the kernels, not part of their code.
const SHORT_RECURRENT_SHAPES: [number, number, number, boolean?][] = [[1, 17, 1], [37, 17, 12], [37, 64, 12], [1, 64, 12], [37, 64, 12, true]];

/** Which shapes a parity check sweeps: the default set, the long one added (lavapipe), or the short one (SwiftShader). */
export type Sweep = "default" | "long" | "short";

/**
 * Runs `f` with the WebGPU device's adapter info saying it is no fallback adapter, so the fused kernels plan as on a
 * GPU (recurrent_plan.ts, recurrent_products.ts), then puts the device's own info back.
 */
export function asGpu<T>(f: () => T): T {
  const device = (tf.backend() as unknown as { device: object }).device;
  Object.defineProperty(device, "adapterInfo", { value: { isFallbackAdapter: false }, configurable: true });
  try {
    return f();
  } finally {
    delete (device as { adapterInfo?: unknown }).adapterInfo;
  }
}

/**
 * The fused recurrences (lstm_kernels.ts, gru_kernels.ts) against the same ops with the fused kernels off: the output
 * and the gradients of a fixed random weighting of it with respect to xw, u, bh (GRU) and the input bias; the op's
 * own form (no bias, every step) and the layers' (bias added in the kernel, every step or the last only); "long" adds
 * 128 units, window 200 and batch 256; "short" keeps every plan at 12 steps at most, in the layers' forms.
 */
export async function recurrentParity(name: "lstm" | "gru", sweep: Sweep = "default"): Promise<ParityCase[]> {
  const cases: ParityCase[] = [];
  for (const cell of CELLS.filter((c) => c.name === name)) {
    const shapes = { default: RECURRENT_SHAPES, long: [...RECURRENT_SHAPES, ...LONG_RECURRENT_SHAPES], short: SHORT_RECURRENT_SHAPES }[sweep];
    for (const [b, H, L, gpu] of shapes) {
      // the short sweep leaves the op's own form to tests/browser/recurrent_webgpu.test.ts, which checks it there
      for (const [withBias, last] of sweep === "short" ? [[true, false], [true, true]] : [[false, false], [true, false], [true, true]]) {
        const G = cell.gates * H;
        const xw = tf.randomNormal([L * b, G], 0, 1, "float32", 1) as tf.Tensor2D;
        const u = tf.randomNormal([H, G], 0, 1 / Math.sqrt(H), "float32", 2) as tf.Tensor2D;
        const bh = tf.randomNormal([G], 0, 0.5, "float32", 4) as tf.Tensor1D;
        const bias = tf.randomNormal([G], 0, 0.5, "float32", 5) as tf.Tensor1D;
        const k = tf.randomNormal(last ? [b, H] : [L * b, H], 0, 1, "float32", 3);
        const run = (fused: boolean) => {
          setFusedKernels(fused);
          const f = (...a: (tf.Tensor | undefined)[]) => {
            const [x, w, r, c] = a as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.Tensor1D | undefined];
            const out = fused ? cell.fused(x, w, r, c, L, last) : cell.plain(x, w, r, c, L, last);
            return last && !fused ? tf.slice(out, [(L - 1) * b, 0], [b, H]) : out;
          };
          const out = f(xw, u, bh, withBias ? bias : undefined);
          // the LSTM has no bh: tfjs finds no path to it, so its gradient is left out
          const xs: tf.Tensor[] = withBias ? [xw, u, bh, bias] : [xw, u, bh];
          const { value, grads } = tf.engine().gradients(() => tf.sum(tf.mul(f(...xs), k)), xs, undefined, true);
          value.dispose();
          return [out, ...grads];
        };
        const fused = gpu ? asGpu(() => run(true)) : run(true), plain = run(false);
        const names = ["output", "dxw", "du", "dbh", "dbias"];
        const errors: Record<string, number> = {};
        for (let i = 0; i < plain.length; i++) {
          if (plain[i] != null || fused[i] != null) errors[names[i]] = await relError(fused[i], plain[i]);
        }
        cases.push({ name: `${cell.name} b=${b} H=${H} L=${L}${withBias ? " bias" : ""}${last ? " last" : ""}${gpu ? " gpu" : ""}`, errors });
        tf.dispose([xw, u, bh, bias, k, ...fused.filter((t) => t != null), ...plain.filter((t) => t != null)]);
      }
    }
  }
  setFusedKernels(true);
  return cases;
}
