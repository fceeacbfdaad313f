import { html, LitElement, type PropertyValues } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import { DatasetConfig } from "../../core/config/dataset.ts";
import { TrainerConfig } from "../../core/config/trainer.ts";
import { defaultPurge } from "../../core/data/time_split.ts";
import { fullName } from "../../core/model.ts";
import type { Registry } from "../../core/registry.ts";
import type { BestSettings } from "../../core/tune/study_view.ts";
import type { ChosenFiles, DataLayout } from "../data/data_picker.ts";
import type { TimeSplitChoice } from "../data/time_split_picker.ts";
import { DataFiles } from "../data/data_files.ts";
import { type Reopened, reopenHandles } from "../data/file_handles.ts";
import { splitOf } from "../data/split_names.ts";
import { labelHorizons, trainBlockers } from "../data/train_blockers.ts";
import { shared } from "../styles.ts";
import { histogramNote } from "../worker/browser_platform.ts";
import { startJob } from "../worker/client.ts";
import type { JobRequest, SplitFiles } from "../worker/protocol.ts";
import type { FormChange } from "./schema_form.ts";
import { loadTrainSettings, saveTrainSettings } from "./saved_settings.ts";
import { trainerView } from "./trainer_use.ts";
import type { PreparedSplits } from "../data/prepare_panel.ts";
import "../data/data_picker.ts";
import "../data/prepare_panel.ts";
import "../data/data_summary.ts";
import "../data/time_split_picker.ts";
import "./model_picker.ts";
import "./schema_form.ts";
import "./training.ts";

const SPLITS = ["train", "val", "test"] as const;
const EMPTY: FormChange = { value: {}, valid: false };
/** The dataset form: everything but `split`, which the time split picker sets for one file. */
const DatasetForm = DatasetConfig.omit({ split: true });

/** Open data, see its summary, configure a model, train it in a worker and watch it learn. */
@customElement("mf-train-page")
export class TrainPage extends LitElement {
  static override styles = shared;

  @property({ attribute: false })
  accessor registry!: Registry;
  /** The IndexedDB database the worker writes runs to. */
  @property()
  accessor db = "";
  /** Where the tfjs wasm binaries are served, as an absolute URL. */
  @property()
  accessor wasmPaths = "";
  @state()
  accessor layout: DataLayout = "splits";
  private readonly data = new DataFiles(this);
  @state()
  accessor model = "linear:logistic";
  @state()
  accessor params = EMPTY;
  @state()
  accessor datasetForm = EMPTY;
  @state()
  accessor trainer = EMPTY;
  @state()
  accessor backend = "";
  @state()
  accessor request: Extract<JobRequest, { kind: "train" }> | undefined;
  /** Settings put in the forms by "Train with best" on a study; the params go when another model is picked. */
  @state()
  accessor prefilled: Partial<BestSettings> | undefined;
  @state()
  accessor running = false;
  /** The last visit's files as reopened from their kept handles (those that need a click, those gone). */
  @state()
  accessor reopened: Reopened | undefined;
  /** The prepare settings as last edited (kept with the other settings). */
  private prepareSettings: Record<string, unknown> | undefined;
  private backendAsked = "";
  /** What the last visit left: its settings go into the forms, its file names are asked for again. */
  private readonly saved = loadTrainSettings();

  override connectedCallback(): void {
    super.connectedCallback();
    if (!this.saved) return;
    this.layout = this.saved.layout;
    const known = this.registry?.list().some((p) => fullName(p) === this.saved!.model);
    if (known) this.model = this.saved.model;
    this.prefilled = { params: known ? this.saved.params : undefined, dataset: this.saved.dataset, trainer: this.saved.trainer };
    if (this.saved.files.length) void this.reopenLast(false);
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    // until every form has reported, the values are placeholders that would overwrite what was saved
    if (this.params === EMPTY || this.datasetForm === EMPTY || this.trainer === EMPTY) return;
    const files = this.layout === "one"
      ? [this.data.one?.file.name]
      : this.layout === "raw"
      ? [this.data.bars?.name]
      : SPLITS.map((s) => this.data.files[s]?.name);
    const opened = files.filter((f) => f !== undefined);
    saveTrainSettings({
      model: this.model,
      layout: this.layout,
      params: this.params.value,
      dataset: this.datasetForm.value,
      trainer: this.trainer.value,
      prepare: this.prepareSettings ?? this.saved?.prepare,
      // no file open yet this visit: keep asking for the last ones
      files: opened.length ? opened : this.saved?.files ?? [],
    });
  }

