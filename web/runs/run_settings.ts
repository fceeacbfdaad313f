import type { RunRecord } from "../../core/train/run_record.ts";
import type { BestSettings } from "../../core/tune/study_view.ts";

/**
 * A run's settings as the Train page's forms take them (`TrainPage.prefill`, as "Train with best" on a study): its model,
 * params, dataset and trainer settings after defaults. The data is not a setting to copy: the time split of one file
 * (`dataset.split`) is left out, to be chosen with the file again.
 */
export function retrainSettings(record: Pick<RunRecord, "model" | "config">): BestSettings {
  const { split: _split, ...dataset } = record.config.dataset;
  return { model: record.model, params: { ...record.config.params }, dataset, trainer: { ...record.config.trainer } };
}
