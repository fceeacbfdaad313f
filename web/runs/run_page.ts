import { css, html, LitElement, type PropertyValues } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import type { RegistryStore } from "../../core/model_registry/store.ts";
import type { RunReader, RunStore } from "../../core/platform.ts";
import type { ChartData } from "../chart.ts";
import { count, duration } from "../format.ts";
import { shared } from "../styles.ts";
import { confusionTable, importanceTable, metricsTable, perClassTable, perSymbolTable } from "./metric_tables.ts";
import { type EquityCurves, readEpochs, readEquity, readImportance, readRunEvaluations, readRunRow, type RunRow } from "./run_data.ts";
import { evaluationsTable } from "./evaluations.ts";
import { dataId } from "../../core/data/fingerprint_id.ts";
import { importanceKind } from "./importance.ts";
import "./run_actions.ts";
import "../chart.ts";
import "../registry/register_form.ts";
import type { PredictionsCsv } from "./prediction_paths.ts";

/** One run, read through a RunReader: config, per-epoch curves, metrics, per-class and per-symbol tables, confusion matrix, equity, evaluations; Delete when given a store. */
@customElement("mf-run-page")
export class RunPage extends LitElement {
  static override styles = [
    shared,
    css`
      .charts {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(320px, 1fr));
        gap: 1rem;
      }
      .scroll {
        overflow-x: auto;
      }
    `,
  ];

  @property({ attribute: false })
  accessor reader: RunReader | undefined;
  /** The writable store behind `reader`, for Delete; a read-only viewer leaves it unset. */
  @property({ attribute: false })
  accessor store: RunStore | undefined;
  /** The model registry: a finished run can be registered as a version of a named model (the app only). */
  @property({ attribute: false })
  accessor modelRegistry: RegistryStore | undefined;
  /** Set by the app: the page offers "Predict with this run" and "Train again with these settings" (the viewer has neither). */
  @property({ type: Boolean })
  accessor app = false;
  /** Stored predictions as CSV (the app hands it in; the viewer offers Parquet only). */
  @property({ attribute: false })
  accessor toCsv: PredictionsCsv | undefined;
  @property()
  accessor runId = "";
  /** Where "all runs" leads (the runs table as it was left). */
  @property()
  accessor back = "#/runs";
  @state()
  accessor row: RunRow | undefined;
  @state()
  accessor epochs: Awaited<ReturnType<typeof readEpochs>> = [];
  @state()
  accessor importance: [string, number][] = [];
  /** The run's files, for the prediction downloads. */
  @state()
  accessor files: string[] = [];
  @state()
  accessor equity: EquityCurves = {};
  @state()
  accessor evaluations: Awaited<ReturnType<typeof readRunEvaluations>> = { evaluations: [] };
  @state()
  accessor error = "";

  protected override willUpdate(changed: PropertyValues<this>) {
    if (changed.has("runId") || changed.has("reader")) void this.load();
  }

  private async load() {
    const { reader, runId } = this;
    if (!reader || !runId) return;
    this.row = undefined;
    this.error = "";
    try {
      const row = await readRunRow(reader, runId);
      const [epochs, importance, equity, evaluations, files] = row.record
        ? await Promise.all([
          readEpochs(reader, runId),
          readImportance(reader, runId),
          readEquity(reader, runId),
          readRunEvaluations(reader, runId),
          reader.files(runId),
        ])
        : [[], [], {}, { evaluations: [] }, []];
      // a newer run chosen meanwhile wins
      if (runId !== this.runId || reader !== this.reader) return;
      Object.assign(this, { row, epochs, importance, equity, evaluations, files });
    } catch (error) {
      this.error = (error as Error).message;
    }
  }