  override render() {
    const plugin = this.registry.get(this.model);
    const trainerUse = trainerView(plugin);
    const horizon = Number(this.datasetForm.value.horizon ?? 5);
    const seqLen = Number(this.datasetForm.value.seq_len ?? plugin.defaultSeqLen);
    const oneFile = this.layout === "one";
    const raw = this.layout === "raw";
    const { data } = this;
    // a raw-bars file opened as prepared data: say so and offer the raw layout, instead of summarising OHLCV as features
    const rawLooking = raw ? undefined : data.rawLooking(oneFile ? "one" : "splits");
    const dataReady = oneFile ? Boolean(data.split?.view) : SPLITS.every((s) => data.summaries[s]);
    const summaries = oneFile ? data.split?.view?.summaries ?? {} : data.summaries;
    const horizons = labelHorizons(summaries).map(String);
    // an invalid dataset form says so itself; its half-parsed values would make up blockers
    const blockers = this.datasetForm.valid ? trainBlockers(summaries, this.datasetForm.value as { horizon: number }) : [];
    const ready = !rawLooking && dataReady && this.params.valid && this.datasetForm.valid && this.trainer.valid && !blockers.length;
    return html`
      <section aria-labelledby="data-h">
        <h2 id="data-h">1. Data</h2>
        <mf-data-picker raw keep="train" .layout=${this.layout} @layout=${(e: CustomEvent<DataLayout>) => (this.layout = e.detail)}
          @files=${(e: CustomEvent<ChosenFiles>) => data.open(e.detail)} @file=${(e: CustomEvent<File>) => data.openOne(e.detail)}
          @bars=${(e: CustomEvent<File>) => data.openBars(e.detail)}></mf-data-picker>
        ${raw
          ? html`<mf-prepare-panel .file=${data.bars} .values=${this.saved?.prepare} @settings=${(e: CustomEvent<Record<string, unknown>>) => {
            this.prepareSettings = e.detail;
            this.requestUpdate();
          }} @prepared=${(e: CustomEvent<PreparedSplits>) => data.openPrepared(e.detail)}></mf-prepare-panel>`
          : ""}
        ${rawLooking
          ? html`<p role="status" data-testid="raw-offer">${rawLooking.name} looks like raw OHLCV bars (datetime, symbol, open, high, low, close, volume;
            no label columns), not prepared splits: prepare it into labelled splits first.
            <button @click=${() => this.prepareRaw(rawLooking)}>Prepare these bars</button></p>`
          : ""}
        ${oneFile
          ? html`
            <mf-time-split .index=${data.one?.index} .defaultPurge=${defaultPurge(horizon, this.datasetForm.value.label_column as string | undefined)}
              @split=${(e: CustomEvent<TimeSplitChoice>) => data.setSplit(e.detail)}></mf-time-split>
          `
          : ""}
        ${this.saved?.files.length && !(oneFile ? data.one : raw ? data.bars : Object.keys(data.files).length) ? this.pickAgain(this.saved.files) : ""}
        <mf-data-summary ?hidden=${Boolean(rawLooking)} .summaries=${summaries} .status=${oneFile ? data.oneStatus() : data.status}
          .empty=${oneFile && data.one?.index
            ? "No split to summarise: choose valid boundaries above."
            : "No data opened yet."} .horizon=${horizon} .seqLen=${seqLen}></mf-data-summary>
      </section>
      <section aria-labelledby="config-h">
        <h2 id="config-h">2. Model and settings</h2>
        <mf-model-picker .registry=${this.registry} .value=${this.model} @model=${(e: CustomEvent<string>) => {
          this.model = e.detail;
          this.prefilled = { ...this.prefilled, params: undefined };
        }}></mf-model-picker>
        <div class="row">
          <mf-schema-form legend=${`${this.model} parameters`} .schema=${plugin.configSchema} .values=${this.prefilled?.params} @change=${(
            e: CustomEvent<FormChange>,
          ) => (this.params = e.detail)}></mf-schema-form>
          <mf-schema-form legend="Dataset" .schema=${DatasetForm} .values=${this.prefilled?.dataset} .choices=${{ horizon: horizons }} .placeholders=${{
            seq_len: `model default: ${plugin.defaultSeqLen}`,
          }}
            @change=${(e: CustomEvent<FormChange>) => (this.datasetForm = e.detail)}></mf-schema-form>
          <mf-schema-form legend="Trainer" .schema=${TrainerConfig} .values=${this.prefilled?.trainer} .unused=${trainerUse.unused} .notes=${trainerUse
            .notes} @change=${(e: CustomEvent<FormChange>) => this.setTrainer(e.detail)}></mf-schema-form>
        </div>
        <p data-testid="backend">Backend: ${this.backend || "checking..."}</p>
      </section>
      <section aria-labelledby="train-h">
        <h2 id="train-h">3. Train</h2>
        <button class="primary" @click=${this.train} ?disabled=${!ready || this.running}>Train ${plugin.name}</button>
        ${ready || blockers.length
          ? ""
          : html`<span class="muted">${
            oneFile ? "Open a file, choose a valid time split" : raw ? "Open raw bars, prepare them" : "Open all three splits"
          } and fix any invalid setting first.</span>`}
        ${blockers.length
          ? html`
            <p class="error">Train is disabled: the data cannot be trained on with these settings.</p>
            <ul aria-label="Why Train is disabled">${blockers.map((b) => html`<li>${b}</li>`)}</ul>
          `
          : ""}
        <mf-training .request=${this.request} .unit=${trainerUse.unit} @ended=${() => (this.running = false)}></mf-training>
      </section>
    `;
  }

