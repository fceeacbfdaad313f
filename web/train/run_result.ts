import { html, LitElement, type PropertyValues } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import { IdbRunStore } from "../idb_store.ts";
import { count, num } from "../format.ts";
import { readRunRow, type RunRow } from "../runs/run_data.ts";
import { shared } from "../styles.ts";

/** The figures a person looks at first when a run ends, as [metrics.json key, label, digits]. */
const HEADLINE = [
  ["f1_macro", "macro-F1", 3],
  ["accuracy", "accuracy", 3],
  ["log_loss", "log loss", 4],
  ["sharpe", "Sharpe (annualised)", 2],
  ["max_drawdown", "max drawdown", 3],
  ["n_trades", "trades", 0],
] as const;

/** A run that just ended on the Train page: its val and test headline metrics and best epoch (the status line links its run page). */
@customElement("mf-run-result")
export class RunResult extends LitElement {
  static override styles = shared;

  /** The IndexedDB database the run was written to. */
  @property()
  accessor db = "";
  @property()
  accessor runId = "";
  /** What an epoch is called for this model ("epoch", or "round" for trees). */
  @property()
  accessor unit = "epoch";
  @state()
  accessor row: RunRow | undefined;

  protected override willUpdate(changed: PropertyValues<this>) {
    if ((changed.has("runId") || changed.has("db")) && this.runId) {
      const id = this.runId;
      this.row = undefined;
      IdbRunStore.open(this.db).then((store) => readRunRow(store, id)).then(
        (row) => id === this.runId && (this.row = row),
        (error: Error) => id === this.runId && (this.row = { id, error: error.message }),
      );
    }
  }

  override render() {
    if (!this.runId) return "";
    const row = this.row;
    if (!row) return html`<p class="muted">Reading the run's results...</p>`;
    if (row.error) return html`<p class="error" role="alert">The run's results could not be read: ${row.error}</p>`;
    const record = row.record!;
    // counted from 1, as `mf train` and `mf runs` say it
    const best = record.best_epoch !== undefined && record.best_epoch >= 0 ? count(record.best_epoch + 1) : "-";
    const ran = record.epochs_run !== undefined ? ` of ${count(record.epochs_run)} run` : "";
    const metrics = row.metrics;
    return html`
      <h3>Result</h3>
      <p data-testid="run-result-summary">best ${this.unit} ${best}${ran}${record.stop_reason ? ` (${record.stop_reason.replaceAll("_", " ")})` : ""}</p>
      ${metrics
        ? html`
          <table aria-label="Run result">
            <thead>
              <tr>
                <th>split</th>
                ${HEADLINE.map(([, label]) => html`<th class="num">${label}</th>`)}
              </tr>
            </thead>
            <tbody>${(["test", "val"] as const).filter((s) => metrics[s]).map((split) =>
              html`
                <tr>
                  <td>${split}</td>
                  ${HEADLINE.map(([key, , digits]) => {
                    const value = (metrics[split] as unknown as Record<string, unknown>)[key];
                    return html`<td class="num">${digits === 0 && typeof value === "number" ? count(value) : num(value, digits)}</td>`;
                  })}
                </tr>
              `
            )}</tbody>
          </table>
        `
        : html`<p class="muted">This run wrote no metrics.</p>`}
    `;
  }
}
