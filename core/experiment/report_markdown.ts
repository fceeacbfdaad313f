/**
 * report.md: the experiment report as a document to read. Per horizon: classification, trading and
 * cost tables (val and test side by side, mean +/- std over seeds), the bar, the best model with its
 * DSR and PSR, the diversity matrices, the per-symbol table and the failed cells.
 * @module
 */

import type { BestModel, DiversitySummary, PerSymbolMetrics, PerSymbolTable } from "./report_best.ts";
import type { ExperimentReport, HorizonReport, ReportRow } from "./report.ts";
import { countedFromOne, type SeedStat, type SplitSummary } from "./report_stats.ts";

/**
 * The report as Markdown.
 *
 * @example
 * ```ts
 * const md = reportMarkdown(buildReport(input)); // "# Experiment baseline ..."
 * ```
 */
export function reportMarkdown(report: ExperimentReport): string {
  const { success } = report;
  const cells = report.cells;
  const count = (s: string) => cells.filter((c) => c.status === s).length;
  const out: string[] = [`# Experiment ${report.experiment.name}`, ""];
  if (report.experiment.description) out.push(report.experiment.description, "");
  const wall = report.wall_s === null ? "" : ` · wall time ${duration(report.wall_s)}`;
  out.push(`Generated ${report.generated_at}${wall} · ${count("finished")} of ${cells.length} cells finished, ${count("failed")} failed.`, "");
  out.push(
    `The bar (validation, on at least one horizon): macro-F1 > ${success.val_f1_macro} and Sharpe > ${success.val_sharpe}. ` +
      "The best model of a horizon is chosen on validation; test is shown, never used to choose. " +
      "Values are mean ± std over seeds where a model has more than one.",
    "",
  );
  if (report.notes.length > 0) out.push("Notes:", "", ...report.notes.map((n) => `- ${n}`), "");

  out.push(
    "## Summary",
    "",
    table(
      ["Model", "Family", ...report.horizons.map((h) => `H${h.horizon}`), "Meets the bar"],
      report.labels.map((l) => [
        l.label,
        l.family,
        ...report.horizons.map((h) => mark(h.rows.find((r) => r.label === l.label)?.meets_bar)),
        l.meets_bar_any_horizon === null ? "not yet known" : l.meets_bar_any_horizon ? `yes (${l.horizons_met.map((h) => `H${h}`).join(", ")})` : "no",
      ]),
    ),
    "",
  );

  for (const h of report.horizons) out.push(...horizonSection(h));
  return out.join("\n");
}

function horizonSection(h: HorizonReport): string[] {
  const out = [`## Horizon ${h.horizon}`, ""];
  const name = (r: ReportRow) => (r.ensemble ? `${r.label} (ensemble: ${r.ensemble.kind.replace("_", " ")} of ${r.ensemble.members.length})` : r.label);
  const seeds = (r: ReportRow) =>
    `${r.cells.finished}/${Object.values(r.cells).reduce((a, b) => a + b, 0)}${r.cells.failed ? ` (${r.cells.failed} failed)` : ""}`;
  const both = (r: ReportRow, f: (s: SplitSummary) => string) => [f(r.val), f(r.test)];
  const perClass = (s: SplitSummary) => [s.f1["-1"], s.f1["0"], s.f1["1"]].map((x) => num(x.mean, 3)).join(" / ");

  out.push("### Classification", "");
  out.push(
    table(
      [
        "Model",
        "Family",
        "Seeds done",
        "Val macro-F1",
        "Test macro-F1",
        "Val F1 short / neutral / long",
        "Test F1 short / neutral / long",
        "Val log loss",
        "Test log loss",
        "Bar",
      ],
      h.rows.map((r) => [
        name(r),
        r.family,
        seeds(r),
        ...both(r, (s) => stat(s.f1_macro, 3)),
        ...both(r, perClass),
        ...both(r, (s) => stat(s.log_loss, 3)),
        mark(r.meets_bar),
      ]),
    ),
    "",
  );

  out.push("### Trading", "");
  out.push(
    table(
      [
        "Model",
        "Val Sharpe",
        "Test Sharpe",
        "Val PSR",
        "Test PSR",
        "Val max DD",
        "Test max DD",
        "Val win rate",
        "Test win rate",
        "Val PF",
        "Test PF",
        "Val trades",
        "Test trades",
      ],
      h.rows.map((r) => [
        name(r),
        ...both(r, (s) => stat(s.sharpe, 2)),
        ...both(r, (s) => stat(s.psr, 3)),
        ...both(r, (s) => stat(s.max_drawdown, 1, 100, "%")),
        ...both(r, (s) => stat(s.win_rate, 1, 100, "%")),
        ...both(r, (s) => stat(s.profit_factor, 2)),
        ...both(r, (s) => stat(s.n_trades, 0)),
      ]),
    ),
    "",
  );

  out.push("### Cost", "");
  out.push(
    table(
      ["Model", "Fit (s)", "s / epoch", "Peak memory (MB)", "Epochs", "Best epoch", "Train samples (of available)"],
      h.rows.map((r) => [
        name(r),
        stat(r.fit.fit_s, 1),
        stat(r.fit.s_per_epoch, 2),
        stat(r.fit.peak_rss_mb, 0),
        stat(r.fit.epochs_run, whole(r.fit.epochs_run) ? 0 : 1),
        stat(countedFromOne(r.fit.best_epoch), whole(r.fit.best_epoch) ? 0 : 1),
        r.fit.train_samples.mean === null
          ? "—"
          : `${num(r.fit.train_samples.mean, 0)}${r.fit.train_samples_available.mean === null ? "" : ` of ${num(r.fit.train_samples_available.mean, 0)}`}`,
      ]),
    ),
    "",
  );

  out.push(...bestSection(h.best), ...diversitySection(h.diversity), ...perSymbolSection(h.per_symbol));
  if (h.failed.length > 0) {
    out.push("### Failed cells", "");
    for (const f of h.failed) out.push(`- ${f.label} seed ${f.seed} (cell ${f.cell_id}${f.run_id ? `, run ${f.run_id}` : ""}): ${oneLine(f.error)}`);
    out.push("");
  }
  return out;
}