  /** Puts a run's settings in the forms (a study's best trial): its model, params, dataset and trainer settings; the data stays as picked. */
  prefill(settings: BestSettings) {
    this.model = fullName(this.registry.get(settings.model));
    this.prefilled = settings;
  }

  /** What to say about the last visit's files when none is open: reopen with a click where the browser kept them, else pick again. */
  private pickAgain(names: string[]) {
    const { reopened } = this;
    const lost = reopened?.lost.length
      ? html`
        Not found any more: ${reopened.lost.join("; ")}.
      `
      : "";
    if (reopened?.needPermission.length) {
      return html`<p class="muted" data-testid="pick-again">Last time: ${names.join(", ")}.
        <button @click=${() => this.reopenLast(true)}>Reopen ${
        reopened.needPermission.join(", ")
      }</button> (the browser asks to allow reading them again).${lost}</p>`;
    }
    return html`<p class="muted" data-testid="pick-again">Last time: ${names.join(", ")}. ${
      reopened === undefined ? "Looking for them..." : "This browser did not keep them (only files picked or dropped in Chromium are kept): pick them again."
    }${lost}</p>`;
  }

  /** Reopens the files the last visit picked through the browser's file picker (`ask`: from a click, so read permission may be asked for again). */
  private async reopenLast(ask: boolean) {
    const layout = this.layout;
    let got: Reopened;
    try {
      got = await reopenHandles(`train:${layout}`, ask);
    } catch (error) {
      got = { files: [], needPermission: [], lost: [`the kept files could not be read (${(error as Error).message})`] };
    }
    this.reopened = got;
    // the layout changed meanwhile, or files were opened by hand: those win
    if (!got.files.length || layout !== this.layout || this.data.one || this.data.bars || Object.keys(this.data.files).length) return;
    if (layout === "one") this.data.openOne(got.files[0]);
    else if (layout === "raw") this.data.openBars(got.files[0]);
    else this.data.open(Object.fromEntries(got.files.flatMap((f) => (splitOf(f.name) ? [[splitOf(f.name)!, f]] : []))));
  }

  /** The raw layout with `file` as its bars: the offer made when a file opened as prepared data is raw bars. */
  private prepareRaw(file: File) {
    this.layout = "raw";
    this.data.openBars(file);
  }

  private setTrainer(change: FormChange) {
    this.trainer = change;
    const requested = String(change.value.backend ?? "auto");
    if (requested === this.backendAsked) return;
    this.backendAsked = requested;
    this.backend = "";
    // probe in a worker, where training will run: the answer is the one training will get
    startJob({ kind: "backend", requested: requested as "auto", wasmPaths: this.wasmPaths }).result.then(
      (done) => requested === this.backendAsked && (this.backend = `${done.backend!.name} (${done.backend!.reason}) · ${histogramNote(done.backend!.name)}`),
      (error: Error) => requested === this.backendAsked && (this.backend = `unavailable: ${error.message}`),
    );
  }

  private train() {
    this.running = true;
    const oneFile = this.layout === "one";
    // splits prepared here: the run keeps their prepare.json, as `mf train` keeps the one beside the split files
    const recipe = oneFile ? undefined : this.data.recipe();
    this.request = {
      kind: "train",
      model: this.model,
      params: this.params.value,
      trainer: this.trainer.value,
      wasmPaths: this.wasmPaths,
      db: this.db,
      // one file: the run records the split chosen here as dataset.split, so it can be made again (mf train --split)
      dataset: oneFile ? { ...this.datasetForm.value, split: this.data.split!.config } : this.datasetForm.value,
      files: oneFile ? { file: this.data.one!.file } : this.data.files as SplitFiles,
      ...(recipe ? { attachments: { "prepare.json": recipe } } : {}),
    };
  }
}
