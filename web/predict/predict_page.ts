import { html, LitElement, type PropertyValues } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import { listModels } from "../../core/model_registry/list.ts";
import type { RegistryReader } from "../../core/model_registry/store.ts";
import type { RunReader } from "../../core/platform.ts";
import { downloadFile } from "../download.ts";
import { count, num } from "../format.ts";
import { metricsTable } from "../runs/metric_tables.ts";
import { readRunRows, type RunRow } from "../runs/run_data.ts";
import { shared } from "../styles.ts";
import { startJob } from "../worker/client.ts";
import type { Predictions } from "../worker/protocol.ts";
import { rawBarsBlocker } from "./raw_recipe.ts";

const CLASS = { "-1": "short", "0": "neutral", "1": "long" } as Record<string, string>;

/** A registered version to choose: `name@alias` or `name/version`, and how the list shows it. */
interface ModelChoice {
  ref: string;
  text: string;
}

/**
 * Scores a new Parquet file with a stored run's model or a registered version (`name@alias`, `name/version`),
 * in a worker and offline: preview, then download as Parquet or CSV. Raw OHLCV bars are scored through the run's
 * prepare.json (`mf predict --raw`). `#/predict?run=<id>` chooses that run.
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
  /** The file is raw OHLCV bars, to be prepared with the model's prepare.json first. */
  @state()
  accessor raw = false;
  /** Why the chosen model cannot score raw bars ("" when it can, undefined while that is checked). */
  @state()
  accessor rawBlocker: string | undefined;
  /** The run the URL asks for (`#/predict?run=<id>`), chosen once the runs are read. */
  private asked = "";

  override connectedCallback() {
    super.connectedCallback();
    this.asked = askedRun();
    addEventListener("hashchange", this.onHash);
    void this.load();
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    removeEventListener("hashchange", this.onHash);
  }

  private readonly onHash = () => {
    this.asked = askedRun();
    if (this.runs) this.chooseAsked();
  };

  protected override updated(changed: PropertyValues<this>) {
    if (!changed.has("from") && !changed.has("runId") && !changed.has("modelRef")) return;
    const chosen = this.chosen();
    this.rawBlocker = undefined;
    if (!chosen) return;
    rawBarsBlocker(chosen, this.reader, this.modelRegistry).then(
      (why) => this.chosen() && JSON.stringify(this.chosen()) === JSON.stringify(chosen) && (this.rawBlocker = why),
      (error: Error) => (this.rawBlocker = error.message),
    );
  }

  /** Chooses the run the URL names, or says why it cannot be chosen. */
  private chooseAsked() {
    if (!this.asked) return;
    if (this.runs!.some((r) => r.id === this.asked)) [this.from, this.runId] = ["run", this.asked];
    else this.error = `Run ${this.asked} cannot score: it is not among the finished or stopped runs with a saved model.`;
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
    this.chooseAsked();
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
        <label title=${this.rawBlocker ?? ""}><input type="checkbox" .checked=${this.raw && this.rawBlocker === ""} ?disabled=${this.rawBlocker !== ""}
          @change=${(e: Event) => (this.raw = (e.target as HTMLInputElement).checked)} /> raw OHLCV bars</label>
        <button class="primary" ?disabled=${!this.file || !this.chosen() || this.busy} @click=${this.predict}>${
      this.busy ? "Predicting..." : "Predict"
    }</button>
      </div>
      <p class="muted" data-testid="raw-note">${
      this.rawBlocker === ""
        ? "Raw bars (datetime, symbol, OHLCV) are turned into the model's features by its prepare.json first, as mf predict --raw does."
        : this.rawBlocker
        ? `Raw OHLCV bars cannot be scored with this model: ${this.rawBlocker}.`
        : ""
    }</p>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : ""}
      ${
      r
        ? html`
          <p data-testid="predicted">${count(r.rows)} rows scored by ${r.scoredBy} (${r.backend}).
            <button @click=${() => downloadFile(r.parquet, "predictions.parquet", "application/vnd.apache.parquet")}>Download Parquet</button>
            <button @click=${() => downloadFile(r.csv, "predictions.csv", "text/csv")}>Download CSV</button></p>
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
          ${r.evaluation
            ? html`
              <h3>Scored against the file's labels</h3>
              <p class="muted" data-testid="predict-scored">${count(r.evaluation.samples)} labelled samples (${r.evaluation
                .label_column}), scored as training scores
                its test split.</p>
              ${metricsTable({ file: r.evaluation.metrics })}
            `
            : ""}
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
      const raw = this.raw && this.rawBlocker === "";
      const done = await startJob({ kind: "predict", from: this.chosen()!, file: this.file!, wasmPaths: this.wasmPaths, db: this.db, raw }).result;
      this.result = done.predictions;
    } catch (error) {
      this.error = `Cannot predict ${this.file!.name}: ${(error as Error).message}`;
    } finally {
      this.busy = false;
    }
  }
}

/** The run `#/predict?run=<id>` names, or "". */
function askedRun(): string {
  const search = location.hash.split("?")[1] ?? "";
  return location.hash.startsWith("#/predict") ? new URLSearchParams(search).get("run") ?? "" : "";
}
