import { css, html, LitElement, type PropertyValues } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import type { z } from "zod";
import { type ConfigField, configFields, rangeText } from "../../core/config/fields.ts";
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
  @state()
  accessor texts: Record<string, string> = {};
  @state()
  accessor errors: Record<string, string> = {};
  private fields: ConfigField[] = [];

  protected override willUpdate(changed: PropertyValues<this>) {
    if (changed.has("schema") || (changed.has("values") && this.values)) {
      this.fields = this.schema ? configFields(this.schema) : [];
      this.texts = Object.fromEntries(this.fields.map((f) => {
        const value = this.values?.[f.key] ?? f.default;
        return [f.key, value === undefined ? "" : f.kind === "other" ? JSON.stringify(value) : shown(value)];
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
    return html`<fieldset><legend>${this.legend}</legend>
      ${this.fields.map((f) => this.renderField(f))}
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
      <span class="hint" id="${id}-hint">${hint(f)}</span>
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
    for (const f of this.fields) {
      const text = this.texts[f.key]?.trim() ?? "";
      if (text === "") {
        if (!f.optional) errors[f.key] = "required";
        continue;
      }
      const parsed = parseText(f, text);
      if (parsed.error) errors[f.key] = parsed.error;
      else value[f.key] = parsed.value;
    }
    const result = this.schema?.safeParse(value);
    for (const issue of result?.success === false ? result.error.issues : []) {
      const key = String(issue.path[0] ?? "");
      const f = this.fields.find((x) => x.key === key);
      const range =
        f && (f.kind === "number" || f.kind === "number_list") && (issue.code === "too_small" || issue.code === "too_big") && issue.origin === "number"
          ? rangeText(f)
          : "";
      errors[key] ??= range ? `expected ${range}` : issue.message;
    }
    this.errors = errors;
    this.dispatchEvent(new CustomEvent<FormChange>("change", { detail: { value, valid: Object.keys(errors).length === 0 } }));
  }
}

function shown(value: unknown): string {
  return Array.isArray(value) ? value.join(", ") : String(value);
}

function hint(f: ConfigField): string {
  const parts: string[] = [];
  if (f.default !== undefined) parts.push(`default ${shown(f.default)}`);
  if (f.kind === "number") parts.push(rangeText(f));
  if (f.kind === "number_list") {
    parts.push(
      `comma-separated, each ${rangeText(f)}`,
      f.minItems !== undefined || f.maxItems !== undefined ? `${f.minItems ?? 0} to ${f.maxItems ?? "any"} items` : "",
    );
  }
  if (f.kind === "string_list") parts.push("comma-separated");
  if (f.kind === "other") parts.push(`JSON (${f.type})`);
  return parts.filter(Boolean).join("; ");
}

function parseText(f: ConfigField, text: string): { value?: unknown; error?: string } {
  const number = (t: string) => (t.trim() !== "" && Number.isFinite(Number(t)) ? Number(t) : undefined);
  switch (f.kind) {
    case "number": {
      const n = number(text);
      return n === undefined ? { error: `"${text}" is not a number` } : { value: n };
    }
    case "boolean":
      return { value: text === "true" };
    case "enum":
    case "string":
      return { value: text };
    case "number_list": {
      const items = text.split(",").map((t) => t.trim());
      const bad = items.find((t) => number(t) === undefined);
      return bad !== undefined ? { error: `"${bad}" is not a number` } : { value: items.map(Number) };
    }
    case "string_list":
      return { value: text.split(",").map((t) => t.trim()).filter(Boolean) };
    case "other":
      try {
        return { value: JSON.parse(text) };
      } catch {
        return { error: "not valid JSON" };
      }
  }
}
