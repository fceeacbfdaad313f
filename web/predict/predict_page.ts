import { html, LitElement } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import { listModels } from "../../core/model_registry/list.ts";
import type { RegistryReader } from "../../core/model_registry/store.ts";
import type { RunReader } from "../../core/platform.ts";
import { count, num } from "../format.ts";
import { readRunRows, type RunRow } from "../runs/run_data.ts";
import { shared } from "../styles.ts";
import { startJob } from "../worker/client.ts";
import type { Predictions } from "../worker/protocol.ts";

const CLASS = { "-1": "short", "0": "neutral", "1": "long" } as Record<string, string>;

/** A registered version to choose: `name@alias` or `name/version`, and how the list shows it. */
interface ModelChoice {
  ref: string;
  text: string;
}

/**
 * Scores a new Parquet file with a stored run's model or a registered version (`name@alias`, `name/version`),
 * in a worker and offline: preview, then download as Parquet or CSV.
 */
@customElement("mf-predict-page")
export class PredictPage extends LitElement {
  static override styles = shared;

  @property({ attribute: false })
  accessor reader: RunReader | undefined;
  /** The model registry: its aliases and versions are offered beside the runs. */
  @property({ attribute: false })
  accessor modelRegistry: RegistryReader | undefined;
  @property()
  accessor db = "";
  @property()
  accessor wasmPaths = "";
  @state()
  accessor runs: RunRow[] | undefined;
  @state()
  accessor runId = "";
  /** Registered versions to choose from: every alias, then every version. */
  @state()
  accessor models: ModelChoice[] = [];
  @state()
  accessor modelRef = "";
  /** Which kind of model scores the file. */
  @state()
  accessor from: "run" | "model" = "run";
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

  /** Lists the runs that have a saved model (finished or stopped) and the registered models' aliases and versions. */
  async load() {
    if (!this.reader) return;
    const [rows, models] = await Promise.all([
      readRunRows(this.reader).catch((e: Error) => ((this.error = e.message), [])),
      this.modelRegistry ? listModels(this.modelRegistry).catch((e: Error) => ((this.error = e.message), { models: [], problems: [] })) : undefined,
    ]);
    this.models = (models?.models ?? []).flatMap((m) => [
      ...Object.entries(m.aliases).sort(([a], [b]) => a.localeCompare(b)).map(([alias, v]) => ({
        ref: `${m.name}@${alias}`,
        text: `${m.name}@${alias} (version ${v})`,
      })),
      ...[...m.versions].reverse().map((v) => ({ ref: `${m.name}/${v}`, text: `${m.name}/${v}` })),
    ]);
    this.modelRef ||= this.models[0]?.ref ?? "";
    this.runs = rows.filter((r) => r.record && (r.record.status === "finished" || r.record.status === "stopped")).reverse();
    this.runId ||= this.runs[0]?.id ?? "";
    if (!this.runs.length && this.models.length) this.from = "model";
  }

  override render() {
    if (!this.runs) return html`<p class="muted">Reading runs...</p>`;
    if (!this.runs.length && !this.models.length) {
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
        <label for="from">Score with</label>
        <select id="from" @change=${(e: Event) => (this.from = (e.target as HTMLSelectElement).value as "run" | "model")}>
          <option value="run" ?selected=${this.from === "run"} ?disabled=${!this.runs.length}>a run's model</option>
          <option value="model" ?selected=${this.from === "model"} ?disabled=${!this.models.length}>a registered model</option>
        </select>
        ${
      this.from === "run"
        ? html`
          <label for="run">Model from run</label>
          <select id="run" .value=${this.runId} @change=${(e: Event) => (this.runId = (e.target as HTMLSelectElement).value)}>
            ${this.runs.map((x) => html`<option .value=${x.id} ?selected=${x.id === this.runId}>${x.id} (${x.record!.model}, ${x.record!.status})</option>`)}
          </select>
        `
        : html`
          <label for="model">Registered model</label>
          <select id="model" .value=${this.modelRef} @change=${(e: Event) => (this.modelRef = (e.target as HTMLSelectElement).value)}>
            ${this.models.map((m) => html`<option .value=${m.ref} ?selected=${m.ref === this.modelRef}>${m.text}</option>`)}
          </select>
        `
    }
        <label for="input">Parquet file</label>
        <input id="input" type="file" accept=".parquet" @change=${(e: Event) => (this.file = (e.target as HTMLInputElement).files?.[0])} />
        <button class="primary" ?disabled=${!this.file || !this.chosen() || this.busy} @click=${this.predict}>${
      this.busy ? "Predicting..." : "Predict"
    }</button>
      </div>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : ""}
      ${
      r
        ? html`
          <p data-testid="predicted">${count(r.rows)} rows scored by ${r.scoredBy} (${r.backend}).
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

  /** The model chosen to score with, as the worker takes it; undefined while none is. */
  private chosen(): { run: string } | { model: string } | undefined {
    if (this.from === "run") return this.runId ? { run: this.runId } : undefined;
    return this.modelRef ? { model: this.modelRef } : undefined;
  }

  private async predict() {
    this.busy = true;
    this.error = "";
    this.result = undefined;
    try {
      const done = await startJob({ kind: "predict", from: this.chosen()!, file: this.file!, wasmPaths: this.wasmPaths, db: this.db }).result;
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
