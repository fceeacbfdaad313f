import type { ImportanceKind, RunRecord } from "../../core/train/run_record.ts";

/**
 * The kind of a run's feature importance: the one the model reported, recorded in run.json (`importance_kind`). Runs
 * stored before run.json recorded it have it inferred from the model that wrote the file, as it was before: the trees'
 * total split gain, the TFT's mean variable-selection weight; a model this does not know is shown as it reports itself.
 */
export function importanceKind(record: Pick<RunRecord, "model" | "family" | "importance_kind">): ImportanceKind {
  if (record.importance_kind) return record.importance_kind;
  // only for runs stored before importance_kind: the kinds those models reported then
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
