import { html, LitElement } from "lit";
import { customElement, property } from "lit/decorators.js";
import { dataProblems, type SplitSummaries } from "../../core/data/summary.ts";
import { count, time } from "../format.ts";
import { shared } from "../styles.ts";

const SPLITS = ["train", "val", "test"] as const;

/** Per-split rows, symbols, time range, features and label distribution per horizon, and the problems found. */
@customElement("mf-data-summary")
export class DataSummary extends LitElement {
  static override styles = shared;

  @property({ attribute: false })
  accessor summaries: SplitSummaries = {};
  /** Per split: "reading" while a summary is computed, or an error message. */
  @property({ attribute: false })
  accessor status: Partial<Record<(typeof SPLITS)[number], string>> = {};
  @property({ type: Number })
  accessor horizon = 5;
  @property({ type: Number })
  accessor seqLen = 1;
  /** What to say when there is nothing to summarise. */
  @property()
  accessor empty = "No data opened yet.";

  override render() {
    const opened = SPLITS.filter((s) => this.summaries[s] || this.status[s]);
    if (!opened.length) return html`<p class="empty">${this.empty}</p>`;
    const errors = SPLITS.filter((s) => this.status[s] && this.status[s] !== "reading");
    const horizons = [...new Set(SPLITS.flatMap((s) => Object.keys(this.summaries[s]?.labels ?? {})))].sort((a, b) => Number(a.slice(7)) - Number(b.slice(7)));
    const reading = SPLITS.filter((s) => this.status[s] === "reading");
    // the checks compare the splits: with one unread (or still reading) they would find nothing and claim there is nothing
    const problems = errors.length || reading.length ? [] : dataProblems(this.summaries, { horizon: this.horizon, seqLen: this.seqLen });
    return html`
      ${errors.map((s) => html`<p class="error" role="alert">${this.status[s]}</p>`)}
      <table aria-label="Splits">
        <thead>
          <tr>
            <th>split</th>
            <th>file</th>
            <th class="num">rows</th>
            <th class="num">symbols</th>
            <th>from (UTC)</th>
            <th>to (UTC)</th>
            <th class="num">features</th>
          </tr>
        </thead>
        <tbody>${SPLITS.map((split) => {
          const s = this.summaries[split];
          if (!s) {
            return html`
              <tr>
                <td>${split}</td>
                <td colspan="6" class="muted">${this.status[split] === "reading" ? "reading..." : "not opened"}</td>
              </tr>
            `;
          }
          return html`
            <tr>
              <td>${split}</td>
              <td>${s.file}</td>
              <td class="num">${count(s.rows)}</td>
              <td class="num" title=${s.symbols.map((x) => x.name).join(", ")}>${count(s.symbols.length)}</td>
              <td>${time(s.start)}</td>
              <td>${time(s.end)}</td>
              <td class="num">${count(s.features.length)}</td>
            </tr>
          `;
        })}</tbody>
      </table>
      <h3>Labels</h3>
      ${horizons.length
        ? html`
          <table aria-label="Label distribution">
            <thead>
              <tr>
                <th>label</th>
                <th>split</th>
                <th class="num">short (-1)</th>
                <th class="num">neutral (0)</th>
                <th class="num">long (1)</th>
                <th class="num">no label</th>
              </tr>
            </thead>
            <tbody>${horizons.flatMap((h) =>
              SPLITS.filter((s) => this.summaries[s]).map((split) => {
                const c = this.summaries[split]!.labels[h];
                if (!c) {
                  return html`
                    <tr>
                      <td>${h}</td>
                      <td>${split}</td>
                      <td colspan="4" class="muted">column absent</td>
                    </tr>
                  `;
                }
                const total = c.short + c.neutral + c.long;
                const cell = (n: number) => html`<td class="num">${count(n)} <span class="muted">(${total ? Math.round((100 * n) / total) : 0}%)</span></td>`;
                return html`<tr><td>${h}</td><td>${split}</td>${cell(c.short)}${cell(c.neutral)}${cell(c.long)}<td class="num">${count(c.missing)}</td></tr>`;
              })
            )}</tbody>
          </table>
        `
        : html`<p class="empty">No label columns (label_h&lt;H&gt;) found.</p>`}
      <h3>Problems</h3>
      ${problemsText(problems, errors, reading)}
    `;
  }
}

/** The problems found, or why the splits were not checked: a file that could not be read is not a file without problems. */
function problemsText(problems: string[], unread: readonly string[], reading: readonly string[]) {
  if (unread.length) {
    return html`<p class="muted" data-testid="not-checked">Not checked: ${unread.join(", ")} could not be read (see above).</p>`;
  }
  if (reading.length) return html`<p class="muted" data-testid="not-checked">Checked once ${reading.join(", ")} ${reading.length > 1 ? "are" : "is"} read.</p>`;
  return problems.length ? html`<ul aria-label="Problems">${problems.map((p) => html`<li>${p}</li>`)}</ul>` : html`<p class="muted">None found.</p>`;
}
