import * as tf from "@tensorflow/tfjs";
import type { Windows } from "../../core/data/windows.ts";
import type { ComputeBackend } from "../../core/compute.ts";
import type { FitOptions, FitResult, InputKind, Model, ModelFiles } from "../../core/model.ts";
import type { Parallelism } from "../../core/platform.ts";
import { createRng } from "../../core/random.ts";
import { classWeights } from "../../core/train/class_weights.ts";
import { lossAndAccuracy } from "../../core/train/metrics/classification.ts";
import { DeviceFrame } from "./batches.ts";
import { saveNetwork } from "./network_io.ts";
import { useFastKernels } from "./fast_kernels.ts";
import { useGemmThreads } from "./wasm/gemm.ts";
import { taskBreaks } from "../../core/task_breaks.ts";
import { trainingAdam } from "./webgpu/adam.ts";
import { fusedClassifierStep, fusedStep } from "./classifier_step.ts";

/** Training settings shared by the tfjs models. */
export interface OptimizerSettings {
  learning_rate: number;
  /** Weight the loss of each class by n / (3 x its count) in the training split; default none. */
  class_weight?: "none" | "balanced";
}

/**
 * The loss a training step minimises: mean softmax cross-entropy of logits (b, 3) against class
 * indices, each sample weighted by its class's weight when weights are given.
 */
export function classifierLoss(logits: tf.Tensor, y: tf.Tensor1D, classWeights?: Float32Array): tf.Scalar {
  if (!classWeights) return tf.losses.softmaxCrossEntropy(tf.oneHot(y, 3), logits);
  const perSample = tf.losses.softmaxCrossEntropy(tf.oneHot(y, 3), logits, undefined, undefined, tf.Reduction.NONE);
  return tf.mean(tf.mul(perSample, tf.gather(tf.tensor1d(classWeights), y)));
}

/** Training steps between reads of the loss (and progress reports). */
const READ_EVERY = 8;

/**
 * A tfjs layers network (outputting logits for three classes) as a Model: mini-batch training with
 * Adam on softmax cross-entropy, batches gathered on the device, best-epoch snapshots, and
 * everything inside tidy scopes so no tensor outlives its step.
 */
export class NetworkModel implements Model {
  constructor(
    readonly net: tf.LayersModel,
    private readonly input: InputKind,
    private readonly optimizer: OptimizerSettings,
    private readonly backend: Pick<ComputeBackend, "name">,
    /** Threads for the wasm backend's products and recurrences while training (wasm/heap_threads.ts); one thread without. */
    private readonly parallel?: Parallelism,
  ) {}

  /** How the wasm backend's products ran in the last fit (wasm/gemm.ts). */
  private productNote = "";

  /**
   * Which kernels the layers that choose their own ran on webgpu ("mf_fused_lstm_MfFusedLstm1: fused"), and on wasm
   * how the products ran ("products: gemm.wat (relaxed SIMD), 2 threads"), recorded in run.json; empty elsewhere.
   */
  get kernels(): string {
    return [
      ...this.net.layers.flatMap((l) => {
        const k = (l as { kernels?: unknown }).kernels;
        return typeof k === "string" && k ? [`${l.name}: ${k}`] : [];
      }),
      ...(this.productNote ? [this.productNote] : []),
    ].join("; ");
  }

