import { css, html, LitElement, type PropertyValues } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import type { Registry } from "../core/registry.ts";
import { parseExperimentRoute } from "./experiments/route.ts";
import { IdbExperimentStore } from "./idb_experiments.ts";
import { IdbJournalStore } from "./idb_journal.ts";
import { IdbRegistryStore } from "./idb_registry.ts";
import type { IdbRunStore } from "./idb_store.ts";
import type { ExperimentsPage } from "./experiments/experiments_page.ts";
import "./experiments/experiments_page.ts";
import "./experiments/report_page.ts";
import { pageFrame, shared } from "./styles.ts";
import "./predict/predict_page.ts";
import type { RegistryPage } from "./registry/registry_page.ts";
import "./registry/registry_page.ts";
import { parseRegistryRoute } from "./registry/route.ts";
import { runViews } from "./runs/run_views.ts";
import "./runs/run_transfer.ts";
import type { RunsTable } from "./runs/runs_table.ts";
import { parseRoute } from "./runs/view_state.ts";
import { parseTuneRoute } from "./studies/route.ts";
import "./studies/tune_page.ts";
import "./train/train_page.ts";
import type { TrainPage } from "./train/train_page.ts";
import { type BestSettings, experimentEntry } from "../core/tune/study_view.ts";
import type { StudyView } from "./studies/study_view.ts";
import { storedPredictionsCsv } from "./runs/prediction_files.ts";

/** The page: header and navigation, then the train page, the experiments, the runs table or one run, chosen by the URL hash. */
@customElement("mf-app")
export class App extends LitElement {
  static override styles = [
    shared,
    pageFrame,
    css`
      nav a {
        color: #c9d1d9;
        margin-right: 1rem;
        text-decoration: none;
      }
      nav a[aria-current="page"] {
        color: #fff;
        font-weight: 600;
        border-bottom: 2px solid #fff;
      }
    `,
  ];

  @property({ attribute: false })
  accessor store: IdbRunStore | undefined;
  @property({ attribute: false })
  accessor registry: Registry | undefined;
  @property()
  accessor wasmPaths = "";
  @property()
  accessor failure = "";
  @state()
  accessor route = parseRoute(location.hash);
  /** Set on the experiments pages (`#/experiments`, `#/experiments/<name>`). */
  @state()
  accessor experiment = parseExperimentRoute(location.hash);
  /** Bumped when the experiments page changes an experiment, so an open report reloads. */
  @state()
  accessor experimentsVersion = 0;
  /** The experiment whose queue runs in this page, if any. */
  @state()
  accessor experimentActive = "";
  /**
   * The experiments page is mounted once visited (then kept, so its queue runs on while other pages show), or at
   * start when a stored queue was running (it resumes it). Until then it is not in the page at all.
   */
  @state()
  accessor experimentsMounted = Boolean(this.experiment);
  /** Set on the Tune pages (`#/tune`, `#/tune/<name>`). */
  @state()
  accessor tuneRoute = parseTuneRoute(location.hash);
  /** The Tune page is mounted once visited, then kept, so a study tuned in this tab goes on while other pages show. */
  @state()
  accessor tuneMounted = Boolean(this.tuneRoute);
  /** Runs ticked in the runs table, for export. */
  @state()
  accessor picked: string[] = this.route.query.getAll("sel");
  /** The experiments' record files (experiment.json, report.*), keyed by experiment name: what bundles carry. */
  @state()
  accessor experimentRecords: IdbRunStore | undefined;
  /** Set on the registry pages (`#/registry`, `#/registry/<name>`). */
  @state()
  accessor registryRoute = parseRegistryRoute(location.hash);
  /** The model registry (`<db>-registry`): the Registry page, Register on run pages and reports, Predict by name, bundles. */
  @state()
  accessor modelRegistry: IdbRegistryStore | undefined;
  /** The tuning studies' journals (`<db>-studies`): bundles carry the picked runs' studies, imports bring a bundle's in. */
  @state()
  accessor journals: IdbJournalStore | undefined;
  /** The runs table's hash as it was left, for the run pages' "all runs" links. */
  private runsHash = "#/runs";
  private onHash = (e: HashChangeEvent) => {
    const old = new URL(e.oldURL).hash;
    if (parseRoute(old).page === "runs") this.runsHash = old;
    this.route = parseRoute(location.hash);
    this.experiment = parseExperimentRoute(location.hash);
    this.experimentsMounted ||= Boolean(this.experiment);
    this.registryRoute = parseRegistryRoute(location.hash);
    this.tuneRoute = parseTuneRoute(location.hash);
    this.tuneMounted ||= Boolean(this.tuneRoute);
    // a version registered on another page shows at once
    if (this.registryRoute) this.renderRoot.querySelector<RegistryPage>("mf-registry-page")?.reload();
    this.picked = this.route.query.getAll("sel");
  };

