import type { Windows } from "../../core/data/windows.ts";
import type { FeatureImportance, FitOptions, FitResult, Model, ModelContext, ModelFiles } from "../../core/model.ts";
import { createRng, type Rng } from "../../core/random.ts";
import { applyBins, fitBins } from "./binning.ts";
import { sampleWeights } from "../../core/train/class_weights.ts";
import { LossSums } from "../../core/train/metrics/classification.ts";
import type { ImportanceKind } from "../../core/train/run_record.ts";
import type { TreeSettings } from "./config.ts";
import type { Engine } from "./engine.ts";
import { inputColumns, sourceFeature, tabular } from "./inputs.ts";
import { ensembleFromJson, type EnsembleMeta, ensembleToJson, type Link, TREES_FILE } from "./model_json.ts";
import { startEngines } from "./parallel.ts";
import type { SplitParams } from "./split.ts";
import { addRaw, type Tree } from "./tree.ts";
import { BinnedScores } from "./kernels/binned_scores.ts";
import type { GpuDevice } from "./webgpu_types.ts";

/** What a learner sees each round: the binned training data and the scores so far. */
export interface RoundState {
  /** The leaf (node index) each training row reaches in a tree (a new array). */
  leaves(tree: Tree): Int32Array;
  rows: number;
  cols: number;
  edges: readonly Float32Array[];
  classes: Int8Array;
  weights: Float32Array;
  /** rows x 3 summed leaf values of the trees so far. */
  scores: Float64Array;
  engines: readonly Engine[];
  rng: Rng;
  /** The round being grown, from 0. */
  round: number;
}

/** The kind of a tree model's feature importance, recorded in run.json. */
export const SPLIT_GAIN: ImportanceKind = {
  label: "gain",
  detail: "total split gain, the loss reduction of every split on the feature (its window's lags included) summed over all trees",
};

/** The part of a tree model that differs between boosting and bagging: which trees a round grows. */
export interface Learner {
  link: Link;
  /** Histogram channels: outputs + 1. */
  channels: number;
  treesPerRound: number;
  params: SplitParams;
  round(state: RoundState): Promise<Tree[]>;
}

/**
 * A tree ensemble as a Model. `fit` bins the features once, starts the histogram engines (workers,
 * GPU or this thread), and runs rounds: each grows the learner's trees, updates train and val scores
 * from the bins, and reports multiclass log loss to the trainer, which decides stopping and the best
 * round; with `restoreBest` the ensemble is cut back to the best round (its best_iteration).
 */
export class TreeModel implements Model {
  private trees: Tree[] = [];
  private bestIteration = -1;
  /** Where the last fit built its histograms ("cpu", "cpu x2 threads", "webgpu"). */
  histograms = "";

  constructor(
    readonly meta: EnsembleMeta,
    private readonly settings: Pick<TreeSettings, "max_bins" | "class_weight" | "histogram">,
    private readonly learner?: Learner,
    private readonly context?: ModelContext,
  ) {}

  async fit(train: Windows, val: Windows, options: FitOptions): Promise<FitResult> {
    const learner = this.learner;
    if (!learner) throw new Error(`This ${this.meta.kind} model was loaded for prediction and cannot be trained further`);
    const { cols } = this.meta;
    const x = tabular(train, this.meta.input), rows = train.size;
    const binning = fitBins(x, { rows, cols, maxBins: this.settings.max_bins });
    // The bins go to the engines and the scores' kernels, each of which keeps its own copy; this array is then dropped.
    const bins = applyBins(binning, x, rows);
    const trainScores = new BinnedScores(bins, rows, cols);
    const valScores = new BinnedScores(applyBins(binning, tabular(val, this.meta.input), val.size), val.size, cols);
    const classes = train.classes(), valClasses = val.classes();
    const { engines, kind, close } = await startEngines({ bins, rows, cols, nBins: binning.nBins, channels: learner.channels, params: learner.params }, {
      parallel: this.context?.parallel,
      gpu: this.gpu(),
    });
    const state: RoundState = {
      leaves: (tree) => trainScores.leaves(tree),
      rows,
      cols,
      edges: binning.edges,
      classes,
      weights: sampleWeights(this.settings.class_weight, classes),
      scores: trainScores.scores,
      engines,
      rng: createRng(options.seed),
      round: 0,
    };
    this.histograms = kind;
    this.trees = [];
    let round = 0, best = -1, reason: FitResult["reason"] = "completed";
    try {
      for (; round < options.epochs; round++) {
        if (options.signal?.aborted) {
          reason = "aborted";
          break;
        }
        state.round = round;
        for (const tree of await learner.round(state)) {
          trainScores.add(tree);
          valScores.add(tree);
          this.trees.push(tree);
        }
        // Adding may have grown the kernels' memory: a fresh view.
        state.scores = trainScores.scores;
        const fitTrain = this.lossAndAccuracy(state.scores, classes);
        const fitVal = this.lossAndAccuracy(valScores.scores, valClasses);
        this.bestIteration = round;
        const decision = await options.onEpoch({
          epoch: round,
          train_loss: fitTrain.loss,
          train_accuracy: fitTrain.accuracy,
          val_loss: fitVal.loss,
          val_accuracy: fitVal.accuracy,
        });
        if (decision.best) best = round;
        if (decision.stop) {
          reason = "early_stopping";
          round++;
          break;
        }
      }
    } finally {
      close();
    }
    this.bestIteration = best >= 0 ? best : round - 1;
    if (options.restoreBest && best >= 0) this.trees.length = (best + 1) * learner.treesPerRound;
    return { epochs: round, bestEpoch: best, reason };
  }

