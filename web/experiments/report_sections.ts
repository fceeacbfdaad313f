import { html, type TemplateResult } from "lit";
import type { ExperimentReport, HorizonReport } from "../../core/experiment/report.ts";
import type { PerSymbolMetrics } from "../../core/experiment/report_best.ts";
import { heatmap } from "./report_heatmap.ts";
import { firstLine, fixed, percent } from "./report_format.ts";

/** The parts of a horizon's report around its tables: the best model, diversity, per-symbol table, failures; and the summary and cells. */

/** Where a run's page is, or undefined to show run ids without links. */
export type RunHref = ((runId: string) => string) | undefined;

/** A run id, linked to its page when the host gives a way to get there. */
export function runLink(id: string | null, href: RunHref): TemplateResult {
  if (!id) return html`<span class="muted">no run</span>`;
  return href ? html`<a class="run" href=${href(id)}>${id}</a>` : html`<code>${id}</code>`;
}

/** The model chosen on validation, its deflated Sharpe ratio (with what went into it) and its test PSR. */
export function bestPanel(h: HorizonReport, href: RunHref): TemplateResult {
  const b = h.best;
  if (!b) return html`<p class="empty best-model">No model has finished at this horizon yet.</p>`;
  const d = b.dsr;
  return html`
    <div class="best-model" aria-label=${`Best model, horizon ${h.horizon}`}>
      <p><strong>Best on validation: <span class="star">★</span> <span class="best-label">${b.label}</span></strong> <span class="muted">(${b.model})</span>
        · val macro-F1 ${fixed(b.val_f1_macro, 3)} · val Sharpe ${fixed(b.val_sharpe, 2)} <span class="muted">(means over seeds)</span></p>
      <ul>
        <li>Deflated Sharpe ratio (validation): <strong class="dsr">${d.dsr === null ? "not available" : fixed(d.dsr, 3)}</strong>${d.dsr === null && d.reason
          ? html`
            <span class="muted">(${d.reason})</span>
          `
          : ""}
          <span class="muted">· ${d.n_trials} configurations compared, variance of their per-bar val Sharpe ${d.sr_variance === 0
            ? "0"
            : d.sr_variance.toExponential(2)},
          expected maximum per-bar Sharpe ${fixed(d.sr_benchmark, 4)}; this run: per-bar Sharpe ${fixed(d.sr_per_bar, 4)}, skew ${fixed(d.skew, 2)},
          kurtosis ${fixed(d.kurtosis, 2)}, ${fixed(d.n_bars, 0)} bars</span></li>
        <li>Test PSR: <strong>${fixed(b.test_psr, 3)}</strong> <span class="muted">(shown, never used to choose)</span></li>
        <li>Run: ${runLink(b.run_id, href)} <span class="muted">(seed ${b.seed}, its first finished seed)</span></li>
      </ul>
    </div>
  `;
}

/** Correlation of the models' test signals and agreement of their predicted classes, as two heatmaps. */
export function diversityPanel(h: HorizonReport, href: RunHref): TemplateResult {
  const d = h.diversity;
  if (!d) return html`<p class="empty">No test predictions to compare.</p>`;
  const who = (i: number) => `${d.labels[i]} (run ${d.run_ids[i]}, seed ${d.seeds[i]})`;
  return html`
    <p class="muted">${d.n_shared} test rows shared by every model; each model is its first finished run: ${d.labels.map((l, i) =>
      html`${i ? ", " : ""}${l} (${runLink(d.run_ids[i], href)})`
    )}.</p>
    ${d.labels.length < 2 ? html`<p class="empty">Only ${d.labels[0]} has test predictions; diversity needs two models.</p>` : html`
      <div class="charts diversity" id=${`diversity-${h.horizon}`}>
        <figure aria-label=${`Correlation of test signals, horizon ${h.horizon}`}>${heatmap({
          title: "Correlation of test signals (prob long − prob short)",
          labels: d.labels,
          matrix: d.correlation,
          scale: "diverging",
          describe: (i, j, v) => `${who(i)} × ${who(j)}: correlation ${v === null ? "undefined (a constant signal)" : v.toFixed(3)}`,
        })}</figure>
        <figure aria-label=${`Agreement of predicted classes, horizon ${h.horizon}`}>${heatmap({
          title: "Agreement of predicted classes",
          labels: d.labels,
          matrix: d.agreement,
          scale: "sequential",
          describe: (i, j, v) => `${who(i)} × ${who(j)}: same class on ${v === null ? "— (no shared rows)" : percent(v)} of rows`,
        })}</figure>
      </div>
    `}
    ${d.missing.length ? html`<p class="muted">Without test predictions: ${d.missing.join(", ")}.</p>` : ""}
  `;
}

