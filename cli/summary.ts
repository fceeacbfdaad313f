import type { SplitMetrics } from "../core/train/evaluate.ts";

const fmt = (v: number | null | undefined, digits = 4) => (v === null || v === undefined ? "-" : Number.isInteger(v) ? String(v) : v.toFixed(digits));

/** A plain-text table: first row is the header, columns padded to fit. */
export function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c]?.length ?? 0)));
  // a column of numbers is right-aligned, header included
  const numeric = (cell: string | undefined) => /^-?[\d.]+(e-?\d+)?$|^-$/.test(cell ?? "");
  const right = widths.map((_, c) => c > 0 && rows.slice(1).every((r) => numeric(r[c])));
  return rows.map((r) => r.map((cell, c) => (right[c] ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join("  ").trimEnd()).join("\n");
}

/** Val and test metrics side by side, then per-class figures and the test confusion matrix. */
export function metricsSummary(val: SplitMetrics, test: SplitMetrics): string {
  const keys = ["accuracy", "f1_macro", "f1_weighted", "log_loss", "sharpe", "max_drawdown", "win_rate", "profit_factor", "n_trades", "turnover"] as const;
  const main = table([["metric", "val", "test"], ...keys.map((k) => [k, fmt(val[k]), fmt(test[k])])]);
  const classes = ["-1", "0", "1"] as const;
  const perClass = table([
    ["test class", "precision", "recall", "f1", "support"],
    ...classes.map((c) => [c, fmt(test.precision[c]), fmt(test.recall[c]), fmt(test.f1[c]), fmt(test.support[c])]),
  ]);
  const confusion = table([["true \\ pred", "-1", "0", "1"], ...test.confusion.map((row, i) => [classes[i], ...row.map(String)])]);
  const symbols = table([
    ["test symbol", "f1_macro", "sharpe", "n_trades"],
    ...Object.entries(test.per_symbol).map(([s, m]) => [s, fmt(m.f1_macro), fmt(m.sharpe), fmt(m.n_trades)]),
  ]);
  return [main, perClass, confusion, symbols].join("\n\n");
}