function bestSection(best: BestModel | null): string[] {
  const out = ["### Best model (chosen on validation)", ""];
  if (!best) return [...out, "No model has finished at this horizon yet.", ""];
  const d = best.dsr;
  out.push(`**${best.label}** (${best.model}): val macro-F1 ${num(best.val_f1_macro, 3)}, val Sharpe ${num(best.val_sharpe, 2)} (means over seeds).`, "");
  const from = `run ${best.run_id ?? "?"}, seed ${best.seed}`;
  const inputs = `N = ${d.n_trials} configurations compared, variance of their per-bar val Sharpe ${sci(d.sr_variance)}, ` +
    `expected maximum per-bar Sharpe ${num(d.sr_benchmark, 4)}; ${from}: per-bar Sharpe ${num(d.sr_per_bar, 4)}, skew ${num(d.skew, 2)}, ` +
    `kurtosis ${num(d.kurtosis, 2)}, ${num(d.n_bars, 0)} bars`;
  out.push(`- Deflated Sharpe ratio (validation): ${d.dsr === null ? `not available: ${d.reason}` : num(d.dsr, 3)} (${inputs}).`);
  out.push(`- Test PSR (${from}): ${num(best.test_psr, 3)}.`, "");
  return out;
}

function diversitySection(d: DiversitySummary | null): string[] {
  const out = ["### Prediction diversity (test)", ""];
  if (!d) return [...out, "No test predictions to compare.", ""];
  if (d.labels.length < 2) out.push(`Only ${d.labels[0]} has test predictions; diversity needs two models.`, "");
  else {
    const who = d.labels.map((l, i) => `${l} (seed ${d.seeds[i]}, run ${d.run_ids[i]})`).join(", ");
    out.push(`${d.n_shared} test rows shared by every model; each model is its first finished run: ${who}.`, "");
    const matrix = (m: (number | null)[][]) => table(["", ...d.labels], d.labels.map((l, i) => [l, ...m[i].map((x) => num(x, 2))]));
    out.push("Correlation of signals (prob_long − prob_short):", "", matrix(d.correlation), "");
    out.push("Agreement of predicted classes:", "", matrix(d.agreement), "");
  }
  if (d.missing.length > 0) out.push(`Without test predictions: ${d.missing.join(", ")}.`, "");
  return out;
}

function perSymbolSection(t: PerSymbolTable | null): string[] {
  if (!t) return [];
  const out = [`### Per symbol: ${t.label} (run ${t.run_id ?? "?"}, seed ${t.seed})`, ""];
  const pair = (v: PerSymbolMetrics | null, w: PerSymbolMetrics | null, f: (m: PerSymbolMetrics) => string) => [v ? f(v) : "—", w ? f(w) : "—"];
  out.push(
    table(
      ["Symbol", "Val macro-F1", "Test macro-F1", "Val Sharpe", "Test Sharpe", "Val trades", "Test trades", "Val win rate", "Test win rate"],
      t.rows.map((r) => [
        r.symbol,
        ...pair(r.val, r.test, (m) => num(m.f1_macro, 3)),
        ...pair(r.val, r.test, (m) => num(m.sharpe, 2)),
        ...pair(r.val, r.test, (m) => num(m.n_trades, 0)),
        ...pair(r.val, r.test, (m) => percent(m.win_rate)),
      ]),
    ),
    "",
  );
  return out;
}

function table(head: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.map((c) => c.replaceAll("|", "\\|")).join(" | ")} |`;
  return [line(head), line(head.map(() => "---")), ...rows.map(line)].join("\n");
}

function mark(meets: boolean | null | undefined): string {
  return meets === true ? "✅ pass" : meets === false ? "❌ fail" : "—";
}

/** mean, or mean ± std when more than one seed had a value; `scale` and `unit` for percentages. */
function stat(s: SeedStat, digits: number, scale = 1, unit = ""): string {
  if (s.mean === null) return "—";
  const m = (s.mean * scale).toFixed(digits) + unit;
  return s.n > 1 && s.std !== null ? `${m} ± ${(s.std * scale).toFixed(digits)}${unit}` : m;
}

/** Whole numbers (epochs that agree over seeds) need no decimals. */
function whole(s: SeedStat): boolean {
  return s.mean !== null && Number.isInteger(s.mean) && (s.std === null || Number.isInteger(s.std));
}

function num(x: number | null | undefined, digits: number): string {
  return typeof x === "number" && Number.isFinite(x) ? x.toFixed(digits) : "—";
}

function percent(x: number | null): string {
  return x === null ? "—" : `${(x * 100).toFixed(1)}%`;
}

function sci(x: number): string {
  return x === 0 ? "0" : x.toExponential(2);
}

function oneLine(text: string): string {
  const first = text.split("\n")[0].trim();
  return first.length > 300 ? `${first.slice(0, 300)}…` : first;
}

function duration(s: number): string {
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.floor(s - 60 * m)} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, "0")} min`;
}
