import { z } from "zod";
import { DatasetConfig, TimeSplitConfig } from "../config/dataset.ts";
import { TrainerConfig } from "../config/trainer.ts";

/** A schema's settings, each optional and without its default: what an override section may set. */
function overrides<S extends z.ZodRawShape>(shape: S) {
  const out: Record<string, z.ZodType> = {};
  for (const [key, field] of Object.entries(shape)) {
    const inner = field instanceof z.ZodDefault ? (field.unwrap() as z.ZodType) : (field as unknown as z.ZodType);
    out[key] = inner instanceof z.ZodOptional ? inner : inner.optional();
  }
  return z.strictObject(out as { [K in keyof S]: z.ZodOptional<z.ZodType<z.output<S[K]>, z.input<S[K]>>> });
}

/** Dataset settings an experiment (or one of its models) overrides; the horizon comes from `horizons`. */
export const DatasetOverrides = overrides(DatasetConfig.omit({ horizon: true }).shape);
/** Trainer settings an experiment (or one of its models) overrides; the seed comes from `seeds`. */
export const TrainerOverrides = overrides(TrainerConfig.omit({ seed: true }).shape);

/** A name that is safe as a folder and in a URL: letters, digits, `_`, `-`, `.`. */
const SafeName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/, "letters, digits, _ - . (starting with a letter or digit)");

/** Where an experiment's data is: a folder of split files, three named files, or one file cut by time. */
export const ExperimentData = z.strictObject({
  /** A folder with train*.parquet, val*.parquet and test*.parquet (e.g. made by `mf prepare`). */
  dir: z.string().min(1).optional(),
  train_path: z.string().min(1).optional(),
  val_path: z.string().min(1).optional(),
  test_path: z.string().min(1).optional(),
  /** One Parquet file, cut into train, val and test by time with `split`. */
  path: z.string().min(1).optional(),
  split: TimeSplitConfig.optional(),
}).superRefine((data, ctx) => {
  const files = [data.train_path, data.val_path, data.test_path].filter(Boolean).length;
  const ways = [data.dir !== undefined, files > 0, data.path !== undefined].filter(Boolean).length;
  if (ways !== 1) ctx.addIssue({ code: "custom", message: "give exactly one of dir, train_path + val_path + test_path, or path (one file cut by time)" });
  else if (files > 0 && files < 3) ctx.addIssue({ code: "custom", message: "give all three of train_path, val_path and test_path" });
  if (data.split && data.path === undefined) ctx.addIssue({ code: "custom", path: ["split"], message: "split cuts one file: use it with path" });
});
/** Where an experiment's data is. */
export type ExperimentData = z.output<typeof ExperimentData>;

/** One model of an experiment: a registered plugin, with its own settings on top of the shared ones. */
export const ExperimentModel = z.strictObject({
  /** `family:name` or short name, as `mf models` lists them. */
  name: z.string().min(1),
  /** Tells two entries of one model apart in the plan and the report; the short name when absent. */
  label: SafeName.optional(),
  /** A run config file (`config/models/*.json|yaml`): its params, dataset and trainer settings come first. */
  config_path: z.string().min(1).optional(),
  /** Model params on top of the config file's. */
  params: z.record(z.string(), z.unknown()).optional(),
  dataset: DatasetOverrides.optional(),
  trainer: TrainerOverrides.optional(),
});
/** One model entry of an experiment. */
export type ExperimentModel = z.output<typeof ExperimentModel>;

/** The bar a model must clear on validation, on at least one horizon. */
export const SuccessCriteria = z.strictObject({
  val_f1_macro: z.number().min(0).max(1).default(0.35),
  val_sharpe: z.number().default(0.3),
});
/** Success criteria after defaults. */
export type SuccessCriteria = z.output<typeof SuccessCriteria>;

/**
 * An experiment (`config/experiments/*.json|yaml`): every model x horizon x seed trained on the same
 * data and compared in one report. Settings apply in this order, later winning: the plugin's defaults,
 * the model's config file, the experiment's `dataset` / `trainer`, the model entry's own.
 */
export const ExperimentConfig = z.strictObject({
  $schema: z.string().optional(),
  experiment: z.strictObject({ name: SafeName, description: z.string().default("") }),
  data: ExperimentData,
  horizons: z.array(z.number().int().min(1).max(100_000)).min(1).default([5]),
  seeds: z.array(z.number().int().min(0).max(2 ** 31 - 1)).min(1).default([42]),
  models: z.array(ExperimentModel).min(1),
  dataset: DatasetOverrides.default({}),
  trainer: TrainerOverrides.default({}),
  success: SuccessCriteria.default({ val_f1_macro: 0.35, val_sharpe: 0.3 }),
  output: z.strictObject({
    /** The runs folder; the report goes to `<base_dir>/../<experiment name>/`. */
    base_dir: z.string().min(1).default("experiments/runs"),
  }).default({ base_dir: "experiments/runs" }),
  /** Ensembles built from the finished runs: soft voting and stacking over the best run of each model. */
  ensembles: z.strictObject({ soft_voting: z.boolean().default(true), stacking: z.boolean().default(true) }).default({
    soft_voting: true,
    stacking: true,
  }),
});
/** An experiment config after defaults. */
export type ExperimentConfig = z.output<typeof ExperimentConfig>;
