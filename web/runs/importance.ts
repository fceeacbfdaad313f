import type { RunRecord } from "../../core/train/run_record.ts";

/** What a run's feature_importance.json measures: a short name for the column and a sentence on how it was measured. */
export interface ImportanceKind {
  label: string;
  detail: string;
}

/**
 * The kind of a run's feature importance. run.json does not record it, so it follows from the model that wrote the
 * file (core/train/fit_run.ts writes `model.featureImportance()`): the trees' total split gain, the TFT's mean
 * variable-selection weight; a model this does not know is shown as it reports itself.
 */
export function importanceKind(record: Pick<RunRecord, "model" | "family">): ImportanceKind {
  if (record.family === "trees") {
    return {
      label: "gain",
      detail: "total split gain, the loss reduction of every split on the feature (its window's lags included) summed over all trees",
    };
  }
  if (record.model === "timeseries:tft") {
    return { label: "selection weight", detail: "the TFT's mean variable-selection weight of the feature over the validation windows (they sum to 1)" };
  }
  return { label: "importance", detail: `as ${record.model} reports it` };
}
