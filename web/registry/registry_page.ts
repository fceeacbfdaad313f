import { html, LitElement, type PropertyValues } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import type { RegistryStore } from "../../core/model_registry/store.ts";
import type { RunReader } from "../../core/platform.ts";
import { shared } from "../styles.ts";
import type { RegistryView } from "./registry_view.ts";
import "./registry_view.ts";

/**
 * The app's Registry page: `#/registry` lists the registered models, `#/registry/<name>` shows one with its
 * versions (metrics, lineage, signature), aliases and history, where aliases are set, moved and removed and
 * versions deleted. Versions are registered from a run's page or an experiment's best model. Source runs
 * still in this browser, and experiments, link to their pages.
 */
@customElement("mf-registry-page")
export class RegistryPage extends LitElement {
  static override styles = shared;

  @property({ attribute: false })
  accessor store: RegistryStore | undefined;
  /** The run store, for links to the versions' source runs. */
  @property({ attribute: false })
  accessor runs: RunReader | undefined;
  /** The experiments' records, keyed by name, for links to a version's experiment. */
  @property({ attribute: false })
  accessor experiments: RunReader | undefined;
  @property()
  accessor name = "";
  @state()
  accessor runIds: ReadonlySet<string> = new Set();
  @state()
  accessor experimentNames: ReadonlySet<string> = new Set();
  @state()
  accessor problem = "";

  protected override willUpdate(changed: PropertyValues<this>) {
    if (changed.has("runs") || changed.has("experiments") || changed.has("name")) void this.loadLinks();
  }

  /** Reads the registry again (the app calls it when the page is shown, as a registration elsewhere may have changed it). */
  reload() {
    void this.renderRoot.querySelector<RegistryView>("mf-registry-view")?.load();
    void this.loadLinks();
  }

  private async loadLinks() {
    try {
      const [runs, experiments] = await Promise.all([this.runs?.list() ?? [], this.experiments?.list() ?? []]);
      [this.runIds, this.experimentNames] = [new Set(runs), new Set(experiments)];
    } catch (error) {
      this.problem = `Cannot list the runs to link to: ${(error as Error).message}`;
    }
  }

  override render() {
    return html`
      <section aria-labelledby="registry-h">
        <h2 id="registry-h">Registry</h2>
        <p class="muted">Named models with numbered versions; each version keeps its own copy of the run's model, so it predicts after the run is deleted.
          Predict by <code>name@alias</code> on the Predict page.</p>
        ${this.problem ? html`<p class="error" role="alert">${this.problem}</p>` : ""}
        <mf-registry-view .reader=${this.store} .store=${this.store} name=${this.name} .runIds=${this.runIds} .experimentNames=${this.experimentNames}
          empty="No registered models yet. Register a finished run from its page, or an experiment's best model from its report."></mf-registry-view>
      </section>
    `;
  }
}
