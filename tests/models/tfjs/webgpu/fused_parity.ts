// Parity checks of the fused WebGPU kernels against the unfused tfjs computation on the same adapter, run under Deno
// (fused_parity_check.ts) on lavapipe: each returns, per case, max |fused - unfused| / max |unfused| of every output
// and gradient (issue 15 asks for 1e-4), on awkward batches (1 and 37).
import * as tf from "@tensorflow/tfjs";
import { classifierLoss, NetworkModel } from "../../../../models/tfjs/network_model.ts";
import { softmaxCeStats } from "../../../../models/tfjs/webgpu/classifier_step.ts";
import { dropoutFused } from "../../../../models/tfjs/webgpu/dropout.ts";
import { setFusedKernels } from "../../../../models/tfjs/webgpu/fused_flag.ts";
import { countDispatches } from "../../../../models/tfjs/webgpu/dispatch_counter.ts";
import { lstm } from "../../../../models/lstm/lstm.ts";
import { syntheticWindows } from "../../../../bench/training_inputs.ts";

/** One compared case: its name and the relative error of each compared tensor (or value). */
export interface ParityCase {
  name: string;
  errors: Record<string, number>;
  /** Dispatches the fused computation took, where counted. */
  dispatches?: number;
  /** Dispatches the unfused computation took, where counted. */
  unfusedDispatches?: number;
}

/** max |a - b| / max |b| (max |a - b| where b is all zeros). */
async function relError(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  const [d, m] = await Promise.all([tf.max(tf.abs(tf.sub(a, b))).data(), tf.max(tf.abs(b)).data()]);
  return m[0] === 0 ? d[0] : d[0] / m[0];
}

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);

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
 * A few LSTM training steps (NetworkModel.fit: dropout 0.2, Adam, batch 37, units 17, window 12) with the fused kernels
 * on and off from the same seed: the epoch's train loss and the validation loss after it.
 */
export async function lstmStepParity(): Promise<ParityCase[]> {
  const train = syntheticWindows(37 * 4, 3, { seqLen: 12, features: 9 });
  const val = syntheticWindows(50, 4, { seqLen: 12, features: 9 });
  const backend = { name: "webgpu" as const, requested: "webgpu" as const, reason: "parity check" };
  const losses: { train: number; val: number }[] = [];
  const dispatches: number[] = [];
  const counter = countDispatches(tf.backend());
  for (const on of [true, false]) {
    counter.reset();
    setFusedKernels(on);
    const config = lstm.configSchema.parse({ units: 17, learning_rate: 0.01 });
    const model = lstm.create(config, { seqLen: 12, nFeatures: 9, nClasses: 3 }, { seed: 2, backend }) as NetworkModel;
    await model.fit(train, val, {
      epochs: 1,
      batchSize: 37,
      seed: 1,
      restoreBest: false,
      onEpoch: (e) => {
        losses.push({ train: e.train_loss, val: e.val_loss });
        return Promise.resolve({ stop: false, best: false });
      },
    });
    dispatches.push(counter.counts().dispatches);
    model.dispose();
  }
  counter.stop();
  setFusedKernels(true);
  return [{
    name: "lstm steps, flag on vs off",
    errors: { train_loss: rel(losses[0].train, losses[1].train), val_loss: rel(losses[0].val, losses[1].val) },
    dispatches: dispatches[0],
    unfusedDispatches: dispatches[1],
  }];
}
