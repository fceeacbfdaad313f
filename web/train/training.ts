import { css, html, LitElement, type PropertyValues } from "lit";
import { markRunFailed } from "../../core/train/run_record.ts";
import { IdbRunStore } from "../idb_store.ts";
import { customElement, property, state } from "lit/decorators.js";
import type { ProgressEvent } from "../../core/platform.ts";
import type { ChartData } from "../chart.ts";
import { count, duration, num } from "../format.ts";
import { shared } from "../styles.ts";
import { type Job, startJob } from "../worker/client.ts";
import type { JobReply, JobRequest } from "../worker/protocol.ts";
import { advance, STARTING, statusText, timeLeft, type TrainProgress } from "./progress_view.ts";
import "../chart.ts";
import "./run_result.ts";

type Epoch = Extract<ProgressEvent, { kind: "epoch" }>;
const LOSS = ["train_loss", "val_loss"];
const ACCURACY = ["train_accuracy", "val_accuracy"];

/**
 * One training run in a worker: progress, time left, live loss and accuracy curves, Stop, and the run's results when it
 * ends. Fires `ended` with the run id.
 */
@customElement("mf-training")
export class Training extends LitElement {
  static override styles = [
    shared,
    css`
      progress {
        width: 100%;
        height: 1rem;
      }
      .charts {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(320px, 1fr));
        gap: 1rem;
      }
      .status {
        min-height: 1.5em;
      }
    `,
  ];

  /** Setting it starts the job. */
  @property({ attribute: false })
  accessor request: Extract<JobRequest, { kind: "train" }> | undefined;
  @state()
  accessor epochs: Epoch[] = [];
  /** Chart columns, rebuilt only when an epoch arrives so progress updates never redraw the charts. */
  @state()
  accessor curves: { loss: ChartData; accuracy: ChartData } = { loss: [[]], accuracy: [[]] };
  /** What the run's events said so far (progress_view.ts): stage, epochs, batches, and the samples time left is estimated from. */
  @state()
  accessor progressed: TrainProgress = STARTING;
  /** What an epoch is called for the model trained ("boosting round" for gbdt). */
  @property()
  accessor unit = "epoch";
  @state()
  accessor warnings: string[] = [];
  /** The run the worker created, once it says so. */
  private runId?: string;
  @state()
  accessor outcome: { runId?: string; status?: string; error?: string } | undefined;
  @state()
  accessor stopping = false;