  override connectedCallback() {
    super.connectedCallback();
    addEventListener("hashchange", this.onHash);
  }

  protected override updated(changed: PropertyValues<this>) {
    // a queue a reload interrupted resumes whichever page opens: mount the experiments page when one is stored as running
    if (changed.has("store") && this.store) {
      IdbExperimentStore.open(this.store.name).then(async (experiments) => {
        // bundles downloaded from the runs page carry the experiments of their runs, and imports bring them back
        this.experimentRecords = experiments.records;
        if (!this.experimentsMounted) this.experimentsMounted ||= (await experiments.list()).some((e) => e.state === "running");
      }).catch(
        // the experiments page itself says what went wrong with the store
        () => (this.experimentsMounted = true),
      );
      IdbRegistryStore.open(this.store.name).then(
        (registry) => (this.modelRegistry = registry),
        (error: Error) => (this.failure = `Cannot open the model registry (IndexedDB): ${error.message}`),
      );
      IdbJournalStore.open(this.store.name).then(
        (journals) => (this.journals = journals),
        (error: Error) => (this.failure = `Cannot open the tuning studies (IndexedDB): ${error.message}`),
      );
    }
  }

  /** "Train with best" on a study, "Train again with these settings" on a run page: the Train page with those settings in its forms. */
  private trainWith = (e: CustomEvent<BestSettings>) => {
    e.preventDefault();
    this.renderRoot.querySelector<TrainPage>("mf-train-page")!.prefill(e.detail);
    location.hash = "#/";
  };

  /** "Add to an experiment" on a study: the Experiments page's form gets a model entry with the best trial's settings. */
  private addToExperiment = async (e: CustomEvent<BestSettings>) => {
    e.preventDefault();
    const study = (e.composedPath()[0] as StudyView).study!.name;
    this.experimentsMounted = true;
    location.hash = "#/experiments";
    await this.updateComplete;
    await this.renderRoot.querySelector<ExperimentsPage>("mf-experiments-page")!.addModel(experimentEntry(e.detail, study));
  };

  override disconnectedCallback() {
    super.disconnectedCallback();
    removeEventListener("hashchange", this.onHash);
  }

