import { html, LitElement } from "lit";
import { customElement, property, query, state } from "lit/decorators.js";
import { cellRun, findExperimentRuns } from "../../core/experiment/collect.ts";
import type { RunStore } from "../../core/platform.ts";
import type { Registry } from "../../core/registry.ts";
import { markRunFailed } from "../../core/train/run_record.ts";
import { IdbExperimentStore } from "../idb_experiments.ts";
import { shared } from "../styles.ts";
import { type Job, startJob } from "../worker/client.ts";
import type { JobReply, QueueOutcome } from "../worker/protocol.ts";
import type { DraftChange, ExperimentDraft, ExperimentForm } from "./experiment_form.ts";
import { type ExperimentState, readExperimentStates } from "./experiment_state.ts";
import { planStored } from "./plan_stored.ts";
import type { ExperimentQueue } from "./queue_view.ts";
import { reportHash } from "./route.ts";
import "./experiment_form.ts";
import "./experiment_list.ts";
import "./queue_view.ts";

/** A planned cell as the Plan table shows it. */
interface PlannedCell {
  index: number;
  label: string;
  model: string;
  horizon: number;
  seed: number;
  cellId: string;
  status: string;
}

/**
 * The Experiments page: describe an experiment (data, models, horizons, seeds, shared settings), plan it
 * (models x horizons x seeds), run its queue in one worker with live progress, stop it, and find it again
 * after a reload: queues kept in IndexedDB that were running resume by themselves. Fires `changed` (with
 * the running queue's name) when an experiment's cells or state change, so the report page reloads.
 */
@customElement("mf-experiments-page")
export class ExperimentsPage extends LitElement {
  static override styles = shared;

  @property({ attribute: false })
  accessor registry!: Registry;
  /** The run store the worker writes runs to (for the cells' statuses). */
  @property({ attribute: false })
  accessor runs!: RunStore;
  /** The IndexedDB database of runs; experiments live in `<db>-experiments`. */
  @property()
  accessor db = "";
  @property()
  accessor wasmPaths = "";
  @state()
  accessor draft: DraftChange = { problem: "Open the data first." };
  @state()
  accessor plan: { name: string; cells: PlannedCell[]; existing: boolean } | undefined;
  @state()
  accessor problem = "";
  @state()
  accessor list: ExperimentState[] = [];
  /** The experiment whose queue runs in this page. */
  @state()
  accessor active = "";
  @state()
  accessor note = "";
  @state()
  accessor stopping = false;
  /** The experiment whose queue ran last in this page, for a link to its report. */
  @state()
  accessor reported = "";
  @query("mf-experiment-queue")
  accessor queue!: ExperimentQueue;
  @query("mf-experiment-form")
  accessor form!: ExperimentForm;
  private experiments?: IdbExperimentStore;
  private job?: Job<Extract<JobReply, { kind: "done" }>>;
  private waitLock?: AbortController;

  protected override firstUpdated() {
    void this.open();
  }