  private job?: Job<Extract<JobReply, { kind: "done" }>>;
  private started = 0;
  private now = 0;
  /** Redraws elapsed and time left every second: tree rounds can be seconds apart. */
  private ticker?: ReturnType<typeof setInterval>;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.ticker);
  }

  protected override willUpdate(changed: PropertyValues<this>) {
    if (changed.has("request") && this.request) this.start(this.request);
  }

  get running(): boolean {
    return Boolean(this.job) && !this.outcome;
  }

  override render() {
    if (!this.request) return html`<p class="empty">No training started yet.</p>`;
    const elapsed = ((this.now || this.started) - this.started) / 1000;
    const last = this.epochs.at(-1);
    const p = this.progressed, outcome = this.outcome;
    const status = statusText(p, this.unit, outcome?.status ? { status: outcome.status } : undefined);
    const ended = outcome?.status === "finished" || outcome?.status === "stopped";
    return html`
      <div class="row">
        <button class="danger" @click=${this.stop} ?disabled=${!this.running || this.stopping}>${this.stopping ? "Stopping..." : "Stop"}</button>
        <span class="status" aria-live="polite" data-testid="train-status">${outcome?.runId
          ? html`run <a href=${`#/runs/${encodeURIComponent(outcome.runId)}`}>${outcome.runId}</a> ${status}`
          : status}</span>
      </div>
      <p><progress max="1" .value=${p.fraction} aria-label="Training progress"></progress></p>
      <p class="muted" data-testid="timing">${Math.floor(p.fraction * 100)}% · elapsed ${duration(elapsed)} · ${this.timeText()}${this.running
        ? ` · ${p.phase}`
        : ""}</p>
      ${this.warnings.map((w) => html`<p class="muted">warning: ${w}</p>`)}
      ${this.outcome?.error ? html`<p class="error" role="alert">Training failed: ${this.outcome.error}</p>` : ""}
      <div class="charts">
        <mf-chart label="Loss" .series=${LOSS} .data=${this.curves.loss}></mf-chart>
        <mf-chart label="Accuracy" .series=${ACCURACY} .data=${this.curves.accuracy}></mf-chart>
      </div>
      <p class="muted" data-testid="epochs">${count(this.epochs.length)} ${this.unit === "epoch" ? "epoch(s)" : `${this.unit}(s)`} reported${last
        ? ` · last val_loss ${num(last.metrics.val_loss, 4)}`
        : ""}</p>
      ${ended && outcome?.runId ? html`<mf-run-result .db=${this.request.db} .runId=${outcome.runId} .unit=${this.unit}></mf-run-result>` : ""}
    `;
  }

  /** Time left while it runs (none until it can be told; with early stopping on, an upper bound), or how it ended. */
  private timeText(): string {
    if (this.outcome) return this.outcome.status === "stopped" ? "stopped" : this.outcome.status === "failed" ? "failed" : "ended";
    if (this.stopping) return "stopping";
    const left = timeLeft(this.progressed, this.now);
    if (left === undefined) return this.progressed.stage === "fitting" ? "estimating time left" : "";
    // early stopping may end the run before its last epoch: the estimate is then the most it can take
    const patience = Number((this.request?.trainer as { patience?: unknown } | undefined)?.patience ?? 5);
    return patience > 0 ? `at most about ${duration(left)} left (early stopping may end it sooner)` : `about ${duration(left)} left`;
  }

  private start(request: Extract<JobRequest, { kind: "train" }>) {
    Object.assign(this, {
      epochs: [],
      curves: { loss: [[]], accuracy: [[]] },
      progressed: STARTING,
      warnings: [],
      outcome: undefined,
      stopping: false,
    });
    this.runId = undefined;
    this.started = this.now = performance.now();
    clearInterval(this.ticker);
    this.ticker = setInterval(() => (this.now = performance.now(), this.requestUpdate()), 1000);
    const job = startJob(request, ({ event }) => this.progress(event));
    this.job = job;
    job.result.then(
      (done) => {
        // a finished run's bar is full; a stopped one stays where it stopped
        if (done.status === "finished") this.progressed = { ...this.progressed, fraction: 1 };
        this.outcome = { runId: done.runId, status: done.status };
      },
      async (error: Error) => {
        this.outcome = { runId: this.runId, status: "failed", error: error.message };
        // a worker that died (crash, lost device) never wrote its run's end: record it, so the run is not left "running"
        if (this.runId) {
          await IdbRunStore.open(request.db).then((store) => markRunFailed(store, this.runId!, error.message)).catch((cause: Error) => {
            this.outcome = { ...this.outcome, error: `${error.message} (and the run could not be marked failed: ${cause.message})` };
          });
        }
      },
    ).finally(() => {
      clearInterval(this.ticker);
      this.now = performance.now();
      this.dispatchEvent(new CustomEvent("ended", { detail: this.outcome }));
    });
  }

  private progress(event: ProgressEvent) {
    this.now = performance.now();
    this.progressed = advance(this.progressed, event, this.now);
    if (event.kind === "run") this.runId = event.runId;
    else if (event.kind === "warning") this.warnings = [...this.warnings, event.message];
    else if (event.kind === "epoch") {
      this.epochs = [...this.epochs, event];
      // counted from 1 on the chart, as the status line and `mf train` count them
      const x = this.epochs.map((e) => e.epoch + 1);
      const column = (key: string) => this.epochs.map((e) => e.metrics[key] ?? null);
      this.curves = { loss: [x, column("train_loss"), column("val_loss")], accuracy: [x, column("train_accuracy"), column("val_accuracy")] };
    }
  }

  private stop() {
    this.stopping = true;
    this.job?.stop();
  }
}
