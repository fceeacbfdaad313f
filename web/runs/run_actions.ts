import { css, html, LitElement, nothing, type PropertyValues } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import type { RunReader } from "../../core/platform.ts";
import type { RunRecord } from "../../core/train/run_record.ts";
import type { BestSettings } from "../../core/tune/study_view.ts";
import { downloadFile } from "../download.ts";
import { shared } from "../styles.ts";
import { PREDICTION_SPLITS, type PredictionsCsv, predictionsPath } from "./prediction_paths.ts";
import { retrainSettings } from "./run_settings.ts";

/**
 * What comes next to a run: its stored val and test predictions to download as Parquet (wherever the run has
 * them: the app, or a viewer whose bundle carries predictions) or, given `toCsv` (the app), as CSV, and, in the app (`app`), "Predict with this run"
 * (`#/predict?run=<id>`) and "Train again with these settings", which dispatches `mf-train-with` (bubbling, composed)
 * with the run's settings for the app to put in the Train page's forms.
 */
@customElement("mf-run-actions")
export class RunActions extends LitElement {
  static override styles = [
    shared,
    css`
      .actions {
        display: flex;
        flex-wrap: wrap;
        gap: 0.4rem 1rem;
        align-items: center;
      }
    `,
  ];

  @property({ attribute: false })
  accessor reader: RunReader | undefined;
  @property({ attribute: false })
  accessor record: RunRecord | undefined;
  /** The run's files (what `reader.files` lists). */
  @property({ attribute: false })
  accessor files: readonly string[] = [];
  /** Set by the app: it has the Predict and Train pages these actions lead to. */
  @property({ type: Boolean })
  accessor app = false;
  /** Writes the stored predictions as CSV; the app hands it in, the viewer (Parquet downloads only) does not. */
  @property({ attribute: false })
  accessor toCsv: PredictionsCsv | undefined;
  @state()
  accessor error = "";

  protected override willUpdate(changed: PropertyValues<this>) {
    if (changed.has("record")) this.error = "";
  }

  override render() {
    const record = this.record;
    if (!record) return nothing;
    const splits = PREDICTION_SPLITS.filter((s) => this.files.includes(predictionsPath(s)));
    // the Predict page offers the runs with a saved final model
    const predictable = record.status === "finished" || record.status === "stopped";
    if (!splits.length && !this.app) return nothing;
    return html`
      <section aria-labelledby="next-h">
        <h2 id="next-h">Predictions and next steps</h2>
        <div class="actions">
          ${splits.map((split) =>
            html`<span role="group" aria-label=${`${split} predictions`}>${split} predictions:
              <button @click=${() => this.download(split, "parquet")}>Download ${split} predictions (Parquet)</button>
              ${this.toCsv ? html`<button @click=${() => this.download(split, "csv")}>Download ${split} predictions (CSV)</button>` : nothing}</span>`
          )}
          ${splits.length ? nothing : html`<span class="muted">No stored predictions: the run is ${record.status}.</span>`}
          ${this.app
            ? html`
              ${predictable
                ? html`<a href=${`#/predict?run=${encodeURIComponent(record.id)}`}>Predict with this run</a>`
                : html`<span class="muted">Predict needs a finished or stopped run.</span>`}
              <button @click=${this.trainAgain}>Train again with these settings</button>
            `
            : nothing}
        </div>
        ${this.app ? html`<p class="muted">Train again puts ${record.model} and its settings in the Train page's forms; pick the data there.</p>` : nothing}
        ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      </section>
    `;
  }

  private async download(split: string, format: "parquet" | "csv") {
    const { reader, record } = this;
    if (!reader || !record) return;
    const path = predictionsPath(split);
    try {
      const bytes = await reader.read(record.id, path);
      const name = `${record.id}-${split}-predictions.${format}`;
      if (format === "parquet") downloadFile(bytes, name, "application/vnd.apache.parquet");
      else downloadFile(await this.toCsv!(bytes, record.horizon, `${record.id}/${path}`), name, "text/csv");
    } catch (error) {
      this.error = `Cannot download ${record.id}/${path}: ${(error as Error).message}`;
    }
  }

  private trainAgain() {
    const settings = retrainSettings(this.record!);
    this.dispatchEvent(new CustomEvent<BestSettings>("mf-train-with", { detail: settings, bubbles: true, composed: true, cancelable: true }));
  }
}
