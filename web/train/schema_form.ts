import { css, html, LitElement, type PropertyValues } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import type { z } from "zod";
import { settingProblem } from "../../core/config/field_words.ts";
import { type ConfigField, configFields } from "../../core/config/fields.ts";
import { hint, otherText, parseText, shown } from "./form_text.ts";
import { shared } from "../styles.ts";

/** What a schema form reports on every edit: the value as the schema will see it, and whether it parses. */
export interface FormChange {
  value: Record<string, unknown>;
  valid: boolean;
}

/**
 * A form generated from a zod object schema: every setting with its default and range, validated
 * by the schema itself as you type. Fires `change` (FormChange) on every edit and when the schema changes.
 */
@customElement("mf-schema-form")
export class SchemaForm extends LitElement {
  static override styles = [
    shared,
    css`
      fieldset {
        border: 1px solid #d8dde3;
        border-radius: 6px;
        margin: 0;
        padding: 0.5rem 0.8rem;
      }
      legend {
        font-weight: 600;
      }
      .field {
        display: grid;
        grid-template-columns: 11rem 9rem 1fr;
        gap: 0.5rem;
        align-items: baseline;
        margin: 0.25rem 0;
      }
      .field input,
      .field select {
        width: 100%;
        box-sizing: border-box;
      }
      .hint {
        font-size: 0.85em;
        color: #5b6572;
      }
      .bad {
        color: #b71c1c;
        font-size: 0.85em;
        grid-column: 2 / 4;
      }
    `,
  ];

  @property({ attribute: false })
  accessor schema: z.ZodType | undefined;
  @property()
  accessor legend = "";
  /** Placeholder text per key for optional settings without a default (e.g. "model default: 1"). */
  @property({ attribute: false })
  accessor placeholders: Record<string, string> = {};
  /** Values shown instead of the defaults (a study's best trial, "Train with best"); keys the schema lacks are ignored. */
  @property({ attribute: false })
  accessor values: Record<string, unknown> | undefined;
  /**
   * Per key, the only values a setting may take here, shown as a select instead of a text box (the label
   * horizons found in the data); a value not among them moves to the first.
   */
  @property({ attribute: false })
  accessor choices: Record<string, string[]> = {};
  /** Settings the chosen model does not use (a plugin's `trainerSettings.unused`): not shown, and left to their defaults. */
  @property({ attribute: false })
  accessor unused: readonly string[] = [];
  /** Per key, what the setting means for the chosen model (trees: epochs are boosting rounds), shown before its hint. */
  @property({ attribute: false })
  accessor notes: Record<string, string> = {};
  @state()
  accessor texts: Record<string, string> = {};
  @state()
  accessor errors: Record<string, string> = {};
  private fields: ConfigField[] = [];

  protected override willUpdate(changed: PropertyValues<this>) {
    // the page hands a fresh list on every render: validating (which fires `change`, which renders the page) only when it differs
    const before = changed.get("unused") as readonly string[] | undefined;
    if (changed.has("unused") && !changed.has("schema") && (before ?? []).join() !== this.unused.join()) this.validate();
    if (changed.has("schema") || (changed.has("values") && this.values)) {
      this.fields = this.schema ? configFields(this.schema) : [];
      this.texts = Object.fromEntries(this.fields.map((f) => {
        const value = this.values?.[f.key] ?? f.default;
        return [f.key, value === undefined ? "" : f.kind === "other" ? otherText(value) : shown(value)];
      }));
      // validating here, before render, reports the defaults without a second update
      this.validate();
    }
    const moved = Object.entries(this.choices).filter(([key, options]) => options.length && !options.includes(this.texts[key] ?? ""));
    if (moved.length) {
      this.texts = { ...this.texts, ...Object.fromEntries(moved.map(([key, options]) => [key, options[0]])) };
      this.validate();
    }
  }

  override render() {
    const notUsed = this.fields.filter((f) => this.unused.includes(f.key));
    return html`<fieldset><legend>${this.legend}</legend>
      ${this.fields.filter((f) => !notUsed.includes(f)).map((f) => this.renderField(f))}
      ${notUsed.length ? html`<p class="hint" data-testid="unused">Not used by this model: ${notUsed.map((f) => f.key).join(", ")}.</p>` : ""}
    </fieldset>`;
  }

  private renderField(f: ConfigField) {
    const id = `f-${f.key}`;
    const error = this.errors[f.key];
    const edit = (event: Event) => this.edit(f.key, (event.target as HTMLInputElement).value);
    let control;
    const choices = this.choices[f.key];
    if (choices?.length) {
      control = html`<select id=${id} name=${f.key} .value=${this.texts[f.key]} @change=${edit}>${
        choices.map((o) => html`<option .value=${o} ?selected=${o === this.texts[f.key]}>${o}</option>`)
      }</select>`;
    } else if (f.kind === "boolean") {
      control = html`<select id=${id} name=${f.key} .value=${this.texts[f.key]} @change=${edit}><option>true</option><option>false</option></select>`;
    } else if (f.kind === "enum") {
      control = html`<select id=${id} name=${f.key} .value=${this.texts[f.key]} @change=${edit}>${
        f.options.map((o) => html`<option .value=${o} ?selected=${o === this.texts[f.key]}>${o}</option>`)
      }</select>`;
    } else {
      control = html`
        <input id=${id} name=${f.key} .value=${this.texts[f.key]} placeholder=${this.placeholders[f.key] ?? (f.optional ? "optional" : "")}
          inputmode=${f.kind === "number" ? "decimal" : "text"} aria-invalid=${error ? "true" : "false"} aria-describedby="${id}-hint" @input=${edit} />
      `;
    }
    return html`<div class="field">
      <label for=${id}>${f.key}</label>${control}
      <span class="hint" id="${id}-hint">${[this.notes[f.key], hint(f)].filter(Boolean).join("; ")}</span>
      ${error ? html`<span class="bad" role="alert">${error}</span>` : ""}
    </div>`;
  }

  private edit(key: string, text: string) {
    this.texts = { ...this.texts, [key]: text };
    this.validate();
  }

  /** Turns the texts into a value, checks it with the schema, and reports it. */
  private validate() {
    const value: Record<string, unknown> = {};
    const errors: Record<string, string> = {};
    // a setting the model does not use is left out, so the run records its default rather than a value nobody used
    const used = this.fields.filter((f) => !this.unused.includes(f.key));
    for (const f of used) {
      const text = this.texts[f.key]?.trim() ?? "";
      if (text === "") {
        if (!f.optional) errors[f.key] = settingProblem(f, text);
        continue;
      }
      const parsed = parseText(f, text);
      if (parsed.error) errors[f.key] = settingProblem(f, text);
      else value[f.key] = parsed.value;
    }
    const result = this.schema?.safeParse(value);
    for (const issue of result?.success === false ? result.error.issues : []) {
      const key = String(issue.path[0] ?? "");
      const f = used.find((x) => x.key === key);
      // zod's wording names neither the setting nor what it takes; an issue on no shown field (none yet) keeps it
      errors[key] ??= f ? settingProblem(f, this.texts[key] ?? "", issue) : issue.message;
    }
    this.errors = errors;
    this.dispatchEvent(new CustomEvent<FormChange>("change", { detail: { value, valid: Object.keys(errors).length === 0 } }));
  }
}
