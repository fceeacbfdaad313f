import { css, html, LitElement, type TemplateResult } from "lit";
import { customElement, property } from "lit/decorators.js";
import type { ExperimentReport, HorizonReport } from "../../core/experiment/report.ts";
import type { SeedStat, SplitSummary } from "../../core/experiment/report_stats.ts";
import { shared } from "../styles.ts";
import { barChart } from "./report_bars.ts";
import { classificationTable, costTable, tradingTable } from "./report_compare.ts";
import { wallTime } from "./report_format.ts";
import { bestPanel, cellsTable, diversityPanel, failedPanel, perSymbolPanel, type RunHref, summaryTable } from "./report_sections.ts";

/**
 * An experiment's comparison report (report.json, made by core/experiment/report.ts, the code behind
 * `mf report` and report.md): the summary against the bar, then per horizon the side-by-side tables of
 * val and test over seeds, bar charts of macro-F1 and Sharpe, the model chosen on validation with its
 * DSR, the correlation and agreement heatmaps of the test predictions, the best model's per-symbol
 * table and the failed cells. Read-only; every string from the file is rendered as text.
 *
 * Used by the app's experiment page and the static viewer; each passes `href` to link run ids to its
 * own run pages.
 */
@customElement("mf-experiment-report")
export class ExperimentReportView extends LitElement {
  static override styles = [
    shared,
    css`
      .scroll {
        overflow-x: auto;
        margin: 0 0 0.8rem;
      }
      table.compare td.num {
        white-space: nowrap;
      }
      table.compare th.group {
        text-align: center;
        border-left: 1px solid #d8dde3;
      }
      table.compare td.split-test,
      table.compare th.split-test {
        color: #7a3410;
      }
      th.model {
        font-weight: 600;
        background: none;
        white-space: nowrap;
      }
      th.model .sub {
        font-weight: 400;
        font-size: 0.8em;
        color: #5b6572;
      }
      tr.best {
        background: #fff8db;
      }
      .star {
        color: #b7791f;
      }
      td.pass {
        color: #2b8a3e;
        font-weight: 600;
      }
      td.fail {
        color: #c62828;
      }
      .charts {
        display: flex;
        flex-wrap: wrap;
        gap: 1.2rem;
        align-items: flex-start;
      }
      figure {
        margin: 0;
      }
      svg text {
        font: 11px system-ui, sans-serif;
        fill: #1b1f24;
      }
      svg text.title {
        font-weight: 600;
        font-size: 12px;
      }
      svg text.tick,
      svg text.none {
        fill: #5b6572;
      }
      svg text.label.best {
        font-weight: 700;
      }
      svg .grid {
        stroke: #e6e9ee;
      }
      svg .zero {
        stroke: #5b6572;
      }
      svg .whisker {
        stroke: #1b1f24;
        stroke-width: 1.5;
      }
      svg .reference {
        stroke: #2b8a3e;
        stroke-dasharray: 4 3;
        stroke-width: 1.5;
      }
      svg text.reference-label {
        fill: #2b8a3e;
      }
      svg rect.bar,
      svg .cell rect {
        shape-rendering: crispEdges;
      }
      svg .cell text {
        fill: inherit;
        font-variant-numeric: tabular-nums;
      }
      .best-model {
        background: #fff8db;
        border: 1px solid #f0d98c;
        border-radius: 4px;
        padding: 0.2rem 0.8rem;
        margin: 0 0 0.8rem;
      }
      ul.failed .error-text {
        color: #b71c1c;
        white-space: pre-wrap;
      }
      h4 {
        font-size: 0.9rem;
        margin: 0.8rem 0 0.4rem;
      }
    `,
  ];

  /** The report to show (report.json parsed, e.g. by parseReport). */
  @property({ attribute: false })
  accessor report: ExperimentReport | undefined;
  /** Where a run's page is: run ids become links to it; without it they are plain text. */
  @property({ attribute: false })
  accessor href: RunHref;
  /** Shown under a horizon's best model (the app's Register button); the viewer leaves it unset. */
  @property({ attribute: false })
  accessor bestAction: ((h: HorizonReport) => TemplateResult | "") | undefined;

  override render() {
    const r = this.report;
    if (!r) return html`<p class="muted">No report.</p>`;
    const finished = r.cells.filter((c) => c.status === "finished").length;
    const failed = r.cells.filter((c) => c.status === "failed").length;
    return html`
      <section id="overview" aria-labelledby="xp-h">
        <h2 id="xp-h">Experiment <span class="name">${r.experiment.name}</span></h2>
        ${r.experiment.description ? html`<p class="description">${r.experiment.description}</p>` : ""}
        <p class="muted meta">Report of ${r.generated_at}${r.wall_s === null ? "" : html`
          · wall time <span class="wall">${wallTime(r.wall_s)}</span>
        `} · ${finished} of ${r.cells.length} cells finished${failed ? `, ${failed} failed` : ""}</p>
        <p class="bar-rule">The bar (validation, on at least one horizon): macro-F1 &gt; <strong>${r.success.val_f1_macro}</strong> and Sharpe &gt;
          <strong>${r.success.val_sharpe}</strong>. The best model of a horizon is chosen on validation; test is shown, never used to choose.
          Values are mean ± std over seeds where a model has more than one.</p>
        ${r.notes.length
          ? html`
            <h3>Notes</h3>
            <ul class="notes">${r.notes.map((n) => html`<li>${n}</li>`)}</ul>
          `
          : ""}
        <h3>Summary</h3>
        ${summaryTable(r)}
        ${cellsTable(r, this.href)}
      </section>
      ${r.horizons.map((h) => this.horizon(h, r))}
    `;
  }

  private horizon(h: HorizonReport, r: ExperimentReport): TemplateResult {
    const groups = (pick: (s: SplitSummary) => SeedStat) =>
      h.rows.map((row) => ({ label: row.label, values: [pick(row.val), pick(row.test)], best: h.best?.label === row.label }));
    return html`
      <section class="horizon" id=${`horizon-${h.horizon}`} data-horizon=${h.horizon} aria-labelledby=${`h${h.horizon}`}>
        <h2 id=${`h${h.horizon}`}>Horizon ${h.horizon}</h2>
        ${bestPanel(h, this.href)}
        ${h.best && this.bestAction ? this.bestAction(h) : ""}
        <h3>Classification</h3>
        ${classificationTable(h)}
        <h3>Trading</h3>
        ${tradingTable(h)}
        <div class="charts">
          <figure aria-label=${`Macro-F1 per model, horizon ${h.horizon}`}>${barChart({
            title: "macro-F1",
            series: ["val", "test"],
            groups: groups((s) => s.f1_macro),
            digits: 3,
            reference: { value: r.success.val_f1_macro, label: `bar ${r.success.val_f1_macro} (val)` },
          })}</figure>
          <figure aria-label=${`Sharpe per model, horizon ${h.horizon}`}>${barChart({
            title: "Sharpe",
            series: ["val", "test"],
            groups: groups((s) => s.sharpe),
            digits: 2,
            reference: { value: r.success.val_sharpe, label: `bar ${r.success.val_sharpe} (val)` },
          })}</figure>
        </div>
        <h3>Cost</h3>
        ${costTable(h)}
        <h3>Prediction diversity (test)</h3>
        ${diversityPanel(h, this.href)}
        ${perSymbolPanel(h, this.href)}
        ${failedPanel(h, this.href)}
      </section>
    `;
  }
}
