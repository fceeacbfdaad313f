import { html, LitElement, type PropertyValues, type TemplateResult } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import type { Study } from "../../core/tune/journal.ts";
import { type BestSettings, bestSettings, experimentEntry, type SliceData, studyView, type StudyViewData, valueText } from "../../core/tune/study_view.ts";
import { shared } from "../styles.ts";
import { type StudyChartSpec, type StudySeries } from "./study_chart.ts";
import { parallelPlot } from "./study_parallel.ts";
import { studyStyles } from "./study_styles.ts";
import "./study_chart.ts";

/** Where a run's page is, or undefined when there is none to link to (a run not in the bundle). */
export type RunHref = (runId: string) => string | undefined;

const BLUE = "#1f6feb", ORANGE = "#d9480f", GREY = "#9aa3ad", GREEN = "#2b8a3e";

/**
 * One study: what it tunes, its best trial with "Train with best" and "Add to an experiment", the parameter
 * importances (PED-ANOVA), the optimisation history with the best so far, the intermediate values per trial (pruned
 * ones orange and dashed), a slice per parameter (log axes for log parameters), parallel coordinates and the
 * trials table, run ids linked through `runHref`.
 *
 * The buttons dispatch `mf-train-with` and `mf-add-to-experiment` (bubbling, composed, cancelable) with the best
 * trial's `{model, params, dataset, trainer}`. A host that acts on one calls `preventDefault()`; otherwise this
 * element shows the settings as JSON to copy (a run config for `mf train --config`, or an experiment's model entry).
 */
@customElement("mf-study-view")
export class StudyView extends LitElement {
  static override styles = [shared, studyStyles];

  /** The study to show, as replayed from its journal. */
  @property({ attribute: false })
  accessor study: Study | undefined;
  /** Links a trial's run id to its run page; without it (or when it answers undefined) run ids are plain text. */
  @property({ attribute: false })
  accessor runHref: RunHref | undefined;
  @state()
  accessor dialog: { title: string; text: string; hint: string } | undefined;
  private view: StudyViewData | undefined;

  protected override willUpdate(changed: PropertyValues<this>) {
    if (changed.has("study")) this.view = this.study ? studyView(this.study) : undefined;
  }

  protected override updated() {
    const dialog = this.renderRoot.querySelector("dialog");
    if (dialog && !dialog.open) dialog.showModal();
  }

