import { css, html, LitElement } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import type { Registry } from "../core/registry.ts";
import type { IdbRunStore } from "./idb_store.ts";
import { shared } from "./styles.ts";
import "./predict/predict_page.ts";
import { runViews } from "./runs/run_views.ts";
import "./runs/run_transfer.ts";
import type { RunsTable } from "./runs/runs_table.ts";
import { parseRoute } from "./runs/view_state.ts";
import "./train/train_page.ts";

/** The page: header and navigation, then the train page, the runs table or one run, chosen by the URL hash. */
@customElement("mf-app")
export class App extends LitElement {
  static override styles = [
    shared,
    css`
      header {
        display: flex;
        gap: 1.5rem;
        align-items: baseline;
        padding: 0.8rem 1.2rem;
        background: #1b1f24;
        color: #fff;
      }
      header h1 {
        font-size: 1.15rem;
        margin: 0;
      }
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
      main {
        padding: 1rem 1.2rem;
        max-width: 1400px;
      }
      .note {
        font-size: 0.9em;
        color: #c9d1d9;
        margin-left: auto;
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
  /** Runs ticked in the runs table, for export. */
  @state()
  accessor picked: string[] = this.route.query.getAll("sel");
  /** The runs table's hash as it was left, for the run pages' "all runs" links. */
  private runsHash = "#/runs";
  private onHash = (e: HashChangeEvent) => {
    const old = new URL(e.oldURL).hash;
    if (parseRoute(old).page === "runs") this.runsHash = old;
    this.route = parseRoute(location.hash);
    this.picked = this.route.query.getAll("sel");
  };

  override connectedCallback() {
    super.connectedCallback();
    addEventListener("hashchange", this.onHash);
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    removeEventListener("hashchange", this.onHash);
  }

  override render() {
    const page = this.route.page === "home" ? "train" : this.route.page;
    return html`
      <header>
        <h1>Model Factory</h1>
        <nav aria-label="Main">
          <a href="#/" aria-current=${page === "train" ? "page" : "false"}>Train</a>
          <a href="#/runs" aria-current=${["runs", "run", "compare"].includes(page) ? "page" : "false"}>Runs</a>
          <a href="#/predict" aria-current=${page === "predict" ? "page" : "false"}>Predict</a>
        </nav>
        <span class="note">Your data stays on this machine: files are read locally and nothing is uploaded.</span>
      </header>
      <main>${this.failure
        ? html`<p class="error" role="alert">${this.failure}</p>`
        : !this.store || !this.registry
        ? html`<p class="muted">Opening storage...</p>`
        // the train page stays mounted while browsing runs, so a running training keeps its live view
        : html`
          <mf-train-page ?hidden=${page !== "train"} .registry=${this.registry} db=${this.store.name} wasmPaths=${this.wasmPaths}
            @ended=${() => this.renderRoot.querySelector<RunsTable>("mf-runs-table")?.load()}></mf-train-page>
          ${page === "runs"
            ? html`<section aria-label="Runs"><h2>Runs</h2>
            ${
              runViews(this.route, {
                reader: this.store,
                store: this.store,
                runsHash: this.runsHash,
                empty: "No runs yet. Train a model and it shows up here; runs stay in this browser.",
                onPicked: (ids) => (this.picked = ids),
                actions: html`<mf-run-transfer .store=${this.store} .picked=${this.picked} @imported=${() =>
                  this.renderRoot.querySelector<RunsTable>("mf-runs-table")?.load()}></mf-run-transfer>`,
              })
            }
          </section>`
            : runViews(this.route, { reader: this.store, store: this.store, runsHash: this.runsHash })}
          ${page === "predict" ? html`<mf-predict-page .reader=${this.store} db=${this.store.name} wasmPaths=${this.wasmPaths}></mf-predict-page>` : ""}
        `}</main>
    `;
  }
}
