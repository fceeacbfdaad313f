import { css, html, LitElement, type PropertyValues } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import { TrainerConfig } from "../../core/config/trainer.ts";
import { fullName } from "../../core/model.ts";
import type { Registry } from "../../core/registry.ts";
import { ObjectiveName } from "../../core/tune/objective.ts";
import { PRUNER_CHOICES } from "../../core/tune/pruners/flag.ts";
import { SAMPLER_CHOICES } from "../../core/tune/samplers/make.ts";
import type { DataChoice } from "../experiments/experiment_data.ts";
import { shared } from "../styles.ts";
import type { FormChange } from "../train/schema_form.ts";
import { trainerView } from "../train/trainer_use.ts";
import type { TrainFiles } from "../worker/protocol.ts";
import type { TuneChoice } from "./new_study.ts";
import "../experiments/experiment_data.ts";
import "../train/schema_form.ts";

/** A new study as the form describes it, with the files it reads. */
export interface TuneDraft {
  choice: TuneChoice;
  files: TrainFiles;
}

/** What the form reports on every change: a complete draft, or what is missing. */
export type TuneDraftChange = { draft: TuneDraft; problem?: undefined } | { draft?: undefined; problem: string };

/**
 * Describes a new study: the data (as on the Train page: three split files or one file cut by time), a model that
 * declares a search space, a horizon its label columns offer, the trials, sampler, pruner and objective, a name
 * (the model and horizon unless typed) and the trainer settings every trial starts from. Fires `draft`.
 */
@customElement("mf-tune-form")
export class TuneForm extends LitElement {
  static override styles = [
    shared,
    css`
      .grid {
        display: grid;
        grid-template-columns: 8rem 14rem;
        gap: 0.35rem 0.8rem;
        align-items: baseline;
        margin: 0.6rem 0;
      }
    `,
  ];

  @property({ attribute: false })
  accessor registry!: Registry;
  @state()
  accessor data: DataChoice | undefined;
  @state()
  accessor model = "linear:logistic";
  @state()
  accessor horizon = 0;
  @state()
  accessor budget = "20";
  @state()
  accessor sampler: TuneChoice["sampler"] = "tpe";
  @state()
  accessor pruner: TuneChoice["pruner"] = "median";
  @state()
  accessor objective: TuneChoice["objective"] = "f1_macro";
  /** The name typed, or "" for the model and horizon's. */
  @state()
  accessor name = "";
  @state()
  accessor trainer: FormChange = { value: {}, valid: true };

  protected override willUpdate() {
    // the horizon follows the data: the first label column's until one of the data's horizons is chosen
    const horizons = this.data?.horizons ?? [];
    if (horizons.length && !horizons.includes(this.horizon)) this.horizon = horizons[0];
  }

  protected override updated(changed: PropertyValues<this>) {
    if (changed.size) this.dispatchEvent(new CustomEvent<TuneDraftChange>("draft", { detail: this.draft() }));
  }

  override render() {
    const tunable = this.registry.list().filter((p) => p.searchSpace);
    // as on the Train page: settings the model does not use are hidden, and trees' epochs are called rounds
    const use = trainerView(this.registry.get(this.model));
    const horizons = this.data?.horizons ?? [];
    const pick = <T>(set: (v: T) => void) => (e: Event) => set((e.target as HTMLSelectElement | HTMLInputElement).value as T);
    return html`
      <mf-experiment-data @data=${(e: CustomEvent<DataChoice | undefined>) => (this.data = e.detail)}></mf-experiment-data>
      <div class="grid">
        <label for="model">Model</label>
        <select id="model" @change=${pick<string>((v) => (this.model = v))}>
          ${tunable.map((p) => html`<option .value=${fullName(p)} ?selected=${fullName(p) === this.model}>${fullName(p)}</option>`)}
        </select>
        <label for="horizon">Horizon</label>
        <select id="horizon" ?disabled=${!horizons.length} @change=${pick<string>((v) => (this.horizon = Number(v)))}>
          ${horizons.length
            ? horizons.map((h) => html`<option .value=${String(h)} ?selected=${h === this.horizon}>H${h} (label_h${h})</option>`)
            : html`<option>open the data first</option>`}
        </select>
        <label for="trials">Trials</label>
        <input id="trials" type="number" min="1" step="1" .value=${this.budget} @input=${pick<string>((v) => (this.budget = v))} />
        <label for="sampler">Sampler</label>
        <select id="sampler" @change=${pick<TuneChoice["sampler"]>((v) => (this.sampler = v))}>
          ${SAMPLER_CHOICES.map((s) => html`<option ?selected=${s === this.sampler}>${s}</option>`)}
        </select>
        <label for="pruner">Pruner</label>
        <select id="pruner" @change=${pick<TuneChoice["pruner"]>((v) => (this.pruner = v))}>
          ${PRUNER_CHOICES.map((s) => html`<option ?selected=${s === this.pruner}>${s}</option>`)}
        </select>
        <label for="objective">Objective</label>
        <select id="objective" @change=${pick<TuneChoice["objective"]>((v) => (this.objective = v))}>
          ${ObjectiveName.options.map((s) => html`<option ?selected=${s === this.objective}>${s}</option>`)}
        </select>
        <label for="study-name">Study name</label>
        <input id="study-name" .value=${this.name} placeholder=${this.defaultName()} @input=${pick<string>((v) => (this.name = v.trim()))} />
      </div>
      <mf-schema-form legend="Trainer (every trial starts from these)" .schema=${TrainerConfig} .unused=${use.unused} .notes=${use.notes}
        @change=${(
          e: CustomEvent<FormChange>,
        ) => (this.trainer = e.detail)}></mf-schema-form>
    `;
  }

  private defaultName(): string {
    return `${this.registry.get(this.model).name}-h${this.horizon || "H"}`;
  }

  private draft(): TuneDraftChange {
    const { data } = this;
    if (!data) return { problem: "Open the data first (three split files, or one file with a valid time split)." };
    if (!data.horizons.length) return { problem: "The data has no label_h{H} column in every split." };
    if (!this.trainer.valid) return { problem: "Fix the invalid trainer settings first." };
    const budget = Number(this.budget);
    const files = data.files;
    const choice: TuneChoice = {
      name: this.name || this.defaultName(),
      model: this.model,
      horizon: this.horizon,
      budget,
      sampler: this.sampler,
      pruner: this.pruner,
      objective: this.objective,
      trainer: this.trainer.value,
      ...(data.split ? { split: data.split } : {}),
      files: Object.values(files).map((f: File) => f.name),
    };
    return { draft: { choice, files } };
  }
}
