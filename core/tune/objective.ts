import { z } from "zod";
import type { EpochReport } from "../model.ts";
import type { SplitMetrics } from "../train/evaluate.ts";
import type { Direction } from "./sampler.ts";

/** The validation metrics a study can optimise (the test split is never scored while tuning). */
export const ObjectiveName = z.enum(["f1_macro", "log_loss", "sharpe"]);
/** A parsed objective name. */
export type ObjectiveName = z.output<typeof ObjectiveName>;

/** Which way each objective is better. */
export const OBJECTIVE_DIRECTION: Record<ObjectiveName, Direction> = { f1_macro: "maximize", log_loss: "minimize", sharpe: "maximize" };

/** The objective's value on a run's validation metrics; a metric that could not be computed (no trades for Sharpe) is NaN. */
export function objectiveValue(name: ObjectiveName, val: SplitMetrics): number {
  return val[name] ?? Number.NaN;
}

/**
 * The intermediate value a trial reports after each epoch (or round): the validation loss, the one figure every
 * model reports per epoch, negated when the study maximises, so that pruners and samplers compare intermediate values
 * in the study's direction. Measuring F1 or Sharpe per epoch would mean predicting the validation split every epoch.
 */
export function intermediateValue(report: EpochReport, direction: Direction): number {
  return direction === "maximize" ? -report.val_loss : report.val_loss;
}
