import { css, html, LitElement, nothing, type PropertyValues } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import type { RunReader } from "../../core/platform.ts";
import { count } from "../format.ts";
import { shared } from "../styles.ts";
import { readRunRows } from "./run_data.ts";
import { cellText, type Column, columnsOf, columnTitle, compareCells, DEFAULT_COLUMNS, type FlatRun, flattenRun } from "./run_columns.ts";
import { readTableView, routeHash, type TableView, writeTableView } from "./view_state.ts";
import "./parallel_coords.ts";

const FILTERS = ["model", "horizon", "status"] as const;
/** Rows drawn beyond the visible ones, above and below, so that scrolling shows no gap. */
const OVERSCAN = 20;

/**
 * Every stored run, read through the read-only RunReader (run.json and metrics.json only, never the
 * curves): sort by any column, filter by model, horizon, status and free text, choose the columns,
 * tick runs to compare; parameters against a metric below (children go between). The view comes in as `query` and every
 * change goes out as a `query` event (for the URL hash); `picked` carries the ticked run ids.
 */
@customElement("mf-runs-table")
export class RunsTable extends LitElement {
  static override styles = [
    shared,
    css`
      th button {
        all: unset;
        cursor: pointer;
        white-space: nowrap;
      }
      th button:focus-visible {
        outline: 2px solid #1f6feb;
      }
      td {
        white-space: nowrap;
      }
      /* one line per row keeps every row the same height; the run page has the whole message */
      td.id .error {
        display: inline;
        padding: 0 0.3rem;
        margin-left: 0.4rem;
        white-space: nowrap;
      }
      .scroll {
        overflow: auto;
        max-height: 75vh;
        border: 1px solid #e6e9ee;
      }
      thead th {
        position: sticky;
        top: 0;
        z-index: 1;
      }
      .row {
        align-items: center;
        margin-bottom: 0.6rem;
      }
      section {
        margin-top: 1rem;
      }
      .chooser {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(200px, 1fr));
        gap: 0.1rem 1rem;
        margin: 0.6rem 0;
        padding: 0.6rem;
        border: 1px solid #d8dde3;
        border-radius: 4px;
      }
      .chooser label {
        white-space: nowrap;
        overflow: hidden;
        text-overflow: ellipsis;
      }
    `,
  ];

  @property({ attribute: false })
  accessor reader: RunReader | undefined;
  /** The view as the URL hash holds it (see view_state.ts). */
  @property({ attribute: false })
  accessor query = new URLSearchParams();
  /** What an empty store shows. */
  @property()
  accessor empty = "No runs yet. Train a model and it shows up here; runs stay in this browser.";
  @state()
  accessor runs: FlatRun[] | undefined;
  @state()
  accessor columns: Column[] = [];
  @state()
  accessor error = "";
  @state()
  accessor view: TableView = readTableView(new URLSearchParams());
  @state()
  accessor choosing = false;
  /** The first row drawn: only the rows in view (and OVERSCAN around them) are in the DOM, so 1,000 runs sort in a frame. */
  @state()
  accessor first = 0;
  /** Pixels per row: an estimate until the first scroll measures a drawn row (rows are one line, so all alike). */
  private rowHeight = 29;
  private filteredCache?: { key: unknown[]; runs: FlatRun[] };
  private sortedCache?: { key: unknown[]; runs: FlatRun[] };

  protected override willUpdate(changed: PropertyValues<this>) {
    if (changed.has("query")) this.view = readTableView(this.query);
    if (changed.has("reader")) void this.load();
  }

  /** Reads the runs again (after a training run ends or a run is deleted or imported). */
  async load() {
    if (!this.reader) return;
    try {
      const runs = (await readRunRows(this.reader)).map(flattenRun);
      this.columns = columnsOf(runs);
      this.runs = runs;
    } catch (error) {
      this.error = `Cannot read the stored runs: ${(error as Error).message}`;
    }
  }

