import { html, LitElement } from "lit";
import { customElement, property } from "lit/decorators.js";
import type { Study } from "../../core/tune/journal.ts";
import { num } from "../format.ts";
import { shared } from "../styles.ts";
import { studyHash } from "./route.ts";
import type { StudyStatus } from "./study_status.ts";

/** A stored study as the list shows it: its journal replayed, its status, or why it cannot be read. */
export interface StudyRow {
  name: string;
  study?: Study;
  status?: StudyStatus;
  problem?: string;
}

/** The studies kept in this browser: model, horizon, trials ended of the budget, best value, state; each linked to its page. Fires `remove` with a name. */
@customElement("mf-study-list")
export class StudyList extends LitElement {
  static override styles = shared;

  @property({ attribute: false })
  accessor rows: StudyRow[] = [];

  override render() {
    if (!this.rows.length) return html`<p class="empty">No studies yet. Start one above; it stays in this browser.</p>`;
    return html`
      <table aria-label="Studies">
        <thead>
          <tr>
            <th>study</th>
            <th>model</th>
            <th class="num">horizon</th>
            <th>objective</th>
            <th class="num">trials</th>
            <th class="num">best</th>
            <th>state</th>
            <th></th>
          </tr>
        </thead>
        <tbody>${this.rows.map((r) => this.row(r))}</tbody>
      </table>
    `;
  }

  private row({ name, study, status, problem }: StudyRow) {
    const h = study?.header;
    return html`
      <tr>
        <td><a href=${studyHash(name)}>${name}</a></td>
        <td>${h?.model ?? "-"}</td>
        <td class="num">${h?.horizon ?? "-"}</td>
        <td>${h ? `${h.objective} (${h.direction})` : "-"}</td>
        <td class="num">${status ? `${status.ended} of ${status.budget ?? "?"}` : "-"}</td>
        <td class="num">${num(status?.best?.value, 4)}</td>
        <td>${problem ? html`<span class="error">${problem}</span>` : status?.state}</td>
        <td><button class="danger" ?disabled=${status?.state === "running here"} aria-label=${`Delete ${name}`} @click=${() =>
          this.dispatchEvent(new CustomEvent<string>("remove", { detail: name }))}>Delete</button></td>
      </tr>
    `;
  }
}
