import { assignTimeSplit, planTimeSplit, type TimeSplitPlan } from "../data/time_split.ts";
import type { Bars } from "./bars.ts";
import type { PrepareConfig } from "./config.ts";

/** Where the splits start, the same for every symbol, and how many bars are dropped around each boundary. */
export type SplitPlan = TimeSplitPlan;

export { DROPPED } from "../data/time_split.ts";

/** Boundaries from fractions of the common time range (or explicit dates); purge defaults to max(horizon). */
export function planSplit(bars: Bars, config: PrepareConfig["split"], maxHorizon: number): SplitPlan {
  return planTimeSplit(bars.time, config, { purge: maxHorizon, source: bars.source });
}

/**
 * Assigns every row to a split by its time; then, in each segment (gaps cut a symbol's series), drops
 * the `purge` rows before a boundary and the `embargo` rows after it.
 */
export function assignSplits(bars: Bars, plan: SplitPlan): Int8Array {
  return assignTimeSplit(bars, plan);
}
