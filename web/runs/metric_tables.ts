import { html } from "lit";
import type { Metrics, SplitMetrics } from "../../core/train/evaluate.ts";
import { count, num } from "../format.ts";
import type { ImportanceKind } from "../../core/train/run_record.ts";
import { SHARPE_NOTE } from "./run_columns.ts";

const HEADLINE = [
  "n",
  "accuracy",
  "f1_macro",
  "f1_weighted",
  "log_loss",
  "sharpe",
  "max_drawdown",
  "win_rate",
  "profit_factor",
  "n_trades",
  "turnover",
] as const;
const CLASSES = [["-1", "short"], ["0", "neutral"], ["1", "long"]] as const;

/** A headline metric's name as a row or column label: the Sharpe ratio says it is annualised, with how in its tooltip. */
const metricName = (key: (typeof HEADLINE)[number]) => key === "sharpe" ? html`<span title=${SHARPE_NOTE}>sharpe (annualised)</span>` : key;

const cell = (m: Metrics, key: (typeof HEADLINE)[number]) => (key === "n" || key === "n_trades" ? count(Number(m[key] ?? 0)) : num(m[key]));

/** Headline classification and trading metrics, one column per split. */
export function metricsTable(splits: Record<string, Metrics>) {
  const names = Object.keys(splits);
  return html`
    <table aria-label="Metrics">
      <thead>
        <tr><th>metric</th>${names.map((s) => html`<th class="num">${s}</th>`)}</tr>
      </thead>
      <tbody>${HEADLINE.map((key) => html`<tr><td>${metricName(key)}</td>${names.map((s) => html`<td class="num">${cell(splits[s], key)}</td>`)}</tr>`)}</tbody>
    </table>
  `;
}

/** Precision, recall, F1 and support per class. */
export function perClassTable(m: Metrics, label: string) {
  return html`
    <table aria-label=${label}>
      <thead>
        <tr>
          <th>class</th>
          <th class="num">precision</th>
          <th class="num">recall</th>
          <th class="num">F1</th>
          <th class="num">support</th>
        </tr>
      </thead>
      <tbody>${CLASSES.map(([k, name]) =>
        html`
          <tr>
            <td>${name} (${k})</td>
            <td class="num">${num(m.precision[k])}</td>
            <td class="num">${num(m.recall[k])}</td>
            <td class="num">${num(m.f1[k])}</td>
            <td class="num">${count(m.support[k])}</td>
          </tr>
        `
      )}</tbody>
    </table>
  `;
}

/** The 3x3 confusion matrix, rows true class, columns predicted; cells shaded by their share of the row. */
export function confusionTable(m: Metrics, label: string) {
  return html`
    <table aria-label=${label}>
      <thead>
        <tr><th>true \\ predicted</th>${CLASSES.map(([, n]) => html`<th class="num">${n}</th>`)}</tr>
      </thead>
      <tbody>${m.confusion.map((row, i) => {
        const total = row.reduce((a, b) => a + b, 0) || 1;
        return html`<tr><th>${CLASSES[i][1]}</th>${
          row.map((v) => html`<td class="num" style="background: rgba(31, 111, 235, ${(0.6 * v) / total})">${count(v)}</td>`)
        }</tr>`;
      })}</tbody>
    </table>
  `;
}

/** Headline metrics for every symbol of a split. */
export function perSymbolTable(split: SplitMetrics, label: string) {
  const symbols = Object.keys(split.per_symbol ?? {});
  if (!symbols.length) return html`<p class="empty">No per-symbol metrics.</p>`;
  return html`
    <table aria-label=${label}>
      <thead>
        <tr><th>symbol</th>${HEADLINE.map((k) => html`<th class="num">${metricName(k)}</th>`)}</tr>
      </thead>
      <tbody>${symbols.map((s) => html`<tr><td>${s}</td>${HEADLINE.map((k) => html`<td class="num">${cell(split.per_symbol[s], k)}</td>`)}</tr>`)}</tbody>
    </table>
  `;
}

/**
 * Feature importance, largest first: each feature's value (3 significant digits), its share of the total and a bar
 * scaled to the largest, under a caption saying what kind of importance it is; the top `limit` only.
 */
export function importanceTable(pairs: [string, number][], kind: ImportanceKind, limit = 30) {
  const top = Math.max(...pairs.map(([, v]) => Math.abs(v)), 1e-12);
  const total = pairs.reduce((sum, [, v]) => sum + Math.abs(v), 0) || 1;
  return html`
    <p class="muted" data-testid="importance-kind">${kind.label}: ${kind.detail}</p>
    <table aria-label="Feature importance">
      <thead>
        <tr>
          <th>feature</th>
          <th class="num">${kind.label}</th>
          <th class="num">share</th>
          <th></th>
        </tr>
      </thead>
      <tbody>${pairs.slice(0, limit).map(([name, v]) =>
        html`
          <tr>
            <td>${name}</td>
            <td class="num" title=${String(v)}>${significant(v)}</td>
            <td class="num">${(100 * Math.abs(v) / total).toFixed(1)}%</td>
            <td>
              <div style="width: ${Math.round((160 * Math.abs(v)) / top)}px; height: 0.7em; background: #1f6feb"></div>
            </td>
          </tr>
        `
      )}</tbody>
    </table>
    ${pairs.length > limit ? html`<p class="muted">Top ${limit} of ${count(pairs.length)} features.</p>` : ""}
  `;
}

const threeDigits = new Intl.NumberFormat("en-US", { maximumSignificantDigits: 3 });

/** A value to 3 significant digits with thousands separators: 12,345.678 reads 12,300 and 0.0012345 reads 0.00123. */
export function significant(value: number): string {
  return Number.isFinite(value) ? threeDigits.format(value) : "-";
}
