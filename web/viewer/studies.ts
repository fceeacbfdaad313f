import { html, LitElement, type PropertyValues } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import type { BundleStudyReader } from "../../core/bundle/studies.ts";
import type { Study } from "../../core/tune/journal.ts";
import { bestTrial } from "../../core/tune/study.ts";
import { valueText } from "../../core/tune/study_view.ts";
import { routeHash } from "../runs/view_state.ts";
import "../studies/study_view.ts";
import { shared } from "../styles.ts";

/**
 * The viewer's study pages, over the bundle's studies: `#/studies` (every study at a glance) and `#/studies/<name>`
 * (one study in `<mf-study-view>`, its trials' runs linked to the viewer's run pages when the bundle holds them).
 */

/** The study pages in the URL hash: `{}` for the list, `{name}` for one study; undefined for any other page. */
export function parseStudiesRoute(hash: string): { name?: string } | undefined {
  const match = /^#\/studies(?:\/([^/?]+))?\/?(?:\?.*)?$/s.exec(hash);
  if (!match) return undefined;
  return match[1] ? { name: decodeURIComponent(match[1]) } : {};
}

/** The hash of the studies list, or of one study's page. */
export function studiesHash(name?: string): string {
  return name === undefined ? "#/studies" : `#/studies/${encodeURIComponent(name)}`;
}

/** `#/studies`: every study of the bundle with its model, objective, trials and best value. */
@customElement("mf-viewer-studies")
export class ViewerStudies extends LitElement {
  static override styles = shared;

  @property({ attribute: false })
  accessor reader: BundleStudyReader | undefined;
  @state()
  accessor rows: { name: string; study?: Study; problem?: string }[] | undefined;

  protected override willUpdate(changed: PropertyValues<this>) {
    if (changed.has("reader")) void this.load();
  }

  private async load() {
    const reader = this.reader;
    if (!reader) return;
    const names = await reader.list();
    const rows = await Promise.all(names.map((name) =>
      reader.study(name).then(
        (study) => ({ name, study }),
        (error: Error) => ({ name, problem: error.message }),
      )
    ));
    if (reader === this.reader) this.rows = rows;
  }

  override render() {
    if (!this.rows) return html`<p class="muted">Reading studies...</p>`;
    if (!this.rows.length) return html`<p class="empty">There are no studies in this bundle.</p>`;
    return html`
      <table aria-label="Studies">
        <thead>
          <tr>
            <th>study</th>
            <th>model</th>
            <th class="num">horizon</th>
            <th>objective</th>
            <th class="num">trials</th>
            <th class="num">complete</th>
            <th class="num">pruned</th>
            <th class="num">best</th>
          </tr>
        </thead>
        <tbody>${this.rows.map(({ name, study, problem }) => {
          if (!study) {
            return html`
              <tr>
                <td>${name}</td>
                <td colspan="7" class="error">${problem}</td>
              </tr>
            `;
          }
          const best = bestTrial(study);
          const count = (state: string) => study.trials.filter((t) => t.state === state).length;
          return html`
            <tr>
              <td><a href=${studiesHash(name)}>${name}</a></td>
              <td>${study.header.model}</td>
              <td class="num">${study.header.horizon}</td>
              <td>${study.header.objective} (${study.direction})</td>
              <td class="num">${study.trials.length}</td>
              <td class="num">${count("complete")}</td>
              <td class="num">${count("pruned")}</td>
              <td class="num">${best ? valueText(best.value) : "—"}</td>
            </tr>
          `;
        })}</tbody>
      </table>
    `;
  }
}

/** `#/studies/<name>`: one study's views; its trials' run ids open the viewer's run pages when the bundle has the run. */
@customElement("mf-viewer-study")
export class ViewerStudy extends LitElement {
  static override styles = shared;

  @property({ attribute: false })
  accessor reader: BundleStudyReader | undefined;
  @property()
  accessor name = "";
  /** The bundle's run ids: a trial whose run is not in the bundle shows its id as plain text. */
  @property({ attribute: false })
  accessor runIds: ReadonlySet<string> = new Set();
  @state()
  accessor study: Study | undefined;
  @state()
  accessor problem = "";

  /** Made again when the run ids change, so the study view redraws its links. */
  private runHref = (_id: string): string | undefined => undefined;

  protected override willUpdate(changed: PropertyValues<this>) {
    if (changed.has("reader") || changed.has("name")) void this.load();
    if (changed.has("runIds")) {
      const ids = this.runIds;
      this.runHref = (id) => (ids.has(id) ? routeHash({ page: "run", ids: [id], query: new URLSearchParams() }) : undefined);
    }
  }

  private async load() {
    const { reader, name } = this;
    if (!reader || !name) return;
    this.study = undefined;
    this.problem = "";
    try {
      const study = await reader.study(name);
      if (reader === this.reader && name === this.name) this.study = study;
    } catch (error) {
      if (reader === this.reader && name === this.name) this.problem = (error as Error).message;
    }
  }

  override render() {
    return html`
      <p><a href=${studiesHash()}>All studies</a> · <a href="#/runs">All runs</a></p>
      ${this.problem
        ? html`<p class="error" role="alert">${this.problem}</p>`
        : this.study
        ? html`<mf-study-view .study=${this.study} .runHref=${this.runHref}></mf-study-view>`
        : html`<p class="muted">Reading the study...</p>`}
    `;
  }
}
