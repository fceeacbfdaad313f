import type { ExperimentReport } from "../core/experiment/report.ts";
import type { SeedStat } from "../core/experiment/report_stats.ts";
import { table } from "./summary.ts";

const stat = (s: SeedStat, digits: number) => (s.mean === null ? "-" : s.mean.toFixed(digits) + (s.std !== null ? `±${s.std.toFixed(digits)}` : ""));

/** The comparison table of an experiment for a terminal: per horizon, each model's val and test macro-F1 and Sharpe, the bar, the best. */
export function reportSummary(report: ExperimentReport): string {
  const { success } = report;
  const parts = report.horizons.map((h) => {
    const rows = h.rows.map((r) => [
      r.label + (h.best?.label === r.label ? " *" : ""),
      r.model,
      `${r.cells.finished}/${Object.values(r.cells).reduce((a, b) => a + b, 0)}`,
      stat(r.val.f1_macro, 3),
      stat(r.test.f1_macro, 3),
      stat(r.val.sharpe, 2),
      stat(r.test.sharpe, 2),
      r.meets_bar === null ? "-" : r.meets_bar ? "yes" : "no",
    ]);
    return `horizon ${h.horizon} (* best on validation)\n` +
      table([["model", "family:name", "done", "val f1", "test f1", "val sharpe", "test sharpe", "bar"], ...rows]);
  });
  const bar = `bar: val macro-F1 > ${success.val_f1_macro} and val Sharpe > ${success.val_sharpe} on at least one horizon`;
  const met = report.labels.filter((l) => l.meets_bar_any_horizon).map((l) => l.label);
  return [...parts, `${bar}; met by: ${met.length ? met.join(", ") : "none"}`].join("\n\n");
}