  override render() {
    const study = this.study, view = this.view;
    if (!study || !view) return html`<p class="muted">No study.</p>`;
    const { header } = study;
    const c = view.counts;
    return html`
      <section aria-labelledby="study-h">
        <h2 id="study-h">Study <span class="name">${study.name}</span></h2>
        <p class="meta">${header.model} · horizon ${header.horizon} · ${header.objective} (${study.direction}) · sampler ${header
          .sampler} · pruner ${header.pruner?.name ?? "none"}</p>
        <p class="counts">${study.trials.length} trials: ${c.complete} complete, ${c.pruned} pruned, ${c.failed} failed${c.running
          ? `, ${c.running} running`
          : ""}</p>
        ${this.bestPanel(view)}
      </section>
      <section aria-labelledby="importance-h">
        <h2 id="importance-h">Parameter importances</h2>
        ${this.importances(view)}
      </section>
      <section aria-labelledby="history-h">
        <h2 id="history-h">Optimisation history</h2>
        ${view.history.numbers.length
          ? html`<mf-study-chart class="history" .spec=${this.historySpec(view)}></mf-study-chart>`
          : html`<p class="empty">No trial has completed yet.</p>`}
        <h3>Intermediate values</h3>
        ${view.intermediate.steps.length
          ? html`
            <p
              class="muted">One line per trial, as reported per step (${study.direction === "maximize"
                ? "higher"
                : "lower"} is better): <span class="key complete">complete</span> <span class="key pruned">pruned</span> <span class="key other">failed or running</span></p>
            <mf-study-chart class="intermediate" .spec=${this.intermediateSpec(view)}></mf-study-chart>
          `
          : html`<p class="empty">No trial reported intermediate values.</p>`}
      </section>
      <section aria-labelledby="slices-h">
        <h2 id="slices-h">Slices</h2>
        ${view.slices.length
          ? html`
            <p class="muted">Each parameter against ${header.objective}, one dot per complete trial that sampled it.</p>
            <div class="slices">${view.slices.map((s) =>
              html`<mf-study-chart class="slice" data-param=${s.axis.key} .maxWidth=${440} .spec=${this.sliceSpec(s, header.objective)}></mf-study-chart>`
            )}</div>
          `
          : html`<p class="empty">No parameters sampled yet.</p>`}
      </section>
      <section aria-labelledby="parallel-h">
        <h2 id="parallel-h">Parallel coordinates</h2>
        ${view.parallel.rows.length
          ? html`
            <p class="muted">One line per complete trial, coloured by ${header.objective}: blue is better.</p>
            <div class="plot">${parallelPlot(view.parallel)}</div>
          `
          : html`<p class="empty">No trial has completed yet.</p>`}
      </section>
      <section aria-labelledby="trials-h">
        <h2 id="trials-h">Trials</h2>
        ${this.trialsTable(view)}
      </section>
      ${this.dialog
        ? html`
          <dialog aria-labelledby="dialog-h" @close=${() => (this.dialog = undefined)}>
            <h3 id="dialog-h">${this.dialog.title}</h3>
            <p class="muted">${this.dialog.hint}</p>
            <textarea readonly rows="14" cols="72" aria-label=${this.dialog.title}>${this.dialog.text}</textarea>
            <p><button @click=${() => navigator.clipboard.writeText(this.dialog!.text)}>Copy</button> <button class="close" @click=${() =>
              this.renderRoot.querySelector("dialog")!.close()}>Close</button></p>
          </dialog>
        `
        : ""}
    `;
  }

  private bestPanel(view: StudyViewData): TemplateResult {
    const best = view.best;
    if (!best) return html`<p class="empty best">No trial has completed yet: nothing to train with.</p>`;
    return html`
      <div class="best">
        <p><strong>Best: trial ${best.number}</strong>, ${view.objective} <span class="best-value">${valueText(best.value)}</span>${best.run_id
          ? html`, run ${this.runLink(best.run_id)}`
          : ""}</p>
        <ul class="params">${Object.entries(best.params).map(([k, v]) => html`<li><code>${k}</code> = ${valueText(v)}</li>`)}</ul>
        <button class="primary" @click=${() => this.act("mf-train-with")}>Train with best</button>
        <button @click=${() => this.act("mf-add-to-experiment")}>Add to an experiment</button>
      </div>
    `;
  }

  private act(type: "mf-train-with" | "mf-add-to-experiment") {
    const settings = bestSettings(this.study!)!;
    const event = new CustomEvent<BestSettings>(type, { detail: settings, bubbles: true, composed: true, cancelable: true });
    if (!this.dispatchEvent(event)) return;
    // nobody here acts on it (the static viewer): show the settings to copy instead
    this.dialog = type === "mf-train-with"
      ? {
        title: "Run config of the best trial",
        text: JSON.stringify(settings, null, 2),
        hint:
          "Save it as best_config.json and train with mf train --config best_config.json --data ... (the study's base settings with the best trial's values).",
      }
      : {
        title: "Experiment model entry of the best trial",
        text: JSON.stringify(experimentEntry(settings, this.study!.name), null, 2),
        hint: "Add it to the models list of an experiment file (the experiment sets the horizon and seeds).",
      };
  }

  private importances(view: StudyViewData): TemplateResult {
    const { importances, reason, trials } = view.importances;
    const entries = Object.entries(importances);
    if (!entries.length) return html`<p class="empty importance-reason">No importances: ${reason}.</p>`;
    return html`
      <p class="muted">PED-ANOVA over ${trials} complete trials: how much each parameter tells the best 10% from the rest (shares sum to 1).${reason
        ? html`
          <span class="importance-reason">${reason}.</span>
        `
        : ""}</p>
      <table class="importances" aria-label="Parameter importances">
        <tbody>${entries.map(([key, share]) =>
          html`
            <tr data-param=${key}>
              <th scope="row">${key.replace(/^params\./, "")}</th>
              <td class="bar-cell"><span class="bar" style=${`width: ${(share * 100).toFixed(1)}%`}></span></td>
              <td class="num">${share.toFixed(3)}</td>
            </tr>
          `
        )}</tbody>
      </table>
    `;
  }