  async fit(train: Windows, val: Windows, options: FitOptions): Promise<FitResult> {
    useFastKernels(this.backend.name);
    const rng = createRng(options.seed);
    const optimizer = trainingAdam(this.backend.name, this.optimizer.learning_rate);
    const device = new DeviceFrame(train, this.input, this.backend.name);
    const labels = train.classes();
    const weights = this.optimizer.class_weight === "balanced" ? classWeights("balanced", labels) : undefined;
    const order = Int32Array.from({ length: train.size }, (_, k) => k);
    const steps = Math.ceil(train.size / options.batchSize);
    let best: tf.Tensor[] | undefined;
    let bestEpoch = -1, epoch = 0, reason: FitResult["reason"] = "completed";
    // on cpu and wasm nothing below yields to the event loop: without breaks a stop request waits for the epoch's end
    const pause = taskBreaks();
    const products = this.backend.name === "wasm" ? useGemmThreads(tf.backend(), this.parallel) : undefined;
    try {
      await products?.ready;
      for (; epoch < options.epochs; epoch++) {
        rng.shuffle(order);
        let lossSum = 0, correct = 0;
        // Loss and hits are summed on the device and read back every READ_EVERY steps: on WebGPU a
        // read waits for the device to drain (and a round trip), which dominated small steps on a GPU.
        let pending: tf.Tensor1D | undefined, pendingSamples = 0, step = 0;
        const read = async () => {
          if (!pending) return;
          const [l, c] = await pending.data();
          pending.dispose();
          pending = undefined;
          lossSum += l, correct += c;
          options.onStep?.(step, steps, l / pendingSamples);
          pendingSamples = 0;
        };
        for (; step < steps && !options.signal?.aborted;) {
          const idx = order.subarray(step * options.batchSize, Math.min((step + 1) * options.batchSize, train.size));
          const stats = this.trainStep(optimizer, device, idx, labels, weights);
          const sum = pending ? tf.add(pending, stats) as tf.Tensor1D : stats;
          if (pending) tf.dispose([pending, stats]);
          pending = sum;
          pendingSamples += idx.length;
          if (++step % READ_EVERY === 0) await read();
          await pause();
        }
        await read();
        if (options.signal?.aborted) {
          reason = "aborted";
          break;
        }
        const v = await this.score(val, options.batchSize);
        const decision = await options.onEpoch({
          epoch,
          train_loss: lossSum / train.size,
          train_accuracy: correct / train.size,
          val_loss: v.loss,
          val_accuracy: v.accuracy,
        });
        if (decision.best) {
          tf.dispose(best);
          best = this.net.getWeights().map((w) => w.clone());
          bestEpoch = epoch;
        }
        if (decision.stop) {
          reason = "early_stopping";
          epoch++;
          break;
        }
      }
      if (options.restoreBest && best) this.net.setWeights(best);
    } finally {
      if (products) this.productNote = products.note();
      products?.release();
      tf.dispose(best);
      device.dispose();
      optimizer.dispose();
    }
    return { epochs: epoch, bestEpoch, reason };
  }

  /** One Adam step on the samples `idx`; returns [summed loss, correct predictions]. */
  private trainStep(optimizer: tf.Optimizer, device: DeviceFrame, idx: Int32Array, labels: Int8Array, weights?: Float32Array): tf.Tensor1D {
    return tf.tidy(() => {
      const x = device.batch(idx);
      const y = tf.tensor1d(Int32Array.from(idx, (k) => labels[k]), "int32");
      // the loss, its gradient and the hits are one kernel each way (classifier_step.ts) on cpu, wasm and webgpu
      if (fusedStep(this.backend.name)) return fusedClassifierStep(optimizer, () => this.net.apply(x, { training: true }) as tf.Tensor2D, y, weights);
      let hits!: tf.Scalar;
      const loss = optimizer.minimize(() => {
        const logits = this.net.apply(x, { training: true }) as tf.Tensor2D;
        hits = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), y), "float32")));
        return classifierLoss(logits, y, weights);
      }, true)!;
      const stats = tf.stack([tf.mul(loss, idx.length), hits]) as tf.Tensor1D;
      hits.dispose(); // kept past minimize's scope, so not this tidy's to free
      return stats;
    });
  }

  /** Log loss and accuracy over a split, as every model reports them. */
  private async score(data: Windows, batchSize: number): Promise<{ loss: number; accuracy: number }> {
    return lossAndAccuracy(await this.predict(data, { batchSize }), data.classes());
  }

  async predict(data: Windows, options: { batchSize?: number } = {}): Promise<Float32Array> {
    useFastKernels(this.backend.name);
    const batchSize = options.batchSize ?? 1024;
    const device = new DeviceFrame(data, this.input, this.backend.name);
    const out = new Float32Array(data.size * 3);
    const products = this.backend.name === "wasm" ? useGemmThreads(tf.backend(), this.parallel) : undefined;
    try {
      await products?.ready;
      for (let start = 0; start < data.size; start += batchSize) {
        const idx = Int32Array.from({ length: Math.min(batchSize, data.size - start) }, (_, k) => start + k);
        const probs = tf.tidy(() => tf.softmax(this.net.apply(device.batch(idx), { training: false }) as tf.Tensor2D));
        out.set(await probs.data() as Float32Array, start * 3);
        probs.dispose();
      }
    } finally {
      products?.release();
      device.dispose();
    }
    return out;
  }

  save(): Promise<ModelFiles> {
    return saveNetwork(this.net);
  }

  dispose(): void {
    this.net.dispose();
  }
}
