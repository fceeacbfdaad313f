import { html, type TemplateResult } from "lit";
import type { HorizonReport, ReportRow } from "../../core/experiment/report.ts";
import { countedFromOne, type SeedStat, type SplitSummary } from "../../core/experiment/report_stats.ts";
import { seedsOf, stat, whole } from "./report_format.ts";

/**
 * The side-by-side tables of one horizon: every model (a row) with val | test for each metric, mean ±
 * std over seeds; the model chosen on validation marked; pass/fail against the bar.
 */

/** A metric column: its heading, and how a split's value is read and written. */
interface Metric {
  name: string;
  pick(s: SplitSummary): SeedStat;
  format(s: SeedStat): string;
}

const CLASSIFICATION: Metric[] = [
  { name: "macro-F1", pick: (s) => s.f1_macro, format: (x) => stat(x, 3) },
  { name: "F1 short", pick: (s) => s.f1["-1"], format: (x) => stat(x, 3) },
  { name: "F1 neutral", pick: (s) => s.f1["0"], format: (x) => stat(x, 3) },
  { name: "F1 long", pick: (s) => s.f1["1"], format: (x) => stat(x, 3) },
  { name: "log loss", pick: (s) => s.log_loss, format: (x) => stat(x, 3) },
];

const TRADING: Metric[] = [
  { name: "Sharpe", pick: (s) => s.sharpe, format: (x) => stat(x, 2) },
  { name: "PSR", pick: (s) => s.psr, format: (x) => stat(x, 3) },
  { name: "max drawdown", pick: (s) => s.max_drawdown, format: (x) => stat(x, 1, 100, "%") },
  { name: "win rate", pick: (s) => s.win_rate, format: (x) => stat(x, 1, 100, "%") },
  { name: "profit factor", pick: (s) => s.profit_factor, format: (x) => stat(x, 2) },
  { name: "trades", pick: (s) => s.n_trades, format: (x) => stat(x, 0) },
];

/** A model's name cell: its label (★ when chosen on validation), its model and ensemble kind, and its seeds. */
function modelCell(r: ReportRow, best: boolean): TemplateResult {
  const total = Object.values(r.cells).reduce((a, b) => a + b, 0);
  return html`<th scope="row" class="model">
    ${
    best
      ? html`
        <span class="star" title="chosen on validation">★</span>
      `
      : ""
  }<span class="label">${r.label}</span>
    <div class="sub">${r.model}${
    r.ensemble ? ` · ${r.ensemble.kind.replace("_", " ")} of ${r.ensemble.members.length}` : ""
  } · ${r.cells.finished}/${total} seeds${r.cells.failed ? ` (${r.cells.failed} failed)` : ""}</div>
  </th>`;
}

function verdict(meets: boolean | null): TemplateResult {
  return meets === true
    ? html`<td class="pass">✔ pass</td>`
    : meets === false
    ? html`<td class="fail">✘ fail</td>`
    : html`<td class="muted" title="no finished run yet">—</td>`;
}

/** A table of val | test pairs for some metrics, one row per model. */
function splitTable(h: HorizonReport, title: string, metrics: Metric[], withBar: boolean): TemplateResult {
  return html`
    <div class="scroll">
      <table class="compare" aria-label=${`${title}, horizon ${h.horizon}`}>
        <thead>
          <tr>
            <th rowspan="2">model</th>
            ${metrics.map((m) => html`<th colspan="2" class="group">${m.name}</th>`)}
            ${withBar ? html`<th rowspan="2">bar (val)</th>` : ""}
          </tr>
          <tr>${metrics.map(() =>
            html`
              <th class="num">val</th>
              <th class="num split-test">test</th>
            `
          )}</tr>
        </thead>
        <tbody>${h.rows.map((r) => {
          const best = h.best?.label === r.label;
          return html`<tr class=${best ? "best" : ""} data-label=${r.label}>
            ${modelCell(r, best)}
            ${
            metrics.map((m) => {
              const [v, t] = [m.pick(r.val), m.pick(r.test)];
              return html`
                <td class="num" title=${`val ${m.name}, ${seedsOf(v)}`}>${m.format(v)}</td>
                <td class="num split-test" title=${`test ${m.name}, ${seedsOf(t)}`}>${m.format(t)}</td>
              `;
            })
          }
            ${withBar ? verdict(r.meets_bar) : ""}
          </tr>`;
        })}</tbody>
      </table>
    </div>
  `;
}

/** Classification metrics (macro-F1, per-class F1, log loss) with the verdict against the bar. */
export function classificationTable(h: HorizonReport): TemplateResult {
  return splitTable(h, "Classification", CLASSIFICATION, true);
}

/** Trading metrics (Sharpe, PSR, max drawdown, win rate, profit factor, trades). */
export function tradingTable(h: HorizonReport): TemplateResult {
  return splitTable(h, "Trading", TRADING, false);
}

/** What each model cost to fit: time, time per epoch, peak memory, epochs and best epoch, training samples. */
export function costTable(h: HorizonReport): TemplateResult {
  return html`
    <div class="scroll">
      <table class="compare" aria-label=${`Cost, horizon ${h.horizon}`}>
        <thead>
          <tr>
            <th>model</th>
            <th class="num">fit (s)</th>
            <th class="num">s / epoch</th>
            <th class="num">peak memory (MB)</th>
            <th class="num">epochs</th>
            <th class="num">best epoch</th>
            <th class="num">train samples</th>
          </tr>
        </thead>
        <tbody>${h.rows.map((r) => {
          const f = r.fit;
          const samples = f.train_samples.mean === null
            ? "—"
            : `${stat(f.train_samples, 0)}${f.train_samples_available.mean === null ? "" : ` of ${stat(f.train_samples_available, 0)}`}`;
          return html`<tr class=${h.best?.label === r.label ? "best" : ""} data-label=${r.label}>
            ${modelCell(r, h.best?.label === r.label)}
            <td class="num">${stat(f.fit_s, 1)}</td><td class="num">${stat(f.s_per_epoch, 2)}</td><td class="num">${stat(f.peak_rss_mb, 0)}</td>
            <td class="num">${stat(f.epochs_run, whole(f.epochs_run))}</td><td class="num">${stat(countedFromOne(f.best_epoch), whole(f.best_epoch))}</td>
            <td class="num">${samples}</td>
          </tr>`;
        })}</tbody>
      </table>
    </div>
  `;
}
