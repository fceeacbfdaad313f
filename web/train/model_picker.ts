import { html, LitElement } from "lit";
import { customElement, property } from "lit/decorators.js";
import { fullName, type ModelPlugin } from "../../core/model.ts";
import type { Registry } from "../../core/registry.ts";
import { shared } from "../styles.ts";

/** Chooses a model from the registry, grouped by family, and shows its description. Fires `model` with the full name. */
@customElement("mf-model-picker")
export class ModelPicker extends LitElement {
  static override styles = shared;

  @property({ attribute: false })
  accessor registry: Registry | undefined;
  /** The chosen model's full name, e.g. `linear:logistic`. */
  @property()
  accessor value = "";

  override render() {
    const plugins = this.registry?.list() ?? [];
    const families = [...new Set(plugins.map((p) => p.family))];
    const chosen = plugins.find((p) => fullName(p) === this.value);
    return html`
      <label for="model">Model</label>
        <select id="model" name="model" .value=${this.value} @change=${(e: Event) => this.pick((e.target as HTMLSelectElement).value)}>
          ${families.map((family) =>
            html`<optgroup label=${family}>
            ${
              plugins.filter((p) => p.family === family).map((p) =>
                html`<option .value=${fullName(p)} ?selected=${fullName(p) === this.value}>${p.name}</option>`
              )
            }
          </optgroup>`
          )}
        </select>
      ${chosen ? html`<p class="muted">${chosen.description}${notes(chosen)}</p>` : ""}
    `;
  }

  private pick(name: string) {
    this.value = name;
    this.dispatchEvent(new CustomEvent<string>("model", { detail: name }));
  }
}

function notes(plugin: ModelPlugin): string {
  return [` Input: ${plugin.input} window, default length ${plugin.defaultSeqLen}.`, plugin.wantsGpu ? " Best on a GPU." : ""].join("");
}
