import { css, html, LitElement, type PropertyValues } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import type { RunReader } from "../../core/platform.ts";
import type { ChartData } from "../chart.ts";
import { num } from "../format.ts";
import { shared } from "../styles.ts";
import { readEpochs, readRunRow, type RunRow } from "./run_data.ts";
import "../chart.ts";

const METRICS = ["accuracy", "f1_macro", "f1_weighted", "log_loss", "sharpe", "max_drawdown", "win_rate", "profit_factor"] as const;
/** Metrics where smaller is better; every other one is better larger. */
const LOWER_BETTER = new Set(["log_loss", "max_drawdown"]);

/** Two or more runs side by side: settings (differences highlighted), val and test metrics (best marked), and val-loss curves overlaid. */
@customElement("mf-compare-page")
export class ComparePage extends LitElement {
  static override styles = [shared, css`
    tr.diff td, tr.diff th { background: #fff4d6; }
    td.best { font-weight: 700; color: #1a7f37; }
    .scroll { overflow-x: auto; }
  `];

  @property({ attribute: false }) accessor reader: RunReader | undefined;
  @property({ attribute: false }) accessor runIds: string[] = [];
  @state() accessor runs: { row: RunRow; epochs: Awaited<ReturnType<typeof readEpochs>> }[] | undefined;
  @state() accessor error = "";

  protected override willUpdate(changed: PropertyValues<this>) {
    if (changed.has("runIds") || changed.has("reader")) void this.load();
  }

  private async load() {
    if (!this.reader) return;
    const reader = this.reader;
    this.runs = undefined;
    try {
      this.runs = await Promise.all(this.runIds.map(async (id) => {
        const row = await readRunRow(reader, id);
        return { row, epochs: row.record ? await readEpochs(reader, id) : [] };
      }));
    } catch (error) {
      this.error = (error as Error).message;
    }
  }

  override render() {
    const back = html`<p><a href="#/runs">← all runs</a></p>`;
    if (this.error) return html`${back}<p class="error" role="alert">${this.error}</p>`;
    if (this.runIds.length < 2) return html`${back}<p class="empty">Pick two or more runs in the runs table to compare them.</p>`;
    if (!this.runs) return html`${back}<p class="muted">Reading runs...</p>`;
    const unreadable = this.runs.filter((r) => !r.row.record);
    const runs = this.runs.filter((r) => r.row.record);
    const settings = settingRows(runs.map((r) => r.row));
    const longest = runs.reduce((n, r) => Math.max(n, r.epochs.length), 0);
    const x = Array.from({ length: longest }, (_, i) => i);
    const head = (first: string) => html`<tr><th>${first}</th>${runs.map((r) => html`<th><a href=${`#/runs/${encodeURIComponent(r.row.id)}`}>${r.row.id}</a></th>`)}</tr>`;
    return html`${back}
      ${unreadable.map((r) => html`<p class="error" role="alert">Run ${r.row.id} cannot be read: ${r.row.error}</p>`)}
      <section aria-labelledby="cmp-settings"><h2 id="cmp-settings">Settings</h2>
        <p class="muted">Rows where the runs differ are highlighted and marked ≠.</p>
        <div class="scroll"><table aria-label="Settings compared"><thead>${head("setting")}</thead>
          <tbody>${settings.map(({ key, values, differs }) => html`<tr class=${differs ? "diff" : ""}><th>${differs ? "≠ " : ""}${key}</th>${values.map((v) => html`<td>${v}</td>`)}</tr>`)}</tbody>
        </table></div>
      </section>
      <section aria-labelledby="cmp-metrics"><h2 id="cmp-metrics">Metrics</h2>
        <div class="scroll"><table aria-label="Metrics compared"><thead>${head("metric")}</thead>
          <tbody>${(["val", "test"] as const).flatMap((split) => METRICS.map((m) => {
            const values = runs.map((r) => r.row.metrics?.[split][m] as number | null | undefined);
            const finite = values.filter((v): v is number => typeof v === "number" && Number.isFinite(v));
            const best = finite.length > 1 ? (LOWER_BETTER.has(m) ? Math.min(...finite) : Math.max(...finite)) : undefined;
            return html`<tr><th>${split} ${m}</th>${values.map((v) => html`<td class="num ${v === best ? "best" : ""}">${num(v)}${v === best ? " ★" : ""}</td>`)}</tr>`;
          }))}</tbody>
        </table></div>
      </section>
      <section aria-labelledby="cmp-curves"><h2 id="cmp-curves">Validation loss</h2>
        <mf-chart label="val_loss" .series=${runs.map((r) => r.row.id)} .data=${[x, ...runs.map((r) => x.map((i) => r.epochs[i]?.val_loss ?? null))] as ChartData}></mf-chart>
      </section>
    `;
  }
}

/** Every setting of any run (model, horizon, window, then params, dataset and trainer keys), each run's value, and whether they differ. */
function settingRows(rows: RunRow[]): { key: string; values: string[]; differs: boolean }[] {
  const flat = rows.map((r) => {
    const rec = r.record!;
    const out: Record<string, string> = { model: rec.model, horizon: String(rec.horizon), window: String(rec.seq_len), backend: rec.backend.name, status: rec.status };
    for (const part of ["params", "dataset", "trainer"] as const) {
      for (const [k, v] of Object.entries(rec.config[part])) out[`${part}.${k}`] = typeof v === "string" ? v : JSON.stringify(v);
    }
    return out;
  });
  const keys = [...new Set(flat.flatMap((f) => Object.keys(f)))];
  return keys.map((key) => {
    const values = flat.map((f) => f[key] ?? "-");
    return { key, values, differs: new Set(values).size > 1 };
  });
}
