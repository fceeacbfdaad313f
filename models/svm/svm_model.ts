import type { Windows } from "../../core/data/windows.ts";
import type { FitOptions, FitResult, Model, ModelFiles } from "../../core/model.ts";
import { createRng } from "../../core/random.ts";
import { taskBreaks } from "../../core/task_breaks.ts";
import { sampleWeights } from "../../core/train/class_weights.ts";
import { lossAndAccuracy } from "../../core/train/metrics/classification.ts";
import { type Multiclass, squaredHinge } from "./hinge.ts";
import { applyFourierMap, type FourierMap } from "./rff.ts";
import { calibratedProbabilities, type Calibration, fitCalibration } from "./calibration.ts";

/** What training needs from the config. */
export interface SvmTraining {
  multiclass: Multiclass;
  /** Inverse regularisation strength, as LIBLINEAR's: the objective is |W|^2 / 2 + C sum of losses. */
  C: number;
  learning_rate: number;
  class_weight: "none" | "balanced";
}

/** The files a saved SVM is made of. */
export const SVM_FILE = "svm.json", WEIGHTS_FILE = "weights.bin";
const FORMAT = "model-factory/svm@1";
/** Features of at most this many values (rows x features) are computed once per fit; larger ones per batch. */
const CACHE_VALUES = 33_554_432;
const ADAM = { beta1: 0.9, beta2: 0.999, eps: 1e-8 };

/**
 * A multiclass linear SVM on the flattened window, or on its random Fourier features (an RBF kernel),
 * trained on the primal squared hinge with L2 regularisation by mini-batch Adam, one epoch a pass.
 * Margins become probabilities by softmax(beta m + c), beta and c fitted on the validation split each
 * epoch (so the reported log loss is the calibrated one) and once more on the final weights. The final
 * weights are float32, the form they are saved in, so a loaded model predicts the same bits.
 */
export class SvmModel implements Model {
  /** 3 x components weights and 3 biases, as predict uses and save writes them. */
  private weights: Float32Array;
  private bias = new Float32Array(3);
  /** The softmax over margins: inverse temperature and per-class offsets (calibration.ts). */
  private calibration: Calibration = { beta: 1, offsets: [0, 0, 0] };

  constructor(readonly inputs: number, readonly map: FourierMap | undefined, private readonly training?: SvmTraining) {
    this.weights = new Float32Array(3 * this.components);
  }

  /** Features the linear part sees: the inputs themselves, or the Fourier features. */
  get components(): number {
    return this.map?.components ?? this.inputs;
  }

  async fit(train: Windows, val: Windows, options: FitOptions): Promise<FitResult> {
    const t = this.training;
    if (!t) throw new Error("This SVM was loaded for prediction and cannot be trained further");
    const D = this.components, n = train.size;
    const labels = train.classes(), valLabels = val.classes();
    const weights = sampleWeights(t.class_weight, labels);
    const lambda = 1 / (t.C * n);
    const W = new Float64Array(3 * D), b = new Float64Array(3);
    const moments = { mW: new Float64Array(3 * D), vW: new Float64Array(3 * D), mb: new Float64Array(3), vb: new Float64Array(3) };
    const features = this.features(train), valFeatures = this.features(val);
    const rng = createRng(options.seed);
    const order = Int32Array.from({ length: n }, (_, k) => k);
    const trainMargins = new Float64Array(n * 3);
    const steps = Math.ceil(n / options.batchSize);
    let best: { W: Float64Array; b: Float64Array } | undefined;
    let bestEpoch = -1, epoch = 0, adamStep = 0, reason: FitResult["reason"] = "completed";
    // the steps are synchronous: breaks let a stop request (a task) through between batches
    const pause = taskBreaks();
    for (; epoch < options.epochs; epoch++) {
      rng.shuffle(order);
      let pendingLoss = 0, pendingRows = 0, step = 0;
      for (; step < steps && !options.signal?.aborted; step++) {
        const idx = order.subarray(step * options.batchSize, Math.min((step + 1) * options.batchSize, n));
        const B = idx.length, phi = features(idx), m = new Float64Array(B * 3), grad = new Float64Array(B * 3);
        linearMargins(phi, B, D, W, b, m);
        idx.forEach((row, k) => trainMargins.set(m.subarray(3 * k, 3 * k + 3), 3 * row));
        pendingLoss += squaredHinge(t.multiclass, m, Int8Array.from(idx, (row) => labels[row]), Float32Array.from(idx, (row) => weights[row]), grad);
        pendingRows += B;
        adamStep++;
        adamUpdate(W, b, moments, gradients(phi, grad, B, D, W, lambda), adamStep, t.learning_rate);
        if ((step + 1) % 16 === 0) {
          options.onStep?.(step + 1, steps, pendingLoss / pendingRows);
          [pendingLoss, pendingRows] = [0, 0];
        }
        await pause();
      }
      if (options.signal?.aborted) {
        reason = "aborted";
        break;
      }
      const valMargins = marginsOf(val.size, valFeatures, D, W, b);
      const calibration = fitCalibration(valMargins, valLabels);
      const fitVal = lossAndAccuracy(calibratedProbabilities(valMargins, calibration), valLabels);
      const fitTrain = lossAndAccuracy(calibratedProbabilities(trainMargins, calibration), labels);
      const decision = await options.onEpoch({
        epoch,
        train_loss: fitTrain.loss,
        train_accuracy: fitTrain.accuracy,
        val_loss: fitVal.loss,
        val_accuracy: fitVal.accuracy,
      });
      if (decision.best) [best, bestEpoch] = [{ W: W.slice(), b: b.slice() }, epoch];
      if (decision.stop) {
        reason = "early_stopping";
        epoch++;
        break;
      }
    }
    const kept = options.restoreBest && best ? best : { W, b };
    this.weights = Float32Array.from(kept.W);
    this.bias = Float32Array.from(kept.b);
    this.calibration = fitCalibration(marginsOf(val.size, valFeatures, D, this.weights, this.bias), valLabels);
    return { epochs: epoch, bestEpoch, reason };
  }

