import { css, html, LitElement, type PropertyValues } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import { listModels, type ModelSummary } from "../../core/model_registry/list.ts";
import { readModel, readVersions } from "../../core/model_registry/read.ts";
import type { ModelVersion, RegisteredModel } from "../../core/model_registry/records.ts";
import type { RegistryReader, RegistryStore } from "../../core/model_registry/store.ts";
import { shared } from "../styles.ts";
import "./registry_actions.ts";
import { aliasesTable, historyTable, modelsTable, versionDetails, versionsTable } from "./registry_tables.ts";

/** What the view shows: the list of models, or one model with its versions. */
type Shown =
  | { kind: "list"; models: ModelSummary[]; problems: string[] }
  | { kind: "model"; model: RegisteredModel; versions: ModelVersion[]; problems: string[] };

/**
 * The model registry over any RegistryReader: every model (`name` empty), or one model's versions with their
 * metrics, lineage and signature, its aliases and their history. Read-only unless `store` is given (the app),
 * which adds setting, moving and removing aliases and deleting versions. The static viewer uses it over a
 * bundle's registry. A corrupt record is named and the rest still shows.
 */
@customElement("mf-registry-view")
export class RegistryView extends LitElement {
  static override styles = [
    shared,
    css`
      .scroll {
        overflow-x: auto;
      }
      dl {
        display: grid;
        grid-template-columns: max-content 1fr;
        gap: 0.2rem 1rem;
        margin: 0.4rem 0 0.8rem;
      }
      dt {
        font-weight: 600;
      }
      dd {
        margin: 0;
        overflow-wrap: anywhere;
      }
      [role="group"] {
        margin: 0.6rem 0;
        align-items: center;
      }
    `,
  ];

  @property({ attribute: false })
  accessor reader: RegistryReader | undefined;
  /** The writable store behind `reader`: set in the app, where aliases and versions can be changed. */
  @property({ attribute: false })
  accessor store: RegistryStore | undefined;
  /** The model shown; empty for the list of models. */
  @property()
  accessor name = "";
  /** Runs the page can open (their ids link to their pages). */
  @property({ attribute: false })
  accessor runIds: ReadonlySet<string> = new Set();
  /** Experiments the page can open. */
  @property({ attribute: false })
  accessor experimentNames: ReadonlySet<string> = new Set();
  /** What an empty registry says. */
  @property()
  accessor empty = "No registered models.";
  @state()
  accessor shown: Shown | undefined;
  @state()
  accessor error = "";

  protected override willUpdate(changed: PropertyValues<this>) {
    if (changed.has("reader") || changed.has("name")) void this.load();
  }

  /** Reads the registry (or the model) again: after a change, or when the page is shown again. */
  async load() {
    const { reader, name } = this;
    if (!reader) return;
    try {
      let shown: Shown;
      if (name) {
        const model = await readModel(reader, name);
        shown = { kind: "model", model, ...await readVersions(reader, name) };
      } else {
        shown = { kind: "list", ...await listModels(reader) };
      }
      // a newer choice meanwhile wins
      if (reader === this.reader && name === this.name) [this.shown, this.error] = [shown, ""];
    } catch (error) {
      if (reader === this.reader && name === this.name) [this.shown, this.error] = [undefined, (error as Error).message];
    }
  }

  override render() {
    if (!this.reader) return html`<p class="empty">${this.empty}</p>`;
    const back = this.name ? html`<p><a href="#/registry">← all registered models</a></p>` : "";
    if (this.error) return html`${back}<p class="error" role="alert">${this.error}</p>`;
    const shown = this.shown;
    if (!shown) return html`${back}<p class="muted">Reading the registry...</p>`;
    const problems = shown.problems.length ? html`<ul class="error" aria-label="Registry problems">${shown.problems.map((p) => html`<li>${p}</li>`)}</ul>` : "";
    if (shown.kind === "list") {
      return html`${shown.models.length ? html`<div class="scroll">${modelsTable(shown.models)}</div>` : html`<p class="empty">${this.empty}</p>`}${problems}`;
    }
    const { model, versions } = shown;
    const links = { runIds: this.runIds, experimentNames: this.experimentNames };
    return html`
      ${back}
      <h2 id="model-h">${model.name}</h2>
      ${model.description ? html`<p class="description">${model.description}</p>` : ""}
      <p class="muted">Created ${model.created_at} · updated ${model.updated_at} · ${versions.length} version(s), numbers up to ${model
        .last_version}${Object.keys(model.tags).length ? ` · tags ${Object.entries(model.tags).map(([k, v]) => `${k}=${v}`).join(", ")}` : ""}</p>
      ${problems}
      ${this.store
        ? html`<mf-registry-actions .store=${this.store} .model=${model} .versions=${versions.map((v) => v.version)} @changed=${() =>
          this.load()}></mf-registry-actions>`
        : html`<h3>Aliases</h3>${aliasesTable(model)}`}
      <h3>Versions</h3>
      <div class="scroll">${versionsTable(model, versions, links)}</div>
      ${versions.map(versionDetails)}
      <h3>Alias history</h3>
      ${historyTable(model)}
    `;
  }
}