  override render() {
    const back = html`<p><a href=${this.back}>← all runs</a></p>`;
    if (this.error) return html`${back}<p class="error" role="alert">${this.error}</p>`;
    if (!this.row) return html`${back}<p class="muted">Reading run...</p>`;
    const { record, metrics } = this.row;
    if (!record) return html`${back}<p class="error" role="alert">Run ${this.runId} cannot be read: ${this.row.error}</p>${this.deleteButton()}`;
    // counted from 1, as the best epoch above and the Train page's chart
    const x = this.epochs.map((e) => e.epoch + 1);
    const curve = (key: "train_loss" | "val_loss" | "train_accuracy" | "val_accuracy") => this.epochs.map((e) => e[key]);
    return html`
      ${back}
            <section aria-labelledby="run-h">
              <h2 id="run-h">${record.id}</h2>
              <p><strong>${record.status}</strong> · ${record.model} · horizon ${record.horizon} · window ${record.seq_len} · ${record.epochs_run ??
                0} epochs (best ${record.best_epoch === undefined || record.best_epoch < 0 ? "-" : record.best_epoch + 1}${record.stop_reason
                ? `, ${record.stop_reason}`
                : ""}) · ${duration(
                  record.timings.total_s ?? NaN,
                )}</p>
              <p class="muted">Backend: ${record.backend.name} (${record.backend.reason}) · created ${record.created_at}</p>
              ${record.error ? html`<p class="error" role="alert">${record.error}</p>` : ""}
              <div class="row">${this.deleteButton()}${record.status === "finished" && this.store && this.modelRegistry
                ? html`<mf-register-form .store=${this.modelRegistry} .runs=${this.store} runId=${this.runId} suggested=${`${
                  record.model.split(":").at(-1)
                }-h${record.horizon}`} label="Register as a model version"></mf-register-form>`
                : ""}</div>
            </section>
            <mf-run-actions .reader=${this.reader} .record=${record} .files=${this.files} ?app=${this.app} .toCsv=${this.toCsv}></mf-run-actions>
            <section aria-labelledby="curves-h"><h2 id="curves-h">Curves</h2>
              ${this.epochs.length
                ? html`
                  <div class="charts">
                    <mf-chart label="Loss" .series=${["train_loss", "val_loss"]} .data=${[x, curve("train_loss"), curve("val_loss")] as ChartData}></mf-chart>
                    <mf-chart label="Accuracy" .series=${["train_accuracy", "val_accuracy"]} .data=${[
                      x,
                      curve("train_accuracy"),
                      curve("val_accuracy"),
                    ] as ChartData}></mf-chart>
                  </div>
                `
                : html`<p class="empty">No epochs recorded.</p>`}
            </section>
            <section aria-labelledby="metrics-h"><h2 id="metrics-h">Metrics</h2>
              ${metrics
                ? html`
                  <div class="row">${metricsTable({ val: metrics.val, test: metrics.test })}
                    <div><h3>Confusion (test)</h3>${confusionTable(metrics.test, "Confusion matrix, test")}<h3>Per class (test)</h3>${perClassTable(
                      metrics.test,
                      "Per class, test",
                    )}</div>
                  </div>
                  <h3>Per symbol (test)</h3>
                  <div class="scroll">${perSymbolTable(metrics.test, "Per symbol, test")}</div>
                `
                : html`<p class="empty">No final metrics: the run is ${record.status}.</p>`}
            </section>
            ${this.equitySection()}
            ${this.evaluationsSection()}
            ${this.importance.length
              ? html`<section aria-labelledby="imp-h"><h2 id="imp-h">Feature importance</h2>${
                importanceTable(this.importance, importanceKind(record))
              }</section>`
              : ""}
            <section aria-labelledby="config-h">
        <h2 id="config-h">Config</h2>
        <div class="row">${(["params", "dataset", "trainer"] as const).map((part) =>
          html`
            <table aria-label=${part}>
              <thead>
                <tr>
                  <th colspan="2">${part}</th>
                </tr>
              </thead>
              <tbody>${Object.entries(record.config[part]).map(([k, v]) =>
                html`
                  <tr>
                    <td>${k}</td>
                    <td>${typeof v === "string" ? v : JSON.stringify(v)}</td>
                  </tr>
                `
              )}</tbody>
            </table>
          `
        )}
              </div>
        <p class="muted" data-testid="run-data">Data: ${Object.entries(record.dataset.files).map(([split, f]) =>
          `${split} ${f.name} (${count(f.rows)} rows, ${count(f.samples)} samples)`
        ).join(", ")}; ${count(record.dataset.symbols.length)} symbols, ${count(record.dataset.features.length)} features; data id ${dataId(
          record.dataset,
        )}.</p>
      </section>
    `;
  }

  private deleteButton() {
    return this.store ? html`<button class="danger" @click=${this.deleteRun}>Delete run</button>` : "";
  }

  private async deleteRun() {
    if (!this.store || !confirm(`Delete run ${this.runId}? This cannot be undone.`)) return;
    try {
      await this.store.remove(this.runId);
      location.hash = "#/runs";
    } catch (error) {
      this.error = `Cannot delete run ${this.runId}: ${(error as Error).message}`;
    }
  }

  /** The run's model scored on other data by mf evaluate; absent when there is none. */
  private evaluationsSection() {
    const { evaluations, error } = this.evaluations;
    if (!evaluations.length && !error) return "";
    return html`
      <section aria-labelledby="evaluations-h">
        <h2 id="evaluations-h">Evaluations</h2>
        ${error ? html`<p class="error" role="alert">${error}</p>` : html`<div class="scroll">${evaluationsTable(evaluations)}</div>`}
      </section>
    `;
  }

  /** Equity and drawdown of the test (and val) portfolio: position = predicted class held H bars at 1/H size. */
  private equitySection() {
    const splits = (["test", "val"] as const).filter((s) => this.equity[s]?.time.length);
    if (!splits.length) return "";
    return html`
      <section aria-labelledby="equity-h">
        <h2 id="equity-h">Equity and drawdown</h2>
        <div class="charts">
            ${splits.flatMap((split) => {
              const c = this.equity[split]!;
              const x = c.time.map((t) => t / 1000);
              return [
                html`<mf-chart label=${`Equity (${split})`} time xLabel="time" .series=${["equity"]} .data=${[x, c.equity] as ChartData}></mf-chart>`,
                html`<mf-chart label=${`Drawdown (${split})`} time xLabel="time" .series=${["drawdown"]} .data=${[x, c.drawdown] as ChartData}></mf-chart>`,
              ];
            })}</div>
      </section>
    `;
  }
}
