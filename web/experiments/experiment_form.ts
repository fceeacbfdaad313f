import { css, html, LitElement, type PropertyValues } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import type { z } from "zod";
import { DatasetConfig } from "../../core/config/dataset.ts";
import { TrainerConfig } from "../../core/config/trainer.ts";
import { fullName } from "../../core/model.ts";
import type { Registry } from "../../core/registry.ts";
import { shared } from "../styles.ts";
import type { FormChange } from "../train/schema_form.ts";
import { sharedTrainerNotes } from "../train/trainer_use.ts";
import type { TrainFiles } from "../worker/protocol.ts";
import type { DataChoice } from "./experiment_data.ts";
import "../train/schema_form.ts";
import "./experiment_data.ts";

/** An experiment as the form describes it: the config (ExperimentConfig's input) and the files it names. */
export interface ExperimentDraft {
  config: Record<string, unknown>;
  files: TrainFiles;
}

/** What the form reports on every change: a complete draft, or what is missing. */
export type DraftChange = { draft: ExperimentDraft; problem?: undefined } | { draft?: undefined; problem: string };

/** Shared dataset settings: the horizon comes from the horizons, the split from the data, a label column is per horizon. */
const SharedDataset = DatasetConfig.omit({ horizon: true, split: true, label_column: true });
/** Shared trainer settings: the seed comes from the seeds. */
const SharedTrainer = TrainerConfig.omit({ seed: true });
const EMPTY: FormChange = { value: {}, valid: true };

/**
 * Describes an experiment: a name, the data (as on the Train page), the models (each with its defaults or
 * its own settings), the horizons the data's label columns offer, seeds, and settings shared by every model.
 * Fires `draft` (DraftChange) whenever anything changes. Only settings that differ from their defaults go
 * into the config, as a person would write it by hand.
 */
@customElement("mf-experiment-form")
export class ExperimentForm extends LitElement {
  static override styles = [
    shared,
    css`
      fieldset {
        border: 1px solid #d8dde3;
        border-radius: 6px;
        padding: 0.5rem 0.8rem;
        margin: 0.6rem 0;
      }
      legend {
        font-weight: 600;
      }
      .models {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(14rem, 1fr));
        gap: 0.2rem 1rem;
      }
      details {
        margin: 0.3rem 0;
      }
    `,
  ];

  @property({ attribute: false })
  accessor registry!: Registry;
  @state()
  accessor name = "experiment-1";
  @state()
  accessor data: DataChoice | undefined;
  /** Horizons left out (every horizon the data offers is in unless unticked). */
  @state()
  accessor skipped: number[] = [];
  @state()
  accessor models: string[] = ["linear:logistic"];
  /** Each chosen model's own params form, by full name. */
  @state()
  accessor params: Record<string, FormChange> = {};
  @state()
  accessor seeds = "42";
  @state()
  accessor sharedDataset = EMPTY;
  @state()
  accessor sharedTrainer = EMPTY;
  /** Model entries added whole ("Add to an experiment" on a study's best trial), after the ticked models. */
  @state()
  accessor added: Record<string, unknown>[] = [];

  /** Adds a model entry as it is (name, label, params, dataset, trainer); one with the same label is replaced. */
  addEntry(entry: Record<string, unknown>) {
    this.added = [...this.added.filter((e) => e.label !== entry.label), entry];
  }

  protected override updated(changed: PropertyValues<this>) {
    if (changed.size) this.dispatchEvent(new CustomEvent<DraftChange>("draft", { detail: this.draft() }));
  }

