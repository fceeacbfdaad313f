import * as tf from "@tensorflow/tfjs";
import type { ComputeBackend } from "../../core/compute.ts";
import type { Windows } from "../../core/data/windows.ts";
import type { FeatureImportance, FitOptions, FitResult, ModelFiles } from "../../core/model.ts";
import type { ImportanceKind } from "../../core/train/run_record.ts";
import { DeviceFrame } from "../tfjs/batches.ts";
import { NetworkModel, type OptimizerSettings } from "../tfjs/network_model.ts";
import { TFT_SELECTION } from "./variable_selection.ts";

/** The kind of the TFT's feature importance, recorded in run.json. */
export const SELECTION_WEIGHT: ImportanceKind = {
  label: "selection weight",
  detail: "the TFT's mean variable-selection weight of the feature over the validation windows (they sum to 1)",
};

/** The model file holding the mean selection weights (the run's feature importance). */
export const SELECTION_FILE = "selection_weights.json";

/**
 * A TFT network trained as any other (NetworkModel), whose feature importance is its variable
 * selection: the selection weight of each feature averaged over every step of every validation
 * window, measured with the final weights at the end of fit and saved beside the network.
 */
export class TftModel extends NetworkModel {
  constructor(
    net: tf.LayersModel,
    optimizer: OptimizerSettings,
    private readonly computeBackend: Pick<ComputeBackend, "name">,
    private importance?: Float32Array,
  ) {
    super(net, "sequence", optimizer, computeBackend);
  }

  override async fit(train: Windows, val: Windows, options: FitOptions): Promise<FitResult> {
    const result = await super.fit(train, val, options);
    this.importance = await meanSelection(this.net, val.size > 0 ? val : train, this.computeBackend.name, options.batchSize);
    return result;
  }

  /** Mean variable selection weight per feature over the validation windows (sums to 1). */
  featureImportance(): FeatureImportance {
    if (!this.importance) throw new Error("The TFT's feature importance is measured at the end of fit; this model has not been fitted or loaded with it");
    return { kind: SELECTION_WEIGHT, values: this.importance };
  }

  override async save(): Promise<ModelFiles> {
    const files = await super.save();
    // Checkpoints taken during fit come before the importance is measured; the final save has it.
    if (this.importance) files[SELECTION_FILE] = new TextEncoder().encode(JSON.stringify(Array.from(this.importance)));
    return files;
  }
}

/** The selection weights of `windows` averaged over samples and steps, (F). */
export async function meanSelection(net: tf.LayersModel, windows: Windows, backendName: string, batchSize: number): Promise<Float32Array> {
  // Shares the network's layers and weights; it owns no tensors, so it is not disposed (that would free the shared weights).
  const selection = tf.model({ inputs: net.inputs, outputs: net.getLayer(TFT_SELECTION).output as tf.SymbolicTensor });
  const device = new DeviceFrame(windows, "sequence", backendName);
  let total = tf.zeros([windows.nFeatures]);
  try {
    for (let start = 0; start < windows.size; start += batchSize) {
      const idx = Int32Array.from({ length: Math.min(batchSize, windows.size - start) }, (_, k) => start + k);
      const next = tf.tidy(() => tf.add(total, tf.sum(selection.apply(device.batch(idx), { training: false }) as tf.Tensor, [0, 1])));
      total.dispose();
      total = next;
    }
    const mean = await total.data() as Float32Array;
    return mean.map((v) => v / (windows.size * windows.seqLen));
  } finally {
    total.dispose();
    device.dispose();
  }
}

/** The importance saved by TftModel.save, when the files have it; a malformed file is an error naming it. */
export function readSelection(files: ModelFiles, nFeatures: number): Float32Array | undefined {
  const bytes = files[SELECTION_FILE];
  if (!bytes) return undefined;
  const values = JSON.parse(new TextDecoder().decode(bytes)) as unknown;
  if (!Array.isArray(values) || values.length !== nFeatures || values.some((v) => typeof v !== "number")) {
    throw new Error(`Model file ${SELECTION_FILE} should hold ${nFeatures} numbers (one per feature)`);
  }
  return Float32Array.from(values as number[]);
}
