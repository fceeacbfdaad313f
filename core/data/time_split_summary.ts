import type { TimeSplitConfig } from "../config/dataset.ts";
import type { LabelCounts, SplitSummary } from "./summary.ts";
import { NO_LABEL } from "./frame.ts";
import { BAD_LABEL, type TimeIndex } from "./time_index.ts";
import { assignTimeSplit, countSplits, partName, planTimeSplit, SPLIT_NAMES, type SplitCounts, type SplitName, type TimeSplitPlan } from "./time_split.ts";

/** A time split of one indexed file, as a person checks it before training. */
export interface TimeSplitView {
  plan: TimeSplitPlan;
  counts: SplitCounts;
  /** Each split's summary, with the same rows training will read. */
  summaries: Record<SplitName, SplitSummary>;
}

/**
 * Plans and assigns a time split with the code training uses (so the rows shown are the rows
 * trained on) and summarises each split: rows and symbols, time range, label classes, non-finite
 * features. Bad boundaries throw the same errors training would.
 * @example summarizeTimeSplit(index, { dates: ["2024-01-03", "2024-01-04"], fractions: [0.7, 0.15, 0.15], embargo: 0 }, { purge: 5 })
 */
export function summarizeTimeSplit(index: TimeIndex, config: TimeSplitConfig, options: { purge: number }): TimeSplitView {
  const plan = planTimeSplit(index.time, config, { purge: options.purge, source: index.file, key: "dataset.split" });
  const split = assignTimeSplit(index, plan);
  const counts = countSplits(split, plan, index.file);
  // one pass over the rows per column (a page recounts a million rows whenever a boundary moves)
  const perSymbol = SPLIT_NAMES.map(() => new Int32Array(index.symbols.length));
  const start = [Infinity, Infinity, Infinity], end = [-Infinity, -Infinity, -Infinity];
  for (let r = 0; r < index.rows; r++) {
    const k = split[r];
    if (k < 0) continue;
    perSymbol[k][index.symbol[r]]++;
    if (index.time[r] < start[k]) start[k] = index.time[r];
    if (index.time[r] > end[k]) end[k] = index.time[r];
  }
  const labels: Record<string, LabelCounts>[] = SPLIT_NAMES.map(() => ({}));
  for (const [column, values] of Object.entries(index.labels)) {
    const c = SPLIT_NAMES.map((_, k) => (labels[k][column] = { short: 0, neutral: 0, long: 0, missing: 0, invalid: 0 }));
    for (let r = 0; r < index.rows; r++) {
      const k = split[r];
      if (k < 0) continue;
      const v = values[r];
      if (v === NO_LABEL) c[k].missing++;
      else if (v === BAD_LABEL) c[k].invalid++;
      else if (v === -1) c[k].short++;
      else if (v === 0) c[k].neutral++;
      else c[k].long++;
    }
  }
  const nonFinite: Record<string, number>[] = SPLIT_NAMES.map(() => ({}));
  for (const [column, rows] of Object.entries(index.nonFinite)) {
    for (const r of rows) if (split[r] >= 0) nonFinite[split[r]][column] = (nonFinite[split[r]][column] ?? 0) + 1;
  }
  const summaries = {} as Record<SplitName, SplitSummary>;
  SPLIT_NAMES.forEach((name, k) => {
    summaries[name] = {
      file: partName(index.file, name),
      bytes: index.bytes,
      rows: counts[name],
      symbols: index.symbols.map((s, i) => ({ name: s, rows: perSymbol[k][i] })).filter((s) => s.rows > 0),
      start: start[k],
      end: end[k],
      features: index.features,
      labels: labels[k],
      nonFinite: nonFinite[k],
    };
  });
  return { plan, counts, summaries };
}