  private historySpec(view: StudyViewData): StudyChartSpec {
    const { numbers, values, best } = view.history;
    return {
      title: "Objective per trial",
      xLabel: "trial",
      yLabel: view.objective,
      series: [{ label: view.objective, color: BLUE, dots: true }, { label: "best so far", color: GREEN, width: 2 }],
      data: [numbers, values, best],
      integerX: true,
    };
  }

  private intermediateSpec(view: StudyViewData): StudyChartSpec {
    const colour = (state: string) => (state === "complete" ? BLUE : state === "pruned" ? ORANGE : GREY);
    const { steps } = view.intermediate;
    // pruned (and failed or running) trials drawn last, over the complete ones, so they stay visible
    const rank = (state: string) => (state === "complete" ? 0 : state === "pruned" ? 2 : 1);
    const trials = [...view.intermediate.trials].sort((a, b) => rank(a.state) - rank(b.state) || a.number - b.number);
    return {
      title: "Intermediate values",
      xLabel: "step",
      yLabel: "intermediate value",
      legend: false,
      series: trials.map((t): StudySeries => ({ label: `trial ${t.number} (${t.state})`, color: colour(t.state), dash: t.state === "pruned", width: 1.5 })),
      data: [steps, ...trials.map((t) => t.values)],
      integerX: true,
    };
  }

  private sliceSpec(slice: SliceData, objective: string): StudyChartSpec {
    const points = [...slice.points].sort((a, b) => a.x - b.x || a.number - b.number);
    return {
      title: slice.axis.label + (slice.axis.log ? " (log)" : ""),
      xLabel: slice.axis.label,
      yLabel: objective,
      series: [{ label: objective, color: BLUE, dots: true }],
      data: [points.map((p) => p.x), points.map((p) => p.value)],
      logX: slice.axis.log,
      categories: slice.axis.kind === "categorical" ? slice.axis.choices : undefined,
    };
  }

  private trialsTable(view: StudyViewData): TemplateResult {
    const keys = view.slices.map((s) => s.axis);
    return html`
      <div class="scroll">
        <table class="trials" aria-label="Trials">
          <thead>
            <tr>
              <th class="num">#</th>
              <th>state</th>
              <th class="num">${view.objective}</th>
              <th class="num">steps</th>
              <th class="num">seconds</th>
              ${keys.map((a) => html`<th>${a.label}</th>`)}
              <th>run</th>
            </tr>
          </thead>
          <tbody>${view.rows.map((r) =>
            html`<tr class=${`${r.state}${r.best ? " best" : ""}`} data-trial=${r.number}>
              <td class="num">${
              r.best
                ? html`
                  <span class="star" title="best">★</span>
                `
                : ""
            }${r.number}</td>
              <td class="state" title=${r.reason ?? ""}>${r.state}</td>
              <td class="num">${r.value === null ? "—" : valueText(r.value)}</td>
              <td class="num">${r.steps}</td>
              <td class="num">${r.seconds === null ? "—" : r.seconds.toFixed(1)}</td>
              ${keys.map((a) => html`<td>${r.params[a.key] ?? ""}</td>`)}
              <td>${r.run_id ? this.runLink(r.run_id) : r.reason ? html`<span class="muted">${r.reason}</span>` : ""}</td>
            </tr>`
          )}</tbody>
        </table>
      </div>
    `;
  }

  private runLink(id: string): TemplateResult {
    const href = this.runHref?.(id);
    return href ? html`<a class="run" href=${href}>${id}</a>` : html`<span class="run">${id}</span>`;
  }
}
