import { html, LitElement } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import type { RunReader } from "../../core/platform.ts";
import { count, num } from "../format.ts";
import { readRunRows, type RunRow } from "../runs/run_data.ts";
import { shared } from "../styles.ts";
import { startJob } from "../worker/client.ts";
import type { Predictions } from "../worker/protocol.ts";

const CLASS = { "-1": "short", "0": "neutral", "1": "long" } as Record<string, string>;

/** Scores a new Parquet file with a stored run's model, in a worker and offline: preview, then download as Parquet or CSV. */
@customElement("mf-predict-page")
export class PredictPage extends LitElement {
  static override styles = shared;

  @property({ attribute: false })
  accessor reader: RunReader | undefined;
  @property()
  accessor db = "";
  @property()
  accessor wasmPaths = "";
  @state()
  accessor runs: RunRow[] | undefined;
  @state()
  accessor runId = "";
  @state()
  accessor file: File | undefined;
  @state()
  accessor busy = false;
  @state()
  accessor result: Predictions | undefined;
  @state()
  accessor error = "";

  override connectedCallback() {
    super.connectedCallback();
    void this.load();
  }

  /** Lists the runs that have a saved model (finished or stopped). */
  async load() {
    if (!this.reader) return;
    const rows = await readRunRows(this.reader).catch((e: Error) => ((this.error = e.message), []));
    this.runs = rows.filter((r) => r.record && (r.record.status === "finished" || r.record.status === "stopped")).reverse();
    this.runId ||= this.runs[0]?.id ?? "";
  }

  override render() {
    if (!this.runs) return html`<p class="muted">Reading runs...</p>`;
    if (!this.runs.length) {
      return html`
        <section>
          <h2>Predict</h2>
          <p class="empty">No trained model yet: train a model first, then score new files here.</p>
        </section>
      `;
    }
    const r = this.result;
    return html`<section aria-labelledby="predict-h">
      <h2 id="predict-h">Predict</h2>
      <p class="muted">Scores every row with a full window, in this tab; works offline once the app has loaded.</p>
      <div class="row">
        <label for="run">Model from run</label>
        <select id="run" .value=${this.runId} @change=${(e: Event) => (this.runId = (e.target as HTMLSelectElement).value)}>
          ${this.runs.map((x) => html`<option .value=${x.id} ?selected=${x.id === this.runId}>${x.id} (${x.record!.model}, ${x.record!.status})</option>`)}
        </select>
        <label for="input">Parquet file</label>
        <input id="input" type="file" accept=".parquet" @change=${(e: Event) => (this.file = (e.target as HTMLInputElement).files?.[0])} />
        <button class="primary" ?disabled=${!this.file || !this.runId || this.busy} @click=${this.predict}>${this.busy ? "Predicting..." : "Predict"}</button>
      </div>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : ""}
      ${
      r
        ? html`
          <p data-testid="predicted">${count(r.rows)} rows scored (${r.backend}).
            <button @click=${() => download(r.parquet, "predictions.parquet", "application/vnd.apache.parquet")}>Download Parquet</button>
            <button @click=${() => download(r.csv, "predictions.csv", "text/csv")}>Download CSV</button></p>
          <table aria-label="Predictions preview">
            <thead>
              <tr>
                <th>datetime</th>
                <th>symbol</th>
                <th>prediction</th>
                <th class="num">prob_short</th>
                <th class="num">prob_neutral</th>
                <th class="num">prob_long</th>
              </tr>
            </thead>
            <tbody>${r.preview.map((p) =>
              html`<tr><td>${p.datetime}</td><td>${p.symbol}</td><td>${CLASS[p.prediction]} (${p.prediction})</td>${
                p.probs.map((v) => html`<td class="num">${num(v)}</td>`)
              }</tr>`
            )}</tbody>
          </table>
          ${r.rows > r.preview.length ? html`<p class="muted">First ${r.preview.length} of ${count(r.rows)} rows.</p>` : ""}
        `
        : ""
    }
    </section>`;
  }

  private async predict() {
    this.busy = true;
    this.error = "";
    this.result = undefined;
    try {
      const done = await startJob({ kind: "predict", runId: this.runId, file: this.file!, wasmPaths: this.wasmPaths, db: this.db }).result;
      this.result = done.predictions;
    } catch (error) {
      this.error = `Cannot predict ${this.file!.name}: ${(error as Error).message}`;
    } finally {
      this.busy = false;
    }
  }
}

function download(data: Uint8Array | string, name: string, type: string) {
  const url = URL.createObjectURL(new Blob([data as BlobPart], { type }));
  const a = Object.assign(document.createElement("a"), { href: url, download: name });
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