  override render() {
    const plugins = this.registry.list();
    const families = [...new Set(plugins.map((p) => p.family))];
    const horizons = this.data?.horizons ?? [];
    return html`
      <label>Experiment name <input name="experiment-name" .value=${this.name} @input=${(
        e: Event,
      ) => (this.name = (e.target as HTMLInputElement).value.trim())} /></label>
      <fieldset>
        <legend>Data</legend>
        <mf-experiment-data @data=${(e: CustomEvent<DataChoice | undefined>) => (this.data = e.detail)}></mf-experiment-data>
      </fieldset>
      <fieldset>
        <legend>Horizons (label columns found in the data)</legend>
        ${horizons.length
          ? horizons.map((h) =>
            html`
              <label><input type="checkbox" .checked=${!this.skipped.includes(h)} @change=${(e: Event) =>
                this.skipHorizon(h, !(e.target as HTMLInputElement).checked)} /> H${h} (label_h${h})</label>
            `
          )
          : html`<span class="muted">Open the data first: its label_h{H} columns are the horizons.</span>`}
      </fieldset>
      <fieldset>
        <legend>Models</legend>
        <div class="models">${families.map((family) =>
          plugins.filter((p) => p.family === family).map((p) => {
            const name = fullName(p);
            return html`<label title=${p.description}><input type="checkbox" name="models" .value=${name} .checked=${this.models.includes(name)}
              @change=${(e: Event) => this.pick(name, (e.target as HTMLInputElement).checked)} /> ${name}</label>`;
          })
        )}</div>
        ${this.models.map((name) =>
          html`
            <details>
              <summary>${name} settings (${Object.keys(this.changedParams(name)).length ? "changed" : "defaults"})</summary>
              <mf-schema-form legend=${`${name} parameters`} .schema=${this.registry.get(name).configSchema} @change=${(
                e: CustomEvent<FormChange>,
              ) => (this.params = { ...this.params, [name]: e.detail })}></mf-schema-form>
            </details>
          `
        )}
        ${this.added.map((entry) =>
          html`<p class="added">${entry.label}: ${entry.name} with a study's best settings <button @click=${() => (this.added = this.added.filter((e) =>
            e !== entry
          ))}>Remove</button></p>`
        )}
      </fieldset>
      <fieldset>
        <legend>Seeds and settings shared by every model</legend>
        <p><label>Seeds (comma-separated) <input name="seeds" .value=${this.seeds} @input=${(
          e: Event,
        ) => (this.seeds = (e.target as HTMLInputElement).value)} /></label></p>
        <div class="row">
          <mf-schema-form legend="Dataset" .schema=${SharedDataset} .placeholders=${{ seq_len: "each model's default" }}
            @change=${(e: CustomEvent<FormChange>) => (this.sharedDataset = e.detail)}></mf-schema-form>
          <mf-schema-form legend="Trainer" .schema=${SharedTrainer} .notes=${this.trainerNotes()} @change=${(
            e: CustomEvent<FormChange>,
          ) => (this.sharedTrainer = e.detail)}></mf-schema-form>
        </div>
      </fieldset>
    `;
  }

  /** What the shared trainer settings mean to the chosen models that ignore some or count rounds, by full name. */
  private trainerNotes(): Record<string, string> {
    // an added entry's name came from the registry (a study's model), so it resolves
    const plugins = [...this.models, ...this.added.map((e) => String(e.name))].map((n) => this.registry.get(n));
    return sharedTrainerNotes([...new Set(plugins)].map((p) => ({ trainerSettings: p.trainerSettings, name: fullName(p) })));
  }

  private skipHorizon(h: number, skip: boolean) {
    this.skipped = skip ? [...this.skipped, h] : this.skipped.filter((x) => x !== h);
  }

  private pick(name: string, on: boolean) {
    this.models = on ? [...this.models, name] : this.models.filter((m) => m !== name);
  }

  private changedParams(name: string): Record<string, unknown> {
    const form = this.params[name];
    return form ? changedOnly(form.value, this.registry.get(name).configSchema) : {};
  }

  /** The config the form describes, or the first thing that keeps it from being one. */
  private draft(): DraftChange {
    const { data } = this;
    if (!data) return { problem: "Open the data first (three split files, or one file with a valid time split)." };
    const horizons = data.horizons.filter((h) => !this.skipped.includes(h));
    if (!horizons.length) return { problem: "Choose at least one horizon." };
    if (!this.models.length && !this.added.length) return { problem: "Choose at least one model." };
    const invalid = this.models.find((m) => this.params[m] && !this.params[m].valid);
    if (invalid) return { problem: `Fix the invalid ${invalid} settings first.` };
    if (!this.sharedDataset.valid || !this.sharedTrainer.valid) return { problem: "Fix the invalid shared settings first." };
    const seeds = this.seeds.split(",").map((s) => s.trim()).filter(Boolean);
    if (!seeds.length || seeds.some((s) => !/^\d+$/.test(s))) return { problem: `Seeds must be whole numbers separated by commas, got "${this.seeds}".` };
    const files = data.files;
    const config = {
      experiment: { name: this.name },
      data: "file" in files
        ? { path: files.file.name, split: data.split }
        : { train_path: files.train.name, val_path: files.val.name, test_path: files.test.name },
      horizons,
      seeds: seeds.map(Number),
      models: [
        ...this.models.map((name) => {
          const params = this.changedParams(name);
          return Object.keys(params).length ? { name, params } : { name };
        }),
        ...this.added,
      ],
      // one file: the plan gives every cell data.split, the boundaries chosen here
      dataset: changedOnly(this.sharedDataset.value, SharedDataset),
      trainer: changedOnly(this.sharedTrainer.value, SharedTrainer),
    };
    return { draft: { config, files } };
  }
}

/** The settings of a form's value that differ from the schema's defaults. */
function changedOnly(value: Record<string, unknown>, schema: z.ZodType): Record<string, unknown> {
  // every setting of these schemas has a default or is optional; one that had neither would simply count as changed
  const defaults = (schema.safeParse({}).data ?? {}) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(value).filter(([key, v]) => JSON.stringify(v) !== JSON.stringify(defaults[key])));
}
