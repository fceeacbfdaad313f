import { html, LitElement, type PropertyValues } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import { NotFoundError } from "../../core/errors.ts";
import type { ExperimentReport, HorizonReport } from "../../core/experiment/report.ts";
import type { RegistryStore } from "../../core/model_registry/store.ts";
import type { RunReader } from "../../core/platform.ts";
import { IdbExperimentStore } from "../idb_experiments.ts";
import { shared } from "../styles.ts";
import { parseReport } from "./report_schema.ts";
import "./report_view.ts";
import "../registry/register_form.ts";

const runHref = (id: string) => `#/runs/${encodeURIComponent(id)}`;

/**
 * `#/experiments/<name>`: the experiment's comparison report as the runner last wrote it (report.json is
 * rebuilt after every cell by the same core code as `mf report`), shown by `mf-experiment-report` with its
 * runs linked, and a button that builds the ensembles (fires `ensembles` with the name; the experiments
 * page runs them in its worker). Reloads when `version` changes.
 */
@customElement("mf-experiment-page")
export class ExperimentReportPage extends LitElement {
  static override styles = shared;

  /** The runs database; the experiments live in `<db>-experiments`. */
  @property()
  accessor db = "";
  @property()
  accessor name = "";
  /** Bumped by the app when an experiment changes, so an open report follows its queue. */
  @property({ type: Number })
  accessor version = 0;
  /** The experiment whose queue runs now, if any (no second job meanwhile). */
  @property()
  accessor busy = "";
  /** The run store the report's runs are in, for registering a horizon's best model. */
  @property({ attribute: false })
  accessor runs: RunReader | undefined;
  /** The model registry: each horizon's best model gets a Register button. */
  @property({ attribute: false })
  accessor modelRegistry: RegistryStore | undefined;
  @state()
  accessor report: ExperimentReport | undefined;
  @state()
  accessor problem = "";
  private experiments?: Promise<IdbExperimentStore>;

  protected override willUpdate(changed: PropertyValues<this>) {
    if (changed.has("name") || changed.has("version") || changed.has("db")) void this.load();
  }

  private async load() {
    const { name } = this;
    if (!name || !this.db) return;
    try {
      this.experiments ??= IdbExperimentStore.open(this.db);
      const bytes = await (await this.experiments).records.read(name, "report.json");
      const report = parseReport(new TextDecoder().decode(bytes), `${name}/report.json`);
      if (name === this.name) [this.report, this.problem] = [report, ""];
    } catch (error) {
      if (name !== this.name) return;
      this.report = undefined;
      this.problem = error instanceof NotFoundError
        ? `Experiment ${name} has no report yet: it is written when its first cell ends.`
        : `Cannot read the report of ${name}: ${(error as Error).message}`;
    }
  }

  /** Register the model chosen on validation at a horizon (its first finished seed's run, as the report names it). */
  private registerBest = (h: HorizonReport) =>
    html`
      <mf-register-form .store=${this.modelRegistry} .runs=${this.runs} runId=${h.best!.run_id} suggested=${`${this.name}-h${h.horizon}`}
        label=${`Register the best model of horizon ${h.horizon}`}></mf-register-form>
    `;

  override render() {
    const finished = this.report?.cells.filter((c) => c.status === "finished").length ?? 0;
    return html`
      <p class="row">
        <a href="#/experiments">All experiments</a>
        <button @click=${() => this.dispatchEvent(new CustomEvent<string>("ensembles", { detail: this.name, bubbles: true, composed: true }))}
          ?disabled=${Boolean(this.busy) || finished < 2}>Build ensembles</button>
        <span class="muted" role="status">${this.busy === this.name
          ? `${this.name} is running: the report follows it`
          : this.busy
          ? `${this.busy} is running`
          : ""}</span>
      </p>
      ${this.problem ? html`<p class="empty">${this.problem}</p>` : ""}
      ${this.report
        ? html`
          <mf-experiment-report .report=${this.report} .href=${runHref} .bestAction=${this.modelRegistry && this.runs
            ? this.registerBest
            : undefined}></mf-experiment-report>
        `
        : ""}
    `;
  }
}
