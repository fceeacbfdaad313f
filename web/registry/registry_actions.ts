import { html, LitElement } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import { removeAlias, setAlias } from "../../core/model_registry/aliases.ts";
import { deleteVersion } from "../../core/model_registry/delete.ts";
import { aliasesOf } from "../../core/model_registry/read.ts";
import type { RegisteredModel } from "../../core/model_registry/records.ts";
import type { RegistryStore } from "../../core/model_registry/store.ts";
import { ConfigError } from "../../core/errors.ts";
import { shared } from "../styles.ts";
import { aliasesTable } from "./registry_tables.ts";

/**
 * The changes a person makes to one registered model in the app: its aliases (each with Remove), setting or
 * moving an alias with a note, and deleting a version. Every change goes through the core's functions under
 * the model's lock, so the alias history records it; a delete an alias blocks shows the core's message and
 * offers to delete anyway (which removes those aliases, each recorded). Fires `changed` after each change.
 */
@customElement("mf-registry-actions")
export class RegistryActions extends LitElement {
  static override styles = shared;

  @property({ attribute: false })
  accessor store: RegistryStore | undefined;
  @property({ attribute: false })
  accessor model: RegisteredModel | undefined;
  /** The version numbers there, ascending. */
  @property({ attribute: false })
  accessor versions: number[] = [];
  @state()
  accessor message = "";
  @state()
  accessor error = "";
  /** A version whose delete was refused because aliases point at it: offered again with force. */
  @state()
  accessor refused: number | undefined;
  @state()
  accessor busy = false;

  override render() {
    const model = this.model;
    if (!model) return "";
    const latest = this.versions.at(-1);
    const options = () => [...this.versions].reverse().map((n) => html`<option .value=${String(n)} ?selected=${n === latest}>${n}</option>`);
    return html`
      <h3>Aliases</h3>
      ${aliasesTable(
        model,
        (alias) => html`<button ?disabled=${this.busy} @click=${() => this.removeAlias(alias)} aria-label=${`Remove alias ${alias}`}>Remove</button>`,
      )}
      <div class="row" role="group" aria-label="Set an alias">
        <strong>Set or move an alias</strong>
        <label for="alias">Alias</label>
        <input id="alias" placeholder="champion" list="known-aliases" />
        <datalist id="known-aliases">${["champion", "challenger", ...Object.keys(model.aliases)].map((a) => html`<option .value=${a}></option>`)}</datalist>
        <label for="alias-version">Version</label>
        <select id="alias-version">${options()}</select>
        <label for="alias-note">Note</label>
        <input id="alias-note" placeholder="why (kept in the history)" />
        <button class="primary" ?disabled=${this.busy || !this.versions.length} @click=${this.setAlias}>Set alias</button>
      </div>
      <div class="row" role="group" aria-label="Delete a version">
        <strong>Delete a version</strong>
        <label for="delete-version">Version</label>
        <select id="delete-version">${options()}</select>
        <button class="danger" ?disabled=${this.busy || !this.versions.length} @click=${() => this.deleteVersion(false)}>Delete version</button>
      </div>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : ""}
      ${this.refused !== undefined
        ? html`<button class="danger" ?disabled=${this.busy} @click=${() => this.deleteVersion(true)}>Delete version ${this.refused} and remove ${
          aliasesOf(model, this.refused).join(", ")
        }</button>`
        : ""}
      <p role="status" data-testid="registry-message">${this.message}</p>
    `;
  }

  private field(id: string): HTMLInputElement | HTMLSelectElement {
    return this.renderRoot.querySelector<HTMLInputElement | HTMLSelectElement>(`#${id}`)!;
  }

  private setAlias() {
    const alias = this.field("alias").value.trim(), version = Number(this.field("alias-version").value);
    const note = this.field("alias-note").value.trim();
    return this.change(async (store, name) => {
      const move = await setAlias(store, name, alias, version, { note });
      (this.field("alias") as HTMLInputElement).value = "";
      (this.field("alias-note") as HTMLInputElement).value = "";
      return move.from === null ? `${name}@${alias} now points at version ${version}.` : `${name}@${alias} moved from version ${move.from} to ${version}.`;
    });
  }

  private removeAlias(alias: string) {
    return this.change(async (store, name) => {
      const move = await removeAlias(store, name, alias, { note: "removed in the app" });
      return `${name}@${alias} removed (it pointed at version ${move.from}).`;
    });
  }

  private deleteVersion(force: boolean) {
    const version = force ? this.refused! : Number(this.field("delete-version").value);
    if (!force && !confirm(`Delete version ${version} of ${this.model!.name}? Its copy of the model goes with it; the number is never given again.`)) return;
    return this.change(async (store, name) => {
      try {
        const deleted = await deleteVersion(store, name, version, { force });
        return `Version ${version} deleted${deleted.removed_aliases.length ? `, with ${deleted.removed_aliases.map((a) => `${name}@${a}`).join(", ")}` : ""}.`;
      } catch (error) {
        // an alias points at it: the core says which; offer the forced delete
        if (error instanceof ConfigError) this.refused = version;
        throw error;
      }
    });
  }

  /** Runs one change, shows what it did or why it failed, and tells the page to read the model again. */
  private async change(work: (store: RegistryStore, name: string) => Promise<string>) {
    if (!this.store || !this.model) return;
    this.busy = true;
    this.error = this.message = "";
    this.refused = undefined;
    try {
      this.message = await work(this.store, this.model.name);
      this.dispatchEvent(new CustomEvent("changed", { bubbles: true, composed: true }));
    } catch (error) {
      this.error = (error as Error).message;
    } finally {
      this.busy = false;
    }
  }
}
