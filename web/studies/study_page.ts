import { html, LitElement } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import type { Study } from "../../core/tune/journal.ts";
import { splitOf } from "../data/split_names.ts";
import { num } from "../format.ts";
import { shared } from "../styles.ts";
import type { TrainFiles } from "../worker/protocol.ts";
import { heartbeatMs, type StudyStatus } from "./study_status.ts";
import type { TuneRecord } from "./tune_records.ts";
import type { CurrentTrial } from "./tune_runner.ts";
import "./study_view.ts";

/**
 * One stored study: where it stands (trials ended of the budget, best so far, running here or elsewhere, or
 * interrupted), Resume (this tab tunes it on until the budget) and Stop, the trial this tab trains now, the data
 * files kept with it (picked again here when the browser no longer has them), then `<mf-study-view>`: the best
 * trial, importances, history, slices, parallel coordinates and the trials, run ids linked to their run pages.
 * Fires `resume` and `stop` with the study's name, and `files` (TrainFiles) when files are picked again.
 */
@customElement("mf-study-page")
export class StudyPage extends LitElement {
  static override styles = shared;

  @property({ attribute: false })
  accessor study: Study | undefined;
  @property({ attribute: false })
  accessor status: StudyStatus | undefined;
  @property({ attribute: false })
  accessor record: TuneRecord | undefined;
  /** This tab tunes this study now. */
  @property({ type: Boolean })
  accessor here = false;
  /** This tab tunes another study now (one at a time per tab). */
  @property({ type: Boolean })
  accessor busy = false;
  @property({ type: Boolean })
  accessor stopping = false;
  @property({ attribute: false })
  accessor current: CurrentTrial | undefined;
  @property()
  accessor note = "";
  @state()
  accessor problem = "";

  override render() {
    const { study, status, record } = this;
    if (!study || !status) return html`<p class="muted">${this.note || "Reading the study..."}</p>`;
    const left = status.budget === undefined || status.ended < status.budget;
    return html`
      <section aria-labelledby="tuning-h">
        <h2 id="tuning-h">Tuning</h2>
        <p data-testid="study-progress">${status.ended} of ${status.budget ?? "?"} trials ended · best ${status.best
          ? `${num(status.best.value, 4)} (trial ${status.best.number})`
          : "-"} · ${stateText(status, heartbeatMs(study) / 1000)}${status.lost
          ? ` (${status.lost} trial(s) lost their worker; Resume runs their slots again)`
          : ""}</p>
        <p class="row">
          ${this.here
            ? html`<button class="danger" @click=${() => this.fire("stop")} ?disabled=${this.stopping}>${this.stopping ? "Stopping..." : "Stop"}</button>`
            : html`<button class="primary" @click=${() => this.fire("resume")} ?disabled=${this.busy || !record || !left}>Resume</button>`}
          <span class="muted" role="status">${this.note}</span>
        </p>
        ${this.current
          ? html`<p data-testid="current-trial">Trial ${this.current.number}: ${this.current.status} · <code>${JSON.stringify(this.current.params)}</code></p>`
          : ""}
        ${record ? this.files(record) : html`<p class="muted">This browser keeps no data files for this study, so it cannot be resumed here.</p>`}
      </section>
      <mf-study-view .study=${study} .runHref=${(id: string) => `#/runs/${encodeURIComponent(id)}`}></mf-study-view>
    `;
  }

  private files(record: TuneRecord) {
    const one = "file" in record.files;
    const names = Object.values(record.files).map((f: File) => f.name).join(", ");
    return html`
      <p>Data: ${names} (kept in this browser). If the browser no longer has ${one ? "it" : "them"}, Resume says so: pick ${one
        ? "the file"
        : "the three split files"} again here. <input type="file" accept=".parquet" ?multiple=${!one} aria-label="Pick the data files again" @change=${this
        .repick} ?disabled=${this.here} /></p>
      ${this.problem ? html`<p class="error" role="alert">${this.problem}</p>` : ""}
    `;
  }

  private repick(event: Event) {
    const picked = Array.from((event.target as HTMLInputElement).files ?? []);
    this.problem = "";
    if ("file" in this.record!.files) {
      if (picked.length !== 1) return void (this.problem = `Pick one file, not ${picked.length}.`);
      return this.dispatchEvent(new CustomEvent<TrainFiles>("files", { detail: { file: picked[0] } }));
    }
    const chosen = Object.fromEntries(picked.map((f) => [splitOf(f.name), f]));
    if (picked.length !== 3 || !chosen.train || !chosen.val || !chosen.test) {
      return void (this.problem = `Pick the three split files (train, val and test in their names), got ${picked.map((f) => f.name).join(", ") || "none"}.`);
    }
    this.dispatchEvent(new CustomEvent<TrainFiles>("files", { detail: { train: chosen.train, val: chosen.val, test: chosen.test } }));
  }

  private fire(type: "resume" | "stop") {
    this.dispatchEvent(new CustomEvent<string>(type, { detail: this.study!.name }));
  }
}

/** The state, with what "running" means when this tab does not run it: a worker lost by a reload still looks alive until its heartbeat lapses. */
function stateText(status: StudyStatus, heartbeatS: number): string {
  return status.state === "running" ? `running elsewhere (in another tab, or a worker lost less than ${heartbeatS} s ago)` : status.state;
}