  /** The runs that pass the filters, in stored order (kept until the runs or filters change). */
  filtered(): FlatRun[] {
    const { filters } = this.view;
    const key = [this.runs, ...FILTERS.map((f) => filters[f]), filters.text];
    if (!this.filteredCache?.key.every((k, i) => k === key[i])) {
      const text = filters.text?.toLowerCase();
      const runs = (this.runs ?? []).filter((r) => FILTERS.every((f) => !filters[f] || String(r.cells[f]) === filters[f]) && (!text || r.text.includes(text)));
      this.filteredCache = { key, runs };
    }
    return this.filteredCache.runs;
  }

  /** The filtered runs in the chosen order, ties newest first. */
  shown(): FlatRun[] {
    const { sort } = this.view;
    const filtered = this.filtered();
    const key = [filtered, sort.key, sort.descending];
    if (!this.sortedCache?.key.every((k, i) => k === key[i])) {
      const sign = sort.descending ? -1 : 1;
      this.sortedCache = {
        key,
        runs: [...filtered].sort((a, b) => sign * compareCells(a.cells[sort.key], b.cells[sort.key]) || compareCells(b.cells.id, a.cells.id)),
      };
    }
    return this.sortedCache.runs;
  }

  override render() {
    // the children (the app's import) show in every state: an empty store is where an import starts
    if (this.error) return html`<p class="error" role="alert">${this.error}</p><slot></slot>`;
    if (!this.runs) return html`<p class="muted">Reading runs...</p><slot></slot>`;
    if (!this.runs.length) return html`<p class="empty">${this.empty}</p><slot></slot>`;
    const { sort, filters, selected } = this.view;
    const shown = this.shown();
    const [from, to] = this.window(shown.length);
    const chosen = (this.view.columns ?? DEFAULT_COLUMNS).map((k) => this.columns.find((c) => c.key === k)).filter((c): c is Column => !!c);
    return html`
      <div class="row" role="group" aria-label="Filters">
        ${FILTERS.map((f) => {
          const values = [...new Set(this.runs!.flatMap((r) => (r.cells[f] === undefined ? [] : [String(r.cells[f])])))].sort((a, b) => compareCells(a, b));
          return html`<label>${f} <select name=${`filter-${f}`} @change=${(e: Event) => this.filter(f, (e.target as HTMLSelectElement).value)}>
            <option value="">all</option>${values.map((v) => html`<option .value=${v} ?selected=${filters[f] === v}>${v}</option>`)}</select></label>`;
        })}
        <label>search <input type="search" name="search" .value=${filters.text ?? ""} placeholder="id, model, setting=value"
          @input=${(e: Event) => this.filter("text", (e.target as HTMLInputElement).value)} /></label>
        <span class="muted count" aria-live="polite">${count(shown.length)} of ${count(this.runs.length)} runs</span>
        <button aria-expanded=${this.choosing} @click=${() => (this.choosing = !this.choosing)}>Columns (${chosen.length})</button>
        <button @click=${() => (location.hash = routeHash({ page: "compare", ids: selected, query: new URLSearchParams() }))} ?disabled=${selected.length <
          2}>Compare selected (${selected.length})</button>
      </div>
      ${this.choosing ? this.chooser(chosen) : ""}
      <div class="scroll" tabindex="0" role="region" aria-label="Runs table, scrolls" @scroll=${this.onScroll}>
        <table aria-label="Runs" aria-rowcount=${shown.length + 1}>
          <thead>
            <tr><th><span class="muted">compare</span></th>${[{ key: "id", label: "run", numeric: false }, ...chosen].map((c) =>
              html`
                <th class=${c.numeric ? "num" : ""} title=${columnTitle(c.key) ?? nothing}
                  aria-sort=${c.key === sort.key ? (sort.descending ? "descending" : "ascending") : "none"}>
                          <button @click=${() => this.change({ sort: { key: c.key, descending: c.key === sort.key ? !sort.descending : c.numeric } })}>${c
                            .label}${c.key === sort.key ? (sort.descending ? " ▼" : " ▲") : ""}</button></th>
              `
            )}</tr>
          </thead>
          <tbody>${from > 0 ? html`<tr aria-hidden="true" style="height: ${from * this.rowHeight}px"></tr>` : ""}
          ${shown.slice(from, to).map((r, i) =>
            html`<tr aria-rowindex=${from + i + 2}><td><input type="checkbox" aria-label=${`compare ${r.row.id}`} .checked=${
              selected.includes(r.row.id)
            } @change=${() => this.pick(r.row.id)} /></td>
          <td class="id"><a href=${routeHash({ page: "run", ids: [r.row.id], query: new URLSearchParams() })}>${r.row.id}</a>${
              r.row.error ? html`<span class="error" title=${r.row.error}>cannot be read</span>` : ""
            }</td>
          ${chosen.map((c) => html`<td class=${c.numeric ? "num" : ""}>${cellText(c.key, r.cells[c.key])}</td>`)}</tr>`
          )}
          ${to < shown.length ? html`<tr aria-hidden="true" style="height: ${(shown.length - to) * this.rowHeight}px"></tr>` : ""}</tbody>
        </table>
      </div>
      <slot></slot>
      <section aria-labelledby="pc-h">
        <h2 id="pc-h">Parameters against a metric</h2>
        <mf-parallel-coords .runs=${this.filtered()} .columns=${this.columns} metric=${this.view.metric ?? ""} @metric=${(e: CustomEvent<string>) =>
          this.change({ metric: e.detail })}></mf-parallel-coords>
      </section>
    `;
  }