  async predict(data: Windows): Promise<Float32Array> {
    const x = tabular(data, this.meta.input);
    const scores = new Float64Array(data.size * 3);
    for (const tree of this.trees) addRaw(tree, x, this.meta.cols, scores);
    return this.probabilities(scores);
  }

  save(): Promise<ModelFiles> {
    const importance = this.importance();
    return Promise.resolve({ [TREES_FILE]: new TextEncoder().encode(ensembleToJson(this.meta, this.bestIteration, importance, this.trees)) });
  }

  /** Total split gain per frame feature (summed over the columns derived from it). */
  featureImportance(): FeatureImportance {
    return { kind: SPLIT_GAIN, values: Float32Array.from(this.importance().gain) };
  }

  dispose(): void {
    this.trees = [];
  }

  /** A model with the trees of a saved `trees.json`, for prediction. */
  static load(files: ModelFiles, expected: Omit<EnsembleMeta, "cols">): TreeModel {
    const { meta, trees, bestIteration } = ensembleFromJson(files, { ...expected, cols: inputColumns(expected.input, expected.seqLen, expected.nFeatures) });
    const model = new TreeModel(meta, { max_bins: 255, histogram: "cpu" });
    model.trees = trees;
    model.bestIteration = bestIteration;
    return model;
  }

  private importance(): { gain: number[]; count: number[] } {
    const gain = new Array<number>(this.meta.nFeatures).fill(0), count = new Array<number>(this.meta.nFeatures).fill(0);
    for (const tree of this.trees) {
      tree.feature.forEach((f, k) => {
        if (f < 0) return;
        const source = sourceFeature(f, this.meta.nFeatures);
        gain[source] += tree.gain[k];
        count[source] += 1;
      });
    }
    return { gain, count };
  }

  /** Log loss and accuracy of the probabilities of summed leaf values, a block of rows at a time (no array of them all). */
  private lossAndAccuracy(scores: Float64Array, classes: Int8Array): { loss: number; accuracy: number } {
    const sums = new LossSums(), block = new Float32Array(3 * 4096);
    for (let start = 0; start < classes.length; start += 4096) {
      const end = Math.min(classes.length, start + 4096);
      const probs = block.subarray(0, 3 * (end - start));
      this.probabilitiesInto(scores.subarray(3 * start, 3 * end), probs);
      sums.add(probs, classes.subarray(start, end));
    }
    return sums.result();
  }

  /** n x 3 probabilities from summed leaf values. */
  private probabilities(scores: Float64Array): Float32Array {
    return this.probabilitiesInto(scores, new Float32Array(scores.length));
  }

  /** Writes the probabilities of `scores` (n x 3 summed leaf values) into `out`: softmax, or a forest's shares of its votes. */
  private probabilitiesInto(scores: Float64Array, out: Float32Array): Float32Array {
    const softmax = this.meta.link === "softmax";
    for (let i = 0; i < scores.length; i += 3) {
      const a = scores[i], b = scores[i + 1], c = scores[i + 2];
      if (softmax) {
        const m = Math.max(a, b, c), ea = Math.exp(a - m), eb = Math.exp(b - m), ec = Math.exp(c - m), s = ea + eb + ec;
        out[i] = ea / s;
        out[i + 1] = eb / s;
        out[i + 2] = ec / s;
      } else {
        const s = a + b + c;
        out[i] = s > 0 ? a / s : 1 / 3;
        out[i + 1] = s > 0 ? b / s : 1 / 3;
        out[i + 2] = s > 0 ? c / s : 1 / 3;
      }
    }
    return out;
  }

  /** The WebGPU device to build histograms on, when the settings and the run's backend allow one. */
  private gpu(): GpuDevice | undefined {
    const { histogram } = this.settings;
    const backend = this.context?.backend;
    const device = backend?.name === "webgpu" ? backend.gpuDevice as GpuDevice | undefined : undefined;
    if (histogram === "webgpu" && !device) {
      throw new Error(`histogram "webgpu" needs the webgpu backend (trainer.backend "webgpu"), but the run computes on "${backend?.name ?? "no backend"}"`);
    }
    return histogram !== "cpu" ? device : undefined;
  }
}
