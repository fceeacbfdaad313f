import { z } from "zod";
import { ExperimentConfig } from "./config.ts";

/** A cell as the experiment record lists it: enough to find its runs and to place it in the report. */
export const CellRecord = z.looseObject({
  index: z.number().int(),
  label: z.string(),
  model: z.string(),
  family: z.string(),
  horizon: z.number().int(),
  seed: z.number().int(),
  cell_id: z.string(),
});
/** A cell of the experiment record. */
export type CellRecord = z.output<typeof CellRecord>;

/**
 * experiments/<name>/experiment.json: the experiment as planned (config after defaults, the cells), where
 * its runs are, and its wall time so far. `mf report` rebuilds the report from it without the config file.
 */
export const ExperimentRecord = z.looseObject({
  name: z.string(),
  description: z.string(),
  /** The config file it was planned from, for people. */
  file: z.string(),
  config: ExperimentConfig,
  cells: z.array(CellRecord),
  /** The runs folder, as the platform names it (a directory, `indexeddb://`). */
  runs: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
  /** Seconds spent running cells, summed over every invocation. */
  wall_s: z.number(),
  /** What the report should say about how runs were made (e.g. sampled training sets). */
  notes: z.array(z.string()),
  /** The last error of cells that failed before their run existed (a bad window for the data, say), by cell id. */
  failures: z.record(z.string(), z.string()).default({}),
});
/** A parsed experiment.json. */
export type ExperimentRecord = z.output<typeof ExperimentRecord>;

/** The file of an experiment's record, report and ensembles: `<name>/experiment.json` in the experiments store. */
export const EXPERIMENT_FILE = "experiment.json";
