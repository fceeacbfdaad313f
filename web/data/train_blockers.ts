import { count } from "../format.ts";
import type { SplitSummaries } from "../../core/data/summary.ts";

const SPLITS = ["train", "val", "test"] as const;

/** The dataset settings that decide whether opened splits can be trained on. */
export interface BlockerSettings {
  horizon: number;
  /** `label_h{horizon}` when absent, as in DatasetConfig. */
  label_column?: string;
  nan_policy?: "error" | "ffill" | "drop";
}

/** The label horizons found in any opened split (`label_h<H>` columns), ascending: the horizons a run can be trained for. */
export function labelHorizons(summaries: SplitSummaries): number[] {
  const found = SPLITS.flatMap((s) => Object.keys(summaries[s]?.labels ?? {}));
  return [...new Set(found.map((c) => /^label_h(\d+)$/.exec(c)?.[1]).filter((h) => h !== undefined).map(Number))].sort((a, b) => a - b);
}

/**
 * The problems of opened splits that would make training fail, each saying why (the summary's other
 * problems, such as rows without labels or short symbols, only cost samples): a label column a split
 * lacks, labels other than -1/0/1, feature columns that differ from train's, and NaN features when
 * nan_policy is "error".
 */
export function trainBlockers(summaries: SplitSummaries, settings: BlockerSettings): string[] {
  const column = settings.label_column ?? `label_h${settings.horizon}`;
  const blockers: string[] = [];
  for (const split of SPLITS) {
    const s = summaries[split];
    if (!s) continue;
    const counts = s.labels[column];
    if (!counts) {
      const found = Object.keys(s.labels);
      blockers.push(`${s.file} (${split}) has no ${column} column; label columns there: ${found.join(", ") || "none"}`);
    } else if (counts.invalid) blockers.push(`${s.file} (${split}): ${count(counts.invalid)} rows of ${column} are not -1, 0, 1 or null`);
    const bad = Object.keys(s.nonFinite);
    if (bad.length && (settings.nan_policy ?? "error") === "error") {
      blockers.push(
        `${s.file} (${split}) has NaN or infinite values in ${bad.length} feature column(s) (${bad.slice(0, 3).join(", ")}); set nan_policy to ffill or drop`,
      );
    }
  }
  const train = summaries.train;
  for (const split of ["val", "test"] as const) {
    const other = summaries[split];
    if (!train || !other || train.features.join() === other.features.join()) continue;
    const missing = train.features.filter((c) => !other.features.includes(c));
    const extra = other.features.filter((c) => !train.features.includes(c));
    const differences = [missing.length ? `lacks ${missing.join(", ")}` : "", extra.length ? `adds ${extra.join(", ")}` : ""].filter(Boolean);
    blockers.push(`${other.file} (${split}) has different feature columns from ${train.file} (train): ${differences.join("; ") || "in another order"}`);
  }
  return blockers;
}