  override render() {
    const { draft } = this;
    return html`
      <section aria-labelledby="exp-h">
        <h2 id="exp-h">New experiment</h2>
        <mf-experiment-form .registry=${this.registry} @draft=${(e: CustomEvent<DraftChange>) => (this.draft = e.detail)}></mf-experiment-form>
        <p class="row">
          <button @click=${() => this.showPlan(draft.draft!)} ?disabled=${!draft.draft}>Plan</button>
          <button class="primary" @click=${() => this.run(draft.draft!)} ?disabled=${!draft.draft || Boolean(this.active)}>Run</button>
          ${draft.problem ? html`<span class="muted">${draft.problem}</span>` : ""}
        </p>
        ${this.problem ? html`<p class="error" role="alert">${this.problem}</p>` : ""}
        ${this.plan ? this.planTable(this.plan) : ""}
      </section>
      <section aria-labelledby="queue-h">
        <h2 id="queue-h">Queue${this.active ? `: ${this.active}` : ""}</h2>
        <p class="row">
          <button class="danger" @click=${this.stop} ?disabled=${!this.active || this.stopping}>${this.stopping ? "Stopping..." : "Stop"}</button>
          <span class="muted" role="status">${this.note}</span>
          ${this.reported ? html`<a href=${reportHash(this.reported)}>Report of ${this.reported}</a>` : ""}
        </p>
        <mf-experiment-queue name=${this.active} ?running=${Boolean(this.active)}></mf-experiment-queue>
      </section>
      <section aria-labelledby="list-h">
        <h2 id="list-h">Experiments in this browser</h2>
        <mf-experiment-list .experiments=${this.list} active=${this.active} @resume=${(e: CustomEvent<string>) => this.runQueue(e.detail)}
          @remove=${(e: CustomEvent<string>) => this.deleteExperiment(e.detail)}></mf-experiment-list>
      </section>
    `;
  }

  private planTable(plan: NonNullable<ExperimentsPage["plan"]>) {
    return html`
      <p>${plan.cells.length} cells (models x horizons x seeds)${plan.existing
        ? html`; <strong>${plan.name}</strong> is stored already: its finished cells with the same settings and data are kept, the rest run`
        : ""}.</p>
      <table aria-label="Plan">
        <thead>
          <tr>
            <th class="num">#</th>
            <th>label</th>
            <th>model</th>
            <th class="num">horizon</th>
            <th class="num">seed</th>
            <th>cell id</th>
            <th>status</th>
          </tr>
        </thead>
        <tbody>${plan.cells.map((c) =>
          html`
            <tr>
              <td class="num">${c.index + 1}</td>
              <td>${c.label}</td>
              <td>${c.model}</td>
              <td class="num">${c.horizon}</td>
              <td class="num">${c.seed}</td>
              <td><code>${c.cellId}</code></td>
              <td>${c.status}</td>
            </tr>
          `
        )}</tbody>
      </table>
    `;
  }

  /** Opens the experiments database, lists what it keeps, and resumes the queues a reload interrupted. */
  private async open() {
    try {
      this.experiments = await IdbExperimentStore.open(this.db);
      await this.refresh();
      for (const e of this.list.filter((x) => x.stored.state === "running")) await this.runQueue(e.stored.name);
    } catch (error) {
      this.problem = `Cannot open the experiments store (IndexedDB): ${(error as Error).message}`;
    }
  }

  private async refresh() {
    if (this.experiments) this.list = await readExperimentStates(this.experiments, this.runs);
  }

  /** Plans the draft as the worker will (the same cell ids), marking the cells a stored experiment has finished. */
  private async planOf(draft: ExperimentDraft) {
    const plan = await planStored(draft.config, draft.files, { registry: this.registry, file: "experiments page" });
    const name = plan.config.experiment.name;
    const runs = await findExperimentRuns(this.runs, name);
    const cells = plan.cells.map((c) => ({
      index: c.index,
      label: c.label,
      model: c.model,
      horizon: c.horizon,
      seed: c.seed,
      cellId: c.cellId,
      status: cellRun(runs.get(c.cellId))?.status ?? "pending",
    }));
    return { name, cells, existing: this.list.some((e) => e.stored.name === name) };
  }

  private async showPlan(draft: ExperimentDraft) {
    this.problem = "";
    try {
      this.plan = await this.planOf(draft);
    } catch (error) {
      [this.plan, this.problem] = [undefined, (error as Error).message];
    }
  }

  /** Plans (a bad setting stops here), keeps the queue with its files, and runs it. */
  private async run(draft: ExperimentDraft) {
    await this.showPlan(draft);
    if (!this.plan || !this.experiments) return;
    const { name } = this.plan;
    await this.experiments.save({ name, config: draft.config, files: draft.files, state: "running", saved_at: new Date().toISOString() });
    await this.refresh();
    await this.runQueue(name);
  }

