import { css, html, LitElement } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import type { RunReader } from "../../core/platform.ts";
import { num } from "../format.ts";
import { shared } from "../styles.ts";
import { readRunRows, type RunRow } from "./run_data.ts";

interface Column {
  key: string;
  label: string;
  value(row: RunRow): string | number | undefined;
  numeric?: boolean;
}

const COLUMNS: Column[] = [
  { key: "id", label: "run", value: (r) => r.id },
  { key: "model", label: "model", value: (r) => r.record?.model },
  { key: "horizon", label: "horizon", value: (r) => r.record?.horizon, numeric: true },
  { key: "seq_len", label: "window", value: (r) => r.record?.seq_len, numeric: true },
  { key: "status", label: "status", value: (r) => r.record?.status ?? "unreadable" },
  { key: "epochs", label: "epochs", value: (r) => r.record?.epochs_run, numeric: true },
  { key: "backend", label: "backend", value: (r) => r.record?.backend.name },
  { key: "val_f1", label: "val F1 macro", value: (r) => r.metrics?.val.f1_macro, numeric: true },
  { key: "test_acc", label: "test accuracy", value: (r) => r.metrics?.test.accuracy, numeric: true },
  { key: "test_f1", label: "test F1 macro", value: (r) => r.metrics?.test.f1_macro, numeric: true },
  { key: "test_sharpe", label: "test Sharpe", value: (r) => r.metrics?.test.sharpe ?? undefined, numeric: true },
];
const FILTERS = ["model", "horizon", "status"] as const;

/** Every stored run, read through the read-only RunReader: sortable by any column, filterable by model, horizon and status; fires `picked` with the runs ticked. */
@customElement("mf-runs-table")
export class RunsTable extends LitElement {
  static override styles = [shared, css`
    th button { all: unset; cursor: pointer; white-space: nowrap; }
    th button:focus-visible { outline: 2px solid #1f6feb; }
    td.id { white-space: nowrap; }
  `];

  @property({ attribute: false }) accessor reader: RunReader | undefined;
  @state() accessor rows: RunRow[] | undefined;
  @state() accessor error = "";
  @state() accessor sort = { key: "id", descending: true };
  @state() accessor filters: Record<string, string> = {};
  @state() accessor picked: string[] = [];

  override connectedCallback() {
    super.connectedCallback();
    void this.load();
  }

  /** Reads the runs again (after a training run ends or a run is deleted). */
  async load() {
    if (!this.reader) return;
    try {
      this.rows = await readRunRows(this.reader);
    } catch (error) {
      this.error = `Cannot read the stored runs: ${(error as Error).message}`;
    }
  }

  override render() {
    if (this.error) return html`<p class="error" role="alert">${this.error}</p>`;
    if (!this.rows) return html`<p class="muted">Reading runs...</p>`;
    if (!this.rows.length) return html`<p class="empty">No runs yet. Train a model and it shows up here; runs stay in this browser.</p>`;
    const column = COLUMNS.find((c) => c.key === this.sort.key)!;
    const shown = this.rows
      .filter((r) => FILTERS.every((f) => !this.filters[f] || String(COLUMNS.find((c) => c.key === f)!.value(r)) === this.filters[f]))
      .sort((a, b) => compare(column.value(a), column.value(b)) * (this.sort.descending ? -1 : 1));
    return html`
      <div class="row" role="group" aria-label="Filters">
        ${FILTERS.map((f) => {
          const values = [...new Set(this.rows!.map((r) => String(COLUMNS.find((c) => c.key === f)!.value(r))))].sort();
          return html`<label>${f} <select name=${`filter-${f}`} @change=${(e: Event) => (this.filters = { ...this.filters, [f]: (e.target as HTMLSelectElement).value })}>
            <option value="">all</option>${values.map((v) => html`<option .value=${v}>${v}</option>`)}</select></label>`;
        })}
        <span class="muted">${shown.length} of ${this.rows.length} runs</span>
        <button @click=${() => (location.hash = `#/compare/${this.picked.map(encodeURIComponent).join(",")}`)} ?disabled=${this.picked.length < 2}>Compare selected (${this.picked.length})</button>
      </div>
      <table aria-label="Runs">
        <thead><tr><th><span class="muted">compare</span></th>${COLUMNS.map((c) => html`<th class=${c.numeric ? "num" : ""} aria-sort=${c.key === this.sort.key ? (this.sort.descending ? "descending" : "ascending") : "none"}>
          <button @click=${() => (this.sort = { key: c.key, descending: c.key === this.sort.key ? !this.sort.descending : c.numeric === true })}>${c.label}${c.key === this.sort.key ? (this.sort.descending ? " ▼" : " ▲") : ""}</button></th>`)}</tr></thead>
        <tbody>${shown.map((r) => html`<tr><td><input type="checkbox" aria-label=${`compare ${r.id}`} .checked=${this.picked.includes(r.id)} @change=${() => this.pick(r.id)} /></td>${COLUMNS.map((c) => {
          const v = c.value(r);
          if (c.key === "id") return html`<td class="id"><a href=${`#/runs/${encodeURIComponent(r.id)}`}>${r.id}</a>${r.error ? html`<div class="error">${r.error}</div>` : ""}</td>`;
          return html`<td class=${c.numeric ? "num" : ""}>${typeof v === "number" && !Number.isInteger(v) ? num(v) : v ?? "-"}</td>`;
        })}</tr>`)}</tbody>
      </table>
    `;
  }

  private pick(id: string) {
    this.picked = this.picked.includes(id) ? this.picked.filter((x) => x !== id) : [...this.picked, id];
    this.dispatchEvent(new CustomEvent<string[]>("picked", { detail: this.picked }));
  }
}

function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === undefined || a === null) return -1;
  if (b === undefined || b === null) return 1;
  return typeof a === "number" && typeof b === "number" ? a - b : String(a).localeCompare(String(b));
}
