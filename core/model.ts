import type { z } from "zod";
import type { ComputeBackend } from "./compute.ts";
import type { Windows } from "./data/windows.ts";
import type { AbortLike, Parallelism } from "./platform.ts";
import type { ImportanceKind } from "./train/run_record.ts";
import type { SearchSpace } from "./tune/space.ts";

/** What a model sees of its input: a window of `seqLen` rows of `nFeatures`, and three classes. */
export interface InputShape {
  seqLen: number;
  nFeatures: number;
  nClasses: 3;
}

/** How a model consumes a window: the last row only, the flattened window, or the sequence itself. */
export type InputKind = "row" | "flat" | "sequence";

/** Training and validation figures of one epoch (or boosting round). */
export interface EpochReport {
  epoch: number;
  train_loss: number;
  train_accuracy: number;
  val_loss: number;
  val_accuracy: number;
}

/** The trainer's answer to an epoch: stop now, and whether this epoch is the best so far. */
export interface EpochDecision {
  stop: boolean;
  best: boolean;
}

/** What `Model.fit` is given by the trainer. */
export interface FitOptions {
  epochs: number;
  batchSize: number;
  seed: number;
  /** Put back the weights of the best epoch before returning. */
  restoreBest: boolean;
  /** Aborting ends training after the current batch, keeping the best weights. */
  signal?: AbortLike;
  /** Called after every epoch; the model stops when told to and snapshots its weights when `best`. */
  onEpoch(report: EpochReport): Promise<EpochDecision>;
  /** Called every few training batches (whenever the model reads its loss back), for progress: `loss` is the mean since the last call. */
  onStep?(step: number, steps: number, loss: number): void;
}

/** How training ended. */
export interface FitResult {
  epochs: number;
  bestEpoch: number;
  reason: "completed" | "early_stopping" | "aborted";
}

/** A model's importance of each feature, and what kind of importance that is (the run records both). */
export interface FeatureImportance {
  kind: ImportanceKind;
  /** One value per feature index. */
  values: Float32Array;
}

/** A model's own files, saved under the run's `model/` folder (e.g. tfjs model.json + weights.bin). */
export type ModelFiles = Record<string, Uint8Array>;

/** A trained or trainable model. Probabilities are n x 3, row-major, class order short, neutral, long. */
export interface Model {
  fit(train: Windows, val: Windows, options: FitOptions): Promise<FitResult>;
  predict(data: Windows, options?: { batchSize?: number }): Promise<Float32Array>;
  save(): Promise<ModelFiles>;
  /** Importance per feature index and its kind, when the model has a notion of it. */
  featureImportance?(): FeatureImportance;
  dispose(): void;
}

/**
 * What training a model of given settings holds, estimated from the settings alone before anything is allocated
 * (counts of 4-byte floats), so the trainer can refuse a model no backend could hold (core/train/footprint.ts).
 */
export interface ModelFootprint {
  /** Trainable parameters. */
  parameters: number;
  /** The largest single weight tensor, in floats (a GPU buffer must hold it whole). */
  largestWeight: number;
  /** Floats of layer outputs one training sample keeps for the backward pass. */
  activationsPerSample: number;
  /** The settings that decide the size, as a person would change them, e.g. `{ "params.hidden": [128, 64] }`. */
  settings: Record<string, unknown>;
}

/** What a plugin gets besides its config. */
export interface ModelContext {
  seed: number;
  /** The backend the run computes on (its name, and the WebGPU device when there is one). */
  backend: ComputeBackend;
  /** Workers for CPU-parallel work, when the platform offers them; models must also work without. */
  parallel?: Parallelism;
}

/**
 * How a model uses the trainer's settings (core/config/trainer.ts), for forms and progress; the trainer itself is the
 * same for every model. Trees grow whole rounds: they take no batches, and an "epoch" is a round.
 */
export interface TrainerSettingsUse {
  /** Trainer settings this model ignores, e.g. `batch_size` for trees. */
  unused?: readonly string[];
  /** What one of the trainer's epochs is to this model, e.g. "boosting round"; absent: an epoch, a pass over the data. */
  epoch?: string;
}

/** A model family member as data: listed in models/index.ts, never registered by import. */
export interface ModelPlugin<Schema extends z.ZodType = z.ZodType> {
  /** Short name, e.g. `mlp`; with the family it makes the full name `neural:mlp`. */
  name: string;
  family: string;
  description: string;
  input: InputKind;
  /** True when the model is only practical on a GPU. */
  wantsGpu: boolean;
  /** Window length when the run does not set one. */
  defaultSeqLen: number;
  configSchema: Schema;
  /** The trainer settings it ignores and what an epoch is to it; absent: it uses them all, an epoch a pass over the data. */
  trainerSettings?: TrainerSettingsUse;
  /** Where `mf tune` searches by default: distributions over `params.<key>` of configSchema (and dataset/trainer settings). */
  searchSpace?: SearchSpace;
  /** The model's size for these settings, estimated without building it; plugins without one are not checked. */
  footprint?(config: z.output<Schema>, shape: InputShape): ModelFootprint;
  create(config: z.output<Schema>, shape: InputShape, context: ModelContext): Model;
  load(files: ModelFiles, config: z.output<Schema>, shape: InputShape, context: Pick<ModelContext, "backend">): Promise<Model>;
}

/** `family:name` of a plugin. */
export function fullName(plugin: Pick<ModelPlugin, "family" | "name">): string {
  return `${plugin.family}:${plugin.name}`;
}