  /**
   * Runs an experiment's queue in one worker, holding a Web Lock named after it so two tabs never run
   * the same queue at once (a second tab waits). Records how it ended: ended, stopped, or its error.
   */
  private async runQueue(name: string, ensembles = false) {
    if (this.active || !this.experiments) return;
    const experiments = this.experiments;
    [this.active, this.stopping, this.note, this.reported] = [name, false, "", name];
    this.changed();
    this.queue?.reset();
    let runId: string | undefined;
    const work = async () => {
      this.note = `${name}: running`;
      await experiments.setState(name, "running");
      const job = startJob({ kind: "experiment", name, db: this.db, wasmPaths: this.wasmPaths, ensembles }, undefined, (event) => {
        this.queue?.take(event);
        if (event.kind === "run" && event.event.kind === "run") runId = event.event.runId;
        if (event.kind === "cell-end") void this.refresh().then(() => this.changed());
      });
      this.job = job;
      try {
        const outcome = (await job.result).experiment!;
        if (!this.stopping) await experiments.setState(name, "ended");
        this.note = this.stopping ? `${name}: stopped; Resume runs its unfinished cells` : outcomeText(name, outcome);
      } catch (error) {
        const message = (error as Error).message;
        this.note = `${name}: ${message}`;
        // a worker that died never wrote its run's end; the runner would mark it failed on the next start, but the list shows it now
        if (runId) {
          await markRunFailed(this.runs, runId, message).catch((
            cause: Error,
          ) => (this.note += ` (and run ${runId} could not be marked failed: ${cause.message})`));
        }
        await experiments.setState(name, this.stopping ? "stopped" : "ended", message);
      }
    };
    try {
      if (!navigator.locks) await work();
      else {
        this.waitLock = new AbortController();
        this.note = `${name}: waiting for another tab that runs this experiment`;
        await navigator.locks.request(`model-factory-experiment:${name}`, { signal: this.waitLock.signal }, work);
      }
    } catch (error) {
      // Stop while waiting for the other tab aborts the wait: nothing ran here
      this.note = (error as Error).name === "AbortError" ? `${name}: stopped before it started here` : `${name}: ${(error as Error).message}`;
    } finally {
      [this.active, this.job, this.waitLock] = ["", undefined, undefined];
      await this.refresh();
      this.changed();
    }
  }

  /** Builds the experiment's ensembles in the worker (its unfinished cells run first): the report page's button. */
  /** Adds a model entry to the form ("Add to an experiment" on a study's best trial). */
  async addModel(entry: Record<string, unknown>): Promise<void> {
    await this.updateComplete;
    this.form.addEntry(entry);
  }

  buildEnsembles(name: string): Promise<void> {
    return this.runQueue(name, true);
  }

  private async stop() {
    this.stopping = true;
    // kept as stopped first: a reload while the current batch ends must not resume it
    await this.experiments?.setState(this.active, "stopped");
    this.job?.stop();
    this.waitLock?.abort();
  }

  private async deleteExperiment(name: string) {
    if (!confirm(`Delete experiment ${name}? Its record, report and stored data files go; its runs stay in the Runs table.`)) return;
    await this.experiments?.remove(name);
    await this.refresh();
    this.changed();
  }

  /** Tells the app that an experiment changed, and which queue runs now (empty when none). */
  private changed() {
    this.dispatchEvent(new CustomEvent<{ active: string }>("changed", { detail: { active: this.active }, bubbles: true, composed: true }));
  }
}

function outcomeText(name: string, o: QueueOutcome): string {
  const left = o.cells - o.finished - o.failed;
  return `${name}: ${o.finished} of ${o.cells} cells finished${o.failed ? `, ${o.failed} failed` : ""}${
    left ? `, ${left} not run` : ""
  } (${o.trained} trained now).`;
}
