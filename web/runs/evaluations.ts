import { html } from "lit";
import type { Evaluation } from "../../core/evaluation.ts";
import { count, num, time } from "../format.ts";

const HEADLINE = [["f1_macro", "macro-F1"], ["accuracy", "accuracy"], ["log_loss", "log loss"], ["sharpe", "Sharpe"], [
  "max_drawdown",
  "max drawdown",
]] as const;

/** A run's evaluations (mf evaluate), one row each: name, data file, rows and samples, date, the headline metrics. */
export function evaluationsTable(evaluations: readonly Evaluation[]) {
  return html`
    <table aria-label="Evaluations">
      <thead>
        <tr>
          <th>name</th>
          <th>data</th>
          <th class="num">rows</th>
          <th class="num">samples</th>
          <th>date</th>
          ${HEADLINE.map(([, label]) => html`<th class="num">${label}</th>`)}
        </tr>
      </thead>
      <tbody>${evaluations.map((e) =>
        html`
          <tr>
            <td>${e.name}</td>
            <td title=${e.data.file}>${e.data.file.split(/[\\/]/).pop()}</td>
            <td class="num">${count(e.data.rows)}</td>
            <td class="num">${count(e.data.samples)}</td>
            <td>${time(Date.parse(e.created_at))}</td>
            ${HEADLINE.map(([key]) => html`<td class="num">${num(e.metrics[key])}</td>`)}
          </tr>
        `
      )}</tbody>
    </table>
  `;
}