/** The best model's metrics per symbol, val | test. */
export function perSymbolPanel(h: HorizonReport, href: RunHref): TemplateResult | "" {
  const t = h.per_symbol;
  if (!t) return "";
  const pair = (v: PerSymbolMetrics | null, w: PerSymbolMetrics | null, f: (m: PerSymbolMetrics) => string) =>
    html`
      <td class="num">${v ? f(v) : "—"}</td>
      <td class="num split-test">${w ? f(w) : "—"}</td>
    `;
  return html`
    <h4>Per symbol: ${t.label} <span class="muted">(run ${runLink(t.run_id, href)}, seed ${t.seed})</span></h4>
    <div class="scroll">
      <table class="compare" aria-label=${`Per symbol, horizon ${h.horizon}`}>
        <thead>
          <tr><th rowspan="2">symbol</th>${["macro-F1", "Sharpe", "trades", "win rate"].map((m) => html`<th colspan="2" class="group">${m}</th>`)}</tr>
          <tr>${[0, 1, 2, 3].map(() =>
            html`
              <th class="num">val</th>
              <th class="num split-test">test</th>
            `
          )}</tr>
        </thead>
        <tbody>${t.rows.map((r) =>
          html`<tr><th scope="row">${r.symbol}</th>${pair(r.val, r.test, (m) => fixed(m.f1_macro, 3))}${pair(r.val, r.test, (m) => fixed(m.sharpe, 2))}${
            pair(r.val, r.test, (m) => fixed(m.n_trades, 0))
          }${pair(r.val, r.test, (m) => percent(m.win_rate))}</tr>`
        )}</tbody>
      </table>
    </div>
  `;
}

/** Cells that failed at this horizon, each with its error (first line; the whole text in its tooltip). */
export function failedPanel(h: HorizonReport, href: RunHref): TemplateResult | "" {
  if (!h.failed.length) return "";
  return html`
    <h4>Failed cells</h4>
    <ul class="failed" aria-label=${`Failed cells, horizon ${h.horizon}`}>${h.failed.map((f) =>
      html`<li><strong>${f.label}</strong> seed ${f.seed} <span class="muted">(cell ${f.cell_id}${
        f.run_id ? html`, run ${runLink(f.run_id, href)}` : ""
      })</span>:
        <span class="error-text" title=${f.error}>${firstLine(f.error)}</span></li>`
    )}</ul>
  `;
}

/** Every model against every horizon: pass, fail or not yet known; and whether it meets the bar anywhere. */
export function summaryTable(report: ExperimentReport): TemplateResult {
  const mark = (m: boolean | null | undefined) =>
    m === true ? html`<td class="pass">✔ pass</td>` : m === false ? html`<td class="fail">✘ fail</td>` : html`<td class="muted">—</td>`;
  return html`
    <table aria-label="Summary">
      <thead>
        <tr><th>model</th><th>family</th>${report.horizons.map((h) => html`<th>H${h.horizon}</th>`)}<th>meets the bar</th></tr>
      </thead>
      <tbody>${report.labels.map((l) =>
        html`<tr data-label=${l.label}><th scope="row">${l.label}${
          report.horizons.some((h) => h.best?.label === l.label)
            ? html`
              <span class="star" title=${`best on validation at ${
                report.horizons.filter((h) => h.best?.label === l.label).map((h) => `H${h.horizon}`).join(", ")
              }`}>★</span>
            `
            : ""
        }</th><td>${l.family}</td>${report.horizons.map((h) => mark(h.rows.find((r) => r.label === l.label)?.meets_bar))}<td>${
          l.meets_bar_any_horizon === null ? "not yet known" : l.meets_bar_any_horizon ? `yes (${l.horizons_met.map((h) => `H${h}`).join(", ")})` : "no"
        }</td></tr>`
      )}</tbody>
    </table>
  `;
}

/** Every cell of the experiment with its status and run, folded away. */
export function cellsTable(report: ExperimentReport, href: RunHref): TemplateResult {
  return html`
    <details class="cells">
      <summary>All cells (${report.cells.length})</summary>
      <table aria-label="Cells">
        <thead>
          <tr>
            <th>model</th>
            <th class="num">horizon</th>
            <th class="num">seed</th>
            <th>status</th>
            <th>run</th>
            <th class="num">val macro-F1</th>
            <th class="num">test macro-F1</th>
            <th class="num">val Sharpe</th>
            <th class="num">test Sharpe</th>
          </tr>
        </thead>
        <tbody>${report.cells.map((c) =>
          html`
            <tr data-cell=${c.cell_id}>
              <td>${c.label}</td>
              <td class="num">${c.horizon}</td>
              <td class="num">${c.seed}</td>
              <td title=${c.error ?? ""}>${c.status}</td>
              <td>${c.run_id ? runLink(c.run_id, href) : html`<span class="muted">—</span>`}</td>
              <td class="num">${fixed(c.val?.f1_macro, 3)}</td>
              <td class="num">${fixed(c.test?.f1_macro, 3)}</td>
              <td class="num">${fixed(c.val?.sharpe, 2)}</td>
              <td class="num">${fixed(c.test?.sharpe, 2)}</td>
            </tr>
          `
        )}</tbody>
      </table>
    </details>
  `;
}
