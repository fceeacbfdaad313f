import { css, html, LitElement } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import type { ProgressEvent } from "../../core/platform.ts";
import type { ChartData } from "../chart.ts";
import { duration, num } from "../format.ts";
import { shared } from "../styles.ts";
import type { CellInfo, QueueEvent } from "../worker/protocol.ts";
import "../chart.ts";

/** A cell of the queue and where it stands. */
interface QueueRow extends CellInfo {
  status: "pending" | "running" | "finished" | "failed" | "stopped" | "skipped";
  runId?: string;
  error?: string;
}

type Epoch = Extract<ProgressEvent, { kind: "epoch" }>;
const LOSS = ["train_loss", "val_loss"];

/**
 * The live view of an experiment's queue: cell k of N with elapsed time and time left, every cell's status
 * (with its run once it has one), and the current run's epoch bar and loss curve, as on the Train page.
 * The page feeds it the worker's events with {@linkcode ExperimentQueue.take}.
 */
@customElement("mf-experiment-queue")
export class ExperimentQueue extends LitElement {
  static override styles = [
    shared,
    css`
      progress {
        width: 100%;
        height: 1rem;
      }
      tr.running td {
        background: #eef4ff;
      }
    `,
  ];

  /** The experiment whose queue this is. */
  @property()
  accessor name = "";
  /** True while its worker runs; the clock ticks only then. */
  @property({ type: Boolean })
  accessor running = false;
  @state()
  accessor rows: QueueRow[] = [];
  @state()
  accessor position: { k: number; total: number; elapsed_s: number; eta_s?: number; at: number } | undefined;
  @state()
  accessor current: { cell: CellInfo; phase: string; fraction: number; epochs: Epoch[]; loss: ChartData } | undefined;
  private tick?: ReturnType<typeof setInterval>;

  /** Clears the view for a new start of the queue. */
  reset(): void {
    [this.rows, this.position, this.current] = [[], undefined, undefined];
  }

  /** Follows one event of the worker. */
  take(event: QueueEvent): void {
    if (event.kind === "plan") {
      this.rows = event.cells.map((c) => ({ ...c, status: event.done.includes(c.cellId) ? "finished" : "pending" }));
    } else if (event.kind === "cell") {
      this.position = { k: event.position, total: event.total, elapsed_s: event.elapsed_s, eta_s: event.eta_s, at: performance.now() };
      this.current = { cell: event.cell, phase: "starting", fraction: 0, epochs: [], loss: [[]] };
      this.update1(event.cell, { status: "running" });
    } else if (event.kind === "cell-end") {
      this.update1(event.cell, { status: event.status, ...(event.runId ? { runId: event.runId } : {}), ...(event.error ? { error: event.error } : {}) });
    } else this.follow(event.cell, event.event);
  }

  override updated() {
    if (this.running && !this.tick) this.tick = setInterval(() => this.requestUpdate(), 1000);
    if (!this.running && this.tick) {
      clearInterval(this.tick);
      this.tick = undefined;
    }
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    clearInterval(this.tick);
    this.tick = undefined;
  }

  override render() {
    if (!this.rows.length) return html`<p class="empty">${this.running ? "Planning..." : "No queue running."}</p>`;
    const finished = this.rows.filter((r) => r.status === "finished").length;
    const failed = this.rows.filter((r) => r.status === "failed").length;
    const p = this.position;
    const since = p && this.running ? (performance.now() - p.at) / 1000 : 0;
    const cur = this.current;
    const last = cur?.epochs.at(-1);
    return html`
      <p data-testid="queue-status" aria-live="polite">${p ? `cell ${p.k} of ${p.total}` : "no cell started"} · ${finished} of ${this.rows
        .length} finished${failed ? ` · ${failed} failed` : ""} · elapsed ${p ? duration(p.elapsed_s + since) : "-"}${p?.eta_s !== undefined && this.running
        ? ` · about ${duration(p.eta_s - since)} left`
        : ""}</p>
      <p><progress max=${this.rows.length} .value=${finished} aria-label="Queue progress"></progress></p>
      <table aria-label="Cells">
        <thead>
          <tr>
            <th class="num">#</th>
            <th>label</th>
            <th>model</th>
            <th class="num">horizon</th>
            <th class="num">seed</th>
            <th>status</th>
            <th>run</th>
          </tr>
        </thead>
        <tbody>${this.rows.map((r) =>
          html`
            <tr class=${r.status}>
              <td class="num">${r.index + 1}</td>
              <td>${r.label}</td>
              <td>${r.model}</td>
              <td class="num">${r.horizon}</td>
              <td class="num">${r.seed}</td>
              <td title=${r.error ?? ""}>${r.status}</td>
              <td>${r.runId ? html`<a href=${`#/runs/${encodeURIComponent(r.runId)}`}>${r.runId}</a>` : ""}</td>
            </tr>
          `
        )}</tbody>
      </table>
      ${cur
        ? html`
          <h3>Current run: ${cur.cell.label}, horizon ${cur.cell.horizon}, seed ${cur.cell.seed}</h3>
          <p><progress max="1" .value=${cur.fraction} aria-label="Run progress"></progress></p>
          <p class="muted" data-testid="run-status">${Math.round(cur.fraction * 100)}% · ${cur.phase}${last
            ? ` · epoch ${last.epoch + 1} of ${last.epochs} · val_loss ${num(last.metrics.val_loss, 4)}`
            : ""}</p>
          <mf-chart label="Loss" .series=${LOSS} .data=${cur.loss}></mf-chart>
        `
        : ""}
    `;
  }

  private update1(cell: CellInfo, change: Partial<QueueRow>) {
    this.rows = this.rows.map((r) => (r.cellId === cell.cellId ? { ...r, ...change } : r));
  }

  /** The current run's own progress: its id, phase, epochs and curve. */
  private follow(cell: CellInfo, event: ProgressEvent) {
    const cur = this.current;
    if (!cur || cur.cell.cellId !== cell.cellId) return;
    if (event.kind === "run") this.update1(cell, { runId: event.runId });
    else if (event.kind === "phase") this.current = { ...cur, phase: event.detail ? `${event.phase}: ${event.detail}` : event.phase };
    else if (event.kind === "epoch") {
      const epochs = [...cur.epochs, event];
      const column = (key: string) => epochs.map((e) => e.metrics[key] ?? null);
      this.current = {
        ...cur,
        epochs,
        fraction: (event.epoch + 1) / event.epochs,
        loss: [epochs.map((e) => e.epoch), column("train_loss"), column("val_loss")],
      };
    } else if (event.kind === "step") {
      // epochs done so far plus this epoch's share of batches
      this.current = { ...cur, fraction: (cur.epochs.length + event.step / event.steps) / event.epochs };
    }
  }
}
