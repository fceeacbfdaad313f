import { html, LitElement } from "lit";
import { customElement, property } from "lit/decorators.js";
import { shared } from "../styles.ts";
import type { ExperimentState } from "./experiment_state.ts";
import { reportHash } from "./route.ts";

/**
 * The experiments kept in this browser: each one's queue state and its cells by status, with its report,
 * Resume (its unfinished cells) and Delete (its record and files; its runs stay). Fires `resume` and
 * `remove` with the experiment's name.
 */
@customElement("mf-experiment-list")
export class ExperimentList extends LitElement {
  static override styles = shared;

  @property({ attribute: false })
  accessor experiments: ExperimentState[] = [];
  /** The experiment whose queue runs in this page, if any: it cannot be resumed or deleted meanwhile. */
  @property()
  accessor active = "";

  override render() {
    if (!this.experiments.length) return html`<p class="empty">No experiments yet. Describe one above, plan it and run it; it stays in this browser.</p>`;
    return html`
      <table aria-label="Experiments">
        <thead>
          <tr>
            <th>experiment</th>
            <th>queue</th>
            <th class="num">cells</th>
            <th class="num">finished</th>
            <th class="num">failed</th>
            <th class="num">pending</th>
            <th>updated</th>
            <th></th>
          </tr>
        </thead>
        <tbody>${this.experiments.map((e) => this.row(e))}</tbody>
      </table>
    `;
  }

  private row({ stored, cells, counts, updated_at }: ExperimentState) {
    const busy = this.active === stored.name;
    const left = cells.length - counts.finished;
    const pending = counts.pending + counts.running + counts.stopped;
    return html`
      <tr>
        <td><a href=${reportHash(stored.name)}>${stored.name}</a></td>
        <td title=${stored.error ?? ""}>${busy ? "running here" : stored.state}${stored.error ? " (error)" : ""}</td>
        <td class="num">${cells.length || "-"}</td>
        <td class="num">${counts.finished}</td>
        <td class="num">${counts.failed}</td>
        <td class="num">${pending}</td>
        <td>${updated_at?.slice(0, 19).replace("T", " ") ?? "-"}</td>
        <td>
          <button @click=${() => this.fire("resume", stored.name)} ?disabled=${busy || Boolean(this.active) || (cells.length > 0 && left === 0)}
            aria-label=${`Resume ${stored.name}`}>Resume</button>
          <button class="danger" @click=${() => this.fire("remove", stored.name)} ?disabled=${busy} aria-label=${`Delete ${stored.name}`}>Delete</button>
        </td>
      </tr>
    `;
  }

  private fire(kind: "resume" | "remove", name: string) {
    this.dispatchEvent(new CustomEvent<string>(kind, { detail: name }));
  }
}