  override render() {
    const page = this.experiment
      ? "experiments"
      : this.tuneRoute
      ? "tune"
      : this.registryRoute
      ? "registry"
      : this.route.page === "home"
      ? "train"
      : this.route.page;
    return html`
      <header>
        <h1>Model Factory</h1>
        <nav aria-label="Main">
          <a href="#/" aria-current=${page === "train" ? "page" : "false"}>Train</a>
          <a href="#/experiments" aria-current=${page === "experiments" ? "page" : "false"}>Experiments</a>
          <a href="#/tune" aria-current=${page === "tune" ? "page" : "false"}>Tune</a>
          <a href="#/runs" aria-current=${["runs", "run", "compare"].includes(page) ? "page" : "false"}>Runs</a>
          <a href="#/registry" aria-current=${page === "registry" ? "page" : "false"}>Registry</a>
          <a href="#/predict" aria-current=${page === "predict" ? "page" : "false"}>Predict</a>
        </nav>
        <span class="note">Your data stays on this machine: files are read locally and nothing is uploaded.</span>
      </header>
      <main @mf-train-with=${this.trainWith} @mf-add-to-experiment=${this.addToExperiment}>${this.failure
        ? html`<p class="error" role="alert">${this.failure}</p>`
        : !this.store || !this.registry || !this.modelRegistry
        ? html`<p class="muted">Opening storage...</p>`
        // the train and experiments pages stay mounted while browsing runs, so a running training or queue keeps its live view
        : html`
          <mf-train-page ?hidden=${page !== "train"} .registry=${this.registry} db=${this.store.name} wasmPaths=${this.wasmPaths}
            @ended=${() => this.renderRoot.querySelector<RunsTable>("mf-runs-table")?.load()}></mf-train-page>
          ${this.experimentsMounted
            ? html`
              <mf-experiments-page ?hidden=${page !== "experiments" || Boolean(this.experiment?.name)} .registry=${this.registry} .runs=${this.store}
                db=${this.store.name} wasmPaths=${this.wasmPaths} @changed=${(e: CustomEvent<{ active: string }>) => {
                  this.experimentsVersion++;
                  this.experimentActive = e.detail.active;
                }}></mf-experiments-page>
            `
            : ""}
          ${this.tuneMounted
            ? html`
              <mf-tune-page ?hidden=${page !== "tune"} .registry=${this.registry} db=${this.store.name} wasmPaths=${this.wasmPaths}
                name=${this.tuneRoute?.name ?? ""}></mf-tune-page>
            `
            : ""}
          ${this.experiment?.name
            ? html`
              <mf-experiment-page db=${this.store.name} name=${this.experiment.name} .runs=${this.store} .modelRegistry=${this.modelRegistry} .version=${this
                .experimentsVersion} busy=${this.experimentActive}
                @ensembles=${(e: CustomEvent<string>) =>
                  this.renderRoot.querySelector<ExperimentsPage>("mf-experiments-page")?.buildEnsembles(e.detail)}></mf-experiment-page>
            `
            : ""}
          ${page === "runs"
            ? html`<section aria-label="Runs"><h2>Runs</h2>
            ${
              runViews(this.route, {
                reader: this.store,
                store: this.store,
                modelRegistry: this.modelRegistry,
                runsHash: this.runsHash,
                predictionsCsv: storedPredictionsCsv,
                empty: "No runs yet. Train a model and it shows up here; runs stay in this browser.",
                onPicked: (ids) => (this.picked = ids),
                actions: html`
                  <mf-run-transfer .store=${this.store} .experiments=${this.experimentRecords} .modelRegistry=${this.modelRegistry}
                    .journals=${this.journals} .picked=${this.picked} @imported=${() =>
                      this.renderRoot.querySelector<RunsTable>("mf-runs-table")?.load()}></mf-run-transfer>
                `,
              })
            }
          </section>`
            : page === "registry"
            ? html`<mf-registry-page .store=${this.modelRegistry} .runs=${this.store} .experiments=${this.experimentRecords} name=${
              this.registryRoute?.name ??
                ""
            }></mf-registry-page>`
            : runViews(this.route, {
              reader: this.store,
              store: this.store,
              modelRegistry: this.modelRegistry,
              runsHash: this.runsHash,
              predictionsCsv: storedPredictionsCsv,
              app: true,
            })}
          ${page === "predict"
            ? html`<mf-predict-page .reader=${this.store} .modelRegistry=${this.modelRegistry} db=${this.store.name} wasmPaths=${this.wasmPaths}></mf-predict-page>`
            : ""}
        `}</main>
    `;
  }
}