  predict(data: Windows): Promise<Float32Array> {
    return Promise.resolve(calibratedProbabilities(marginsOf(data.size, this.features(data), this.components, this.weights, this.bias), this.calibration));
  }

  save(): Promise<ModelFiles> {
    const parts = [this.weights, this.bias, ...(this.map ? [this.map.omega, this.map.phase] : [])];
    const bytes = new Uint8Array(parts.reduce((s, p) => s + p.byteLength, 0));
    const view = new DataView(bytes.buffer);
    let at = 0;
    for (const part of parts) for (const v of part) (view.setFloat32(at, v, true), at += 4);
    const head = {
      format: FORMAT,
      inputs: this.inputs,
      kernel: this.map ? "rbf" : "linear",
      components: this.components,
      inverse_temperature: this.calibration.beta,
      class_offsets: this.calibration.offsets,
      weights: "float32 little-endian: weights (3 x components, row-major), bias (3), then for rbf omega (components x inputs) and phase (components)",
    };
    return Promise.resolve({ [SVM_FILE]: new TextEncoder().encode(JSON.stringify(head, null, 2) + "\n"), [WEIGHTS_FILE]: bytes });
  }

  dispose(): void {}

  /** A model from saved files, checked against the run's input width and kernel. */
  static load(files: ModelFiles, expected: { inputs: number; kernel: "linear" | "rbf" }): SvmModel {
    const fail = (what: string): never => {
      throw new TypeError(`Cannot load an SVM: ${what}`);
    };
    const [text, bytes] = [files[SVM_FILE], files[WEIGHTS_FILE]];
    if (!text || !bytes) fail(`it needs ${SVM_FILE} and ${WEIGHTS_FILE}, found ${Object.keys(files).join(", ") || "none"}`);
    const head = JSON.parse(new TextDecoder().decode(text));
    if (head.format !== FORMAT) fail(`${SVM_FILE} has format ${JSON.stringify(head.format)}, expected "${FORMAT}"`);
    if (head.inputs !== expected.inputs) fail(`${SVM_FILE} has ${head.inputs} inputs, the run expects ${expected.inputs}`);
    if (head.kernel !== expected.kernel) fail(`${SVM_FILE} has kernel ${JSON.stringify(head.kernel)}, the run expects "${expected.kernel}"`);
    const D = head.components, d = expected.inputs, rbf = head.kernel === "rbf";
    const sizes = [3 * D, 3, ...(rbf ? [D * d, D] : [])];
    const total = sizes.reduce((s, k) => s + k, 0);
    if (!Number.isInteger(D) || D < 1 || (!rbf && D !== d)) fail(`${SVM_FILE} has ${D} components`);
    if (bytes.length !== total * 4) fail(`${WEIGHTS_FILE} has ${bytes.length} bytes, expected ${total * 4}`);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let at = 0;
    const [weights, bias, omega, phase] = sizes.map((k) => Float32Array.from({ length: k }, () => (at += 4, view.getFloat32(at - 4, true))));
    const model = new SvmModel(d, rbf ? { inputs: d, components: D, omega, phase } : undefined);
    model.weights = weights;
    model.bias = bias;
    const [beta, offsets] = [head.inverse_temperature, head.class_offsets];
    if (!(typeof beta === "number" && beta >= 0)) fail(`${SVM_FILE} has inverse_temperature ${JSON.stringify(beta)}, expected a number >= 0`);
    if (!(Array.isArray(offsets) && offsets.length === 3 && offsets.every(Number.isFinite))) {
      fail(`${SVM_FILE} has class_offsets ${JSON.stringify(offsets)}, expected three numbers`);
    }
    model.calibration = { beta, offsets };
    return model;
  }

