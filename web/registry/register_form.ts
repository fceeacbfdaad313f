import { css, html, LitElement } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import type { RunReader } from "../../core/platform.ts";
import { type Registered, registerRun } from "../../core/model_registry/register.ts";
import type { RegistryStore } from "../../core/model_registry/store.ts";
import { shared } from "../styles.ts";
import { registryHash } from "./route.ts";

/** Who registers, as version.json records it. */
export const CREATED_BY = "Model Factory web app";

/**
 * Registers one finished run as the next version of a named model: a button that opens a small form (name,
 * optional alias, optional description). The core copies the run's model files into the version, so deleting
 * the run later never breaks it. A refused registration (a name a folder cannot hold, a run without a model)
 * shows the core's message. Used on a run's page and beside an experiment's best model. Fires `registered`.
 */
@customElement("mf-register-form")
export class RegisterForm extends LitElement {
  static override styles = [
    shared,
    css`
      :host {
        display: inline-block;
      }
      form {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem 0.8rem;
        align-items: center;
        margin: 0.4rem 0;
      }
    `,
  ];

  @property({ attribute: false })
  accessor store: RegistryStore | undefined;
  @property({ attribute: false })
  accessor runs: RunReader | undefined;
  @property()
  accessor runId = "";
  /** The name proposed when the form opens. */
  @property()
  accessor suggested = "";
  /** The opening button's text. */
  @property()
  accessor label = "Register";
  @state()
  accessor open = false;
  @state()
  accessor names: string[] = [];
  @state()
  accessor busy = false;
  @state()
  accessor done: Registered | undefined;
  @state()
  accessor error = "";

  override render() {
    if (!this.store || !this.runs || !this.runId) return "";
    const id = (part: string) => `register-${part}`;
    return html`
      ${this.open ? "" : html`<button @click=${this.show}>${this.label}</button>`}
      ${this.open
        ? html`
          <form aria-label=${`Register run ${this.runId}`} @submit=${this.submit}>
            <label for=${id("name")}>Model name</label>
            <input id=${id("name")} required list=${id("names")} .value=${this.suggested} />
            <datalist id=${id("names")}>${this.names.map((n) => html`<option .value=${n}></option>`)}</datalist>
            <label for=${id("alias")}>Alias (optional)</label>
            <input id=${id("alias")} placeholder="champion" size="12" />
            <label for=${id("description")}>Description (optional)</label>
            <input id=${id("description")} size="30" />
            <button class="primary" type="submit" ?disabled=${this.busy}>${this.busy ? "Registering..." : "Register"}</button>
            <button type="button" @click=${() => (this.open = false)}>Cancel</button>
          </form>
        `
        : ""}
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : ""}
      ${this.done
        ? html`<p role="status" data-testid="registered">Registered as <a href=${
          registryHash(this.done.name)
        }>${this.done.name}</a> version ${this.done.version}${
          this.done.aliases.length ? ` (${this.done.aliases.map((a) => `${this.done!.name}@${a}`).join(", ")})` : ""
        }.</p>`
        : ""}
    `;
  }

  private async show() {
    this.open = true;
    this.error = "";
    this.done = undefined;
    try {
      this.names = await this.store!.list();
    } catch (error) {
      this.error = `Cannot list the registry: ${(error as Error).message}`;
    }
  }

  private async submit(event: Event) {
    event.preventDefault();
    const value = (part: string) => this.renderRoot.querySelector<HTMLInputElement>(`#register-${part}`)!.value.trim();
    const name = value("name"), alias = value("alias"), description = value("description");
    this.busy = true;
    this.error = "";
    try {
      this.done = await registerRun(this.store!, this.runs!, this.runId, {
        name,
        aliases: alias ? [alias] : [],
        ...(description ? { description } : {}),
        createdBy: CREATED_BY,
      });
      this.open = false;
      this.dispatchEvent(new CustomEvent<Registered>("registered", { detail: this.done, bubbles: true, composed: true }));
    } catch (error) {
      this.error = `Cannot register run ${this.runId}: ${(error as Error).message}`;
    } finally {
      this.busy = false;
    }
  }
}
