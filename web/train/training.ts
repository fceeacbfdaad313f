import { css, html, LitElement, type PropertyValues } from "lit";
import { markRunFailed } from "../../core/train/run_record.ts";
import { IdbRunStore } from "../idb_store.ts";
import { customElement, property, state } from "lit/decorators.js";
import type { ProgressEvent } from "../../core/platform.ts";
import type { ChartData } from "../chart.ts";
import { duration, num } from "../format.ts";
import { shared } from "../styles.ts";
import { type Job, startJob } from "../worker/client.ts";
import type { JobReply, JobRequest } from "../worker/protocol.ts";
import "../chart.ts";

type Epoch = Extract<ProgressEvent, { kind: "epoch" }>;
const LOSS = ["train_loss", "val_loss"];
const ACCURACY = ["train_accuracy", "val_accuracy"];

/** One training run in a worker: progress, time left, live loss and accuracy curves, and Stop. Fires `ended` with the run id. */
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
  @state()
  accessor fraction = 0;
  @state()
  accessor phase = "";
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

  protected override willUpdate(changed: PropertyValues<this>) {
    if (changed.has("request") && this.request) this.start(this.request);
  }

  get running(): boolean {
    return Boolean(this.job) && !this.outcome;
  }

  override render() {
    if (!this.request) return html`<p class="empty">No training started yet.</p>`;
    const elapsed = ((this.now || this.started) - this.started) / 1000;
    const left = this.fraction > 0.02 && this.running ? elapsed / this.fraction - elapsed : NaN;
    const last = this.epochs.at(-1);
    return html`
      <div class="row">
        <button class="danger" @click=${this.stop} ?disabled=${!this.running || this.stopping}>${this.stopping ? "Stopping..." : "Stop"}</button>
        <span class="status" aria-live="polite">${this.outcome?.runId
          ? html`run <a href=${`#/runs/${encodeURIComponent(this.outcome.runId)}`}>${this.outcome.runId}</a> ${this.outcome.status}`
          : this.statusText(last)}</span>
      </div>
      <p><progress max="1" .value=${this.fraction} aria-label="Training progress"></progress></p>
      <p class="muted" data-testid="timing">${Math.round(this.fraction * 100)}% · elapsed ${duration(elapsed)} · ${this.running
        ? `about ${duration(left)} left`
        : "ended"} · ${this.phase}</p>
      ${this.warnings.map((w) => html`<p class="muted">warning: ${w}</p>`)}
      ${this.outcome?.error ? html`<p class="error" role="alert">Training failed: ${this.outcome.error}</p>` : ""}
      <div class="charts">
        <mf-chart label="Loss" .series=${LOSS} .data=${this.curves.loss}></mf-chart>
        <mf-chart label="Accuracy" .series=${ACCURACY} .data=${this.curves.accuracy}></mf-chart>
      </div>
      <p class="muted" data-testid="epochs">${this.epochs.length} epoch(s) reported${last ? ` · last val_loss ${num(last.metrics.val_loss, 4)}` : ""}</p>
    `;
  }

  private statusText(last?: Epoch): string {
    if (this.outcome?.error) return "failed";
    return last ? `training: ${last.epoch + 1} of ${last.epochs} epochs done` : "starting...";
  }

  private start(request: Extract<JobRequest, { kind: "train" }>) {
    Object.assign(this, {
      epochs: [],
      curves: { loss: [[]], accuracy: [[]] },
      fraction: 0,
      phase: "starting",
      warnings: [],
      outcome: undefined,
      stopping: false,
    });
    this.runId = undefined;
    this.started = this.now = performance.now();
    const job = startJob(request, ({ event }) => this.progress(event));
    this.job = job;
    job.result.then(
      (done) => {
        this.outcome = { runId: done.runId, status: done.status };
        this.fraction = 1;
        this.phase = "";
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
      this.now = performance.now();
      this.dispatchEvent(new CustomEvent("ended", { detail: this.outcome }));
    });
  }

  private progress(event: ProgressEvent) {
    this.now = performance.now();
    if (event.kind === "run") this.runId = event.runId;
    else if (event.kind === "phase") this.phase = event.detail ? `${event.phase}: ${event.detail}` : event.phase;
    else if (event.kind === "warning") this.warnings = [...this.warnings, event.message];
    else if (event.kind === "epoch") {
      this.epochs = [...this.epochs, event];
      const x = this.epochs.map((e) => e.epoch);
      const column = (key: string) => this.epochs.map((e) => e.metrics[key] ?? null);
      this.curves = { loss: [x, column("train_loss"), column("val_loss")], accuracy: [x, column("train_accuracy"), column("val_accuracy")] };
      this.fraction = (event.epoch + 1) / event.epochs; // epochs count from 0
    } else if (event.kind === "step") {
      // epochs done so far plus this epoch's share of batches
      const total = this.epochs.at(-1)?.epochs ?? event.epochs;
      this.fraction = (this.epochs.length + event.step / event.steps) / total;
    }
  }

  private stop() {
    this.stopping = true;
    this.job?.stop();
  }
}