  /** The features of given samples (b x components): computed once for the whole split when small enough, else per call. */
  private features(data: Windows): (idx: Int32Array) => Float32Array {
    const D = this.components;
    const compute = (idx: Int32Array) => {
      const x = data.gather(idx);
      return this.map ? applyFourierMap(this.map, x, idx.length, new Float32Array(idx.length * D)) : x;
    };
    if (data.size * D > CACHE_VALUES) return compute;
    const all = new Float32Array(data.size * D);
    for (let start = 0; start < data.size; start += 4096) {
      const idx = Int32Array.from({ length: Math.min(4096, data.size - start) }, (_, k) => start + k);
      all.set(compute(idx), start * D);
    }
    return (idx) => {
      const out = new Float32Array(idx.length * D);
      idx.forEach((row, k) => out.set(all.subarray(row * D, (row + 1) * D), k * D));
      return out;
    };
  }
}

/** m = phi W^T + b for `rows` feature rows (rows x D) into `out` (rows x 3). */
function linearMargins(phi: Float32Array, rows: number, D: number, W: ArrayLike<number>, b: ArrayLike<number>, out: Float64Array, at = 0): void {
  for (let i = 0; i < rows; i++) {
    for (let k = 0; k < 3; k++) {
      let s = b[k];
      const wo = k * D, po = i * D;
      for (let j = 0; j < D; j++) s += W[wo + j] * phi[po + j];
      out[(at + i) * 3 + k] = s;
    }
  }
}

/** Margins of every sample of a split, a chunk of rows at a time. */
function marginsOf(size: number, features: (idx: Int32Array) => Float32Array, D: number, W: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  const out = new Float64Array(size * 3);
  for (let start = 0; start < size; start += 4096) {
    const idx = Int32Array.from({ length: Math.min(4096, size - start) }, (_, k) => start + k);
    linearMargins(features(idx), idx.length, D, W, b, out, start);
  }
  return out;
}

/** Gradient of mean loss + lambda |W|^2 / 2 over a batch: weights (3 x D) then biases (3). */
function gradients(phi: Float32Array, grad: Float64Array, B: number, D: number, W: Float64Array, lambda: number): { gW: Float64Array; gb: Float64Array } {
  const gW = new Float64Array(3 * D), gb = new Float64Array(3);
  for (let i = 0; i < B; i++) {
    for (let k = 0; k < 3; k++) {
      const g = grad[i * 3 + k];
      if (g === 0) continue;
      gb[k] += g;
      const wo = k * D, po = i * D;
      for (let j = 0; j < D; j++) gW[wo + j] += g * phi[po + j];
    }
  }
  for (let j = 0; j < 3 * D; j++) gW[j] = gW[j] / B + lambda * W[j];
  for (let k = 0; k < 3; k++) gb[k] /= B;
  return { gW, gb };
}

/** One Adam step (bias-corrected moments) on the weights and biases. */
function adamUpdate(
  W: Float64Array,
  b: Float64Array,
  m: { mW: Float64Array; vW: Float64Array; mb: Float64Array; vb: Float64Array },
  g: { gW: Float64Array; gb: Float64Array },
  step: number,
  rate: number,
): void {
  const { beta1, beta2, eps } = ADAM;
  const c1 = 1 - beta1 ** step, c2 = 1 - beta2 ** step;
  const update = (p: Float64Array, mo: Float64Array, ve: Float64Array, gr: Float64Array) => {
    for (let j = 0; j < p.length; j++) {
      mo[j] = beta1 * mo[j] + (1 - beta1) * gr[j];
      ve[j] = beta2 * ve[j] + (1 - beta2) * gr[j] * gr[j];
      p[j] -= (rate * (mo[j] / c1)) / (Math.sqrt(ve[j] / c2) + eps);
    }
  };
  update(W, m.mW, m.vW, g.gW);
  update(b, m.mb, m.vb, g.gb);
}
