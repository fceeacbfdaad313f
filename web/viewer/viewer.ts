import { css, html, LitElement, type PropertyValues } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import type { RegistryReader } from "../../core/model_registry/store.ts";
import type { RunReader } from "../../core/platform.ts";
import "../registry/registry_view.ts";
import { parseRegistryRoute } from "../registry/route.ts";
import { runViews } from "../runs/run_views.ts";
import { parseRoute } from "../runs/view_state.ts";
import { pageFrame, shared } from "../styles.ts";
import "./experiments.ts";
import { parseStudiesRoute } from "./studies.ts";
import "./studies.ts";
import type { BundleStudyReader } from "../../core/bundle/studies.ts";

/**
 * The static experiment viewer: the app's run views (runs table with the parameter plot, run page,
 * comparison) over a read-only RunReader, the bundle's experiments with their reports, its model
 * registry (`#/registry`, `#/registry/<name>`, read-only) and its tuning studies (`#/studies`,
 * `#/studies/<name>`), chosen by the URL hash. Nothing here trains,
 * deletes or fetches; it imports no tfjs.
 */
@customElement("mf-viewer")
export class Viewer extends LitElement {
  static override styles = [
    shared,
    pageFrame,
    css`
      :host {
        font: 14px/1.45 system-ui, sans-serif;
        color: #1b1f24;
        background: #f6f7f9;
        min-height: 100vh;
      }
      header a {
        color: #fff;
        text-decoration: none;
      }
      header nav {
        display: flex;
        gap: 1rem;
      }
      header nav a[aria-current="page"] {
        text-decoration: underline;
      }
    `,
  ];

  @property({ attribute: false })
  accessor reader: RunReader | undefined;
  /** The bundle's experiments, keyed by name (experiment.json, report.json, report.md); none when absent. */
  @property({ attribute: false })
  accessor experiments: RunReader | undefined;
  @state()
  accessor experimentNames: string[] = [];
  /** The bundle's registered models; none when absent. */
  @property({ attribute: false })
  accessor modelRegistry: RegistryReader | undefined;
  @state()
  accessor modelNames: string[] = [];
  /** The bundle's run ids, so a registered version's source run links to its page when the bundle has it. */
  @state()
  accessor runIds: ReadonlySet<string> = new Set();
  @state()
  accessor registryRoute = parseRegistryRoute(location.hash);
  /** The bundle's tuning studies; none when absent. */
  @property({ attribute: false })
  accessor studies: BundleStudyReader | undefined;
  @state()
  accessor studyNames: string[] = [];
  @state()
  accessor studiesRoute = parseStudiesRoute(location.hash);
  /** Why there is no reader (a bundle that cannot be read), shown instead of the runs. */
  @property()
  accessor failure = "";
  @state()
  accessor route = parseRoute(location.hash);
  private runsHash = "#/runs";
  private onHash = (e: HashChangeEvent) => {
    const old = new URL(e.oldURL).hash;
    if (parseRoute(old).page === "runs") this.runsHash = old;
    this.route = parseRoute(location.hash);
    this.registryRoute = parseRegistryRoute(location.hash);
    this.studiesRoute = parseStudiesRoute(location.hash);
  };

  override connectedCallback() {
    super.connectedCallback();
    addEventListener("hashchange", this.onHash);
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    removeEventListener("hashchange", this.onHash);
  }

  protected override willUpdate(changed: PropertyValues<this>) {
    if (changed.has("experiments")) {
      const experiments = this.experiments;
      this.experimentNames = [];
      experiments?.list().then((names) => {
        if (experiments === this.experiments) this.experimentNames = names;
      }, (error: Error) => (this.failure = `Cannot list the bundle's experiments: ${error.message}`));
    }
    if (changed.has("modelRegistry")) {
      const registry = this.modelRegistry;
      this.modelNames = [];
      registry?.list().then((names) => {
        if (registry === this.modelRegistry) this.modelNames = names;
      }, (error: Error) => (this.failure = `Cannot list the bundle's registered models: ${error.message}`));
    }
    if (changed.has("studies")) {
      const studies = this.studies;
      this.studyNames = [];
      studies?.list().then((names) => {
        if (studies === this.studies) this.studyNames = names;
      }, (error: Error) => (this.failure = `Cannot list the bundle's studies: ${error.message}`));
    }
    if (changed.has("reader")) {
      const reader = this.reader;
      reader?.list().then((ids) => {
        if (reader === this.reader) this.runIds = new Set(ids);
      }, (error: Error) => (this.failure = `Cannot list the bundle's runs: ${error.message}`));
    }
  }

  override render() {
    // the viewer has no train or predict page: every other route is the runs table
    const route = ["run", "compare", "experiments", "experiment"].includes(this.route.page) ? this.route : { ...this.route, page: "runs" as const };
    const onRegistry = Boolean(this.registryRoute), onStudies = Boolean(this.studiesRoute);
    const onExperiments = !onRegistry && !onStudies && (route.page === "experiments" || route.page === "experiment");
    return html`
      <header>
        <h1><a href="#/runs">Model Factory runs</a></h1>
        ${this.experimentNames.length || this.modelNames.length || this.studyNames.length
          ? html`
            <nav aria-label="Main">
              <a href="#/runs" aria-current=${onExperiments || onRegistry || onStudies ? "false" : "page"}>Runs</a>
              ${this.experimentNames.length
                ? html`<a href="#/experiments" aria-current=${onExperiments ? "page" : "false"}>Experiments (${this.experimentNames.length})</a>`
                : ""}
              ${this.modelNames.length ? html`<a href="#/registry" aria-current=${onRegistry ? "page" : "false"}>Registry (${this.modelNames.length})</a>` : ""}
              ${this.studyNames.length ? html`<a href="#/studies" aria-current=${onStudies ? "page" : "false"}>Studies (${this.studyNames.length})</a>` : ""}
            </nav>
          `
          : ""}
        <span class="note">Read-only viewer: everything is in these files; nothing is sent anywhere.</span>
      </header>
      <main>${this.failure
        ? html`<p class="error" role="alert">${this.failure}</p>`
        : !this.reader
        ? html`<p class="muted">Opening runs...</p>`
        : this.studiesRoute
        ? this.studiesRoute.name
          ? html`<mf-viewer-study .reader=${this.studies} name=${this.studiesRoute.name} .runIds=${this.runIds}></mf-viewer-study>`
          : html`
            <section aria-label="Studies">
              <h2>Studies</h2>
              <mf-viewer-studies .reader=${this.studies}></mf-viewer-studies>
            </section>
          `
        : this.registryRoute
        ? html`
          <section aria-label="Registry">
            <h2>Registry</h2>
            <mf-registry-view .reader=${this.modelRegistry} name=${this.registryRoute.name ?? ""} .runIds=${this.runIds} .experimentNames=${new Set(
              this.experimentNames,
            )}
              empty="There are no registered models in this bundle."></mf-registry-view>
          </section>
        `
        : route.page === "experiments"
        ? html`
          <section aria-label="Experiments">
            <h2>Experiments</h2>
            <mf-viewer-experiments .reader=${this.experiments}></mf-viewer-experiments>
          </section>
        `
        : route.page === "experiment"
        ? html`<mf-viewer-experiment .reader=${this.experiments} name=${route.ids[0]}></mf-viewer-experiment>`
        : route.page === "runs"
        ? html`<section aria-label="Runs"><h2>Runs</h2>${
          runViews(route, { reader: this.reader, runsHash: this.runsHash, empty: "There are no runs in this bundle." })
        }</section>`
        : runViews(route, { reader: this.reader, runsHash: this.runsHash })}</main>
    `;
  }
}
