import { html, LitElement, type PropertyValues } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import type { ExperimentReport } from "../../core/experiment/report.ts";
import type { RunReader } from "../../core/platform.ts";
import { parseReport } from "../experiments/report_schema.ts";
import "../experiments/report_view.ts";
import { routeHash } from "../runs/view_state.ts";
import { shared } from "../styles.ts";

/**
 * The viewer's experiment pages, over the bundle's experiments (a RunReader keyed by experiment name):
 * the list, and one experiment's report with its run ids linked to the viewer's run pages.
 */

/** An experiment's report.json read and checked. */
async function readReport(reader: RunReader, name: string): Promise<ExperimentReport> {
  return parseReport(new TextDecoder().decode(await reader.read(name, "report.json")), `${name}/report.json`);
}

const runHref = (id: string) => routeHash({ page: "run", ids: [id], query: new URLSearchParams() });
const experimentHref = (name: string) => routeHash({ page: "experiment", ids: [name], query: new URLSearchParams() });

/** `#/experiments`: every experiment of the bundle with what its report says at a glance. */
@customElement("mf-viewer-experiments")
export class ViewerExperiments extends LitElement {
  static override styles = shared;

  @property({ attribute: false })
  accessor reader: RunReader | undefined;
  @state()
  accessor rows: { name: string; report?: ExperimentReport; problem?: string }[] | undefined;

  protected override willUpdate(changed: PropertyValues<this>) {
    if (changed.has("reader")) void this.load();
  }

  private async load() {
    const reader = this.reader;
    if (!reader) return;
    const names = await reader.list();
    const rows = await Promise.all(names.map((name) =>
      readReport(reader, name).then(
        (report) => ({ name, report }),
        (error: Error) => ({ name, problem: error.message }),
      )
    ));
    if (reader === this.reader) this.rows = rows;
  }

  override render() {
    if (!this.rows) return html`<p class="muted">Reading experiments...</p>`;
    if (!this.rows.length) return html`<p class="empty">There are no experiments in this bundle.</p>`;
    return html`
      <table aria-label="Experiments">
        <thead>
          <tr>
            <th>experiment</th>
            <th>description</th>
            <th class="num">cells finished</th>
            <th>best on validation</th>
            <th>report of</th>
          </tr>
        </thead>
        <tbody>${this.rows.map(({ name, report, problem }) =>
          html`<tr>
            <td><a href=${experimentHref(name)}>${name}</a></td>
            ${
            report
              ? html`
                <td>${report.experiment.description}</td>
                <td class="num">${report.cells.filter((c) => c.status === "finished").length} / ${report.cells.length}</td>
                <td>${report.horizons.map((h) => html`<div>H${h.horizon}: ${h.best ? h.best.label : "—"}</div>`)}</td>
                <td>${report.generated_at}</td>
              `
              : html`<td colspan="4" class="error">${problem}</td>`
          }
          </tr>`
        )}</tbody>
      </table>
    `;
  }
}

/** `#/experiments/<name>`: one experiment's report; its run ids open the viewer's run pages. */
@customElement("mf-viewer-experiment")
export class ViewerExperiment extends LitElement {
  static override styles = shared;

  @property({ attribute: false })
  accessor reader: RunReader | undefined;
  @property()
  accessor name = "";
  @state()
  accessor report: ExperimentReport | undefined;
  @state()
  accessor problem = "";

  protected override willUpdate(changed: PropertyValues<this>) {
    if (changed.has("reader") || changed.has("name")) void this.load();
  }

  private async load() {
    const { reader, name } = this;
    if (!reader || !name) return;
    this.report = undefined;
    this.problem = "";
    try {
      const report = await readReport(reader, name);
      if (reader === this.reader && name === this.name) this.report = report;
    } catch (error) {
      if (reader === this.reader && name === this.name) this.problem = (error as Error).message;
    }
  }

  override render() {
    return html`
      <p><a href="#/experiments">All experiments</a> · <a href="#/runs">All runs</a></p>
      ${this.problem
        ? html`<p class="error" role="alert">${this.problem}</p>`
        : this.report
        ? html`<mf-experiment-report .report=${this.report} .href=${runHref}></mf-experiment-report>`
        : html`<p class="muted">Reading the report...</p>`}
    `;
  }
}