  /** Rows [from, to) to draw: those the scroll box shows, and OVERSCAN more each way. */
  private window(n: number): [number, number] {
    const box = this.renderRoot.querySelector<HTMLElement>(".scroll");
    const visible = Math.ceil((box?.clientHeight || innerHeight) / this.rowHeight);
    const from = Math.max(0, Math.min(this.first, n - visible) - OVERSCAN);
    return [from, Math.min(n, from + visible + 2 * OVERSCAN)];
  }

  private onScroll(e: Event) {
    const box = e.target as HTMLElement;
    this.rowHeight = box.querySelector<HTMLElement>("tbody tr[aria-rowindex]")?.offsetHeight || this.rowHeight;
    // the header row sits above the first run row
    const first = Math.floor(Math.max(0, box.scrollTop - (box.querySelector("thead")?.offsetHeight ?? 0)) / this.rowHeight);
    if (Math.abs(first - this.first) >= OVERSCAN / 2 || (first === 0 && this.first !== 0)) this.first = first;
  }

  /** Checkboxes for every column, in groups; the run id column always shows. */
  private chooser(chosen: Column[]) {
    const keys = chosen.map((c) => c.key);
    // read at click time: several clicks may come before the next render
    const toggle = (key: string) => {
      const now = (this.view.columns ?? DEFAULT_COLUMNS).filter((k) => this.columns.some((c) => c.key === k));
      this.change({ columns: now.includes(key) ? now.filter((k) => k !== key) : [...now, key] });
    };
    return html`<fieldset class="chooser"><legend>Columns shown</legend>
      ${
      this.columns.map((c) =>
        html`<label title=${c.key}><input type="checkbox" .checked=${keys.includes(c.key)} @change=${() => toggle(c.key)} /> ${c.label}</label>`
      )
    }
      <span><button @click=${() => this.change({ columns: undefined })}>Default columns</button></span>
    </fieldset>`;
  }

  private filter(key: keyof TableView["filters"], value: string) {
    this.change({ filters: { ...this.view.filters, [key]: value } });
  }

  private pick(id: string) {
    const selected = this.view.selected.includes(id) ? this.view.selected.filter((x) => x !== id) : [...this.view.selected, id];
    this.change({ selected });
    this.dispatchEvent(new CustomEvent<string[]>("picked", { detail: selected }));
  }

  private change(patch: Partial<TableView>) {
    this.view = { ...this.view, ...patch };
    this.dispatchEvent(new CustomEvent<URLSearchParams>("query", { detail: writeTableView(this.view) }));
  }
}
