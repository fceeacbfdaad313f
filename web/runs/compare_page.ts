import { css, html, LitElement, nothing, type PropertyValues, type TemplateResult } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import type { RunReader } from "../../core/platform.ts";
import type { Metrics } from "../../core/train/evaluate.ts";
import type { ChartData } from "../chart.ts";
import { count, num } from "../format.ts";
import { shared } from "../styles.ts";
import { dataDifferences } from "./data_column.ts";
import { columnTitle, METRICS } from "./run_columns.ts";
import { readEpochs, readRunRow, type RunRow } from "./run_data.ts";
import "../chart.ts";

/** Two or more runs side by side: the settings that differ, val and test metrics (best marked), and one per-epoch curve of each overlaid. */
@customElement("mf-compare-page")
export class ComparePage extends LitElement {
  static override styles = [
    shared,
    css`
      tr.diff td,
      tr.diff th {
        background: #fff4d6;
      }
      td.best {
        font-weight: 700;
        color: #1a7f37;
      }
      .scroll {
        overflow-x: auto;
      }
      .warning {
        border: 1px solid #d4a72c;
        background: #fff8c5;
        border-radius: 4px;
        padding: 0.4rem 0.8rem;
        margin: 0.6rem 0;
      }
    `,
  ];

  @property({ attribute: false })
  accessor reader: RunReader | undefined;
  @property({ attribute: false })
  accessor runIds: string[] = [];
  /** The per-epoch series overlaid (a key of metrics.jsonl); fires `query` with `curve` when a person picks another. */
  @property()
  accessor curve = "val_loss";
  @property()
  accessor back = "#/runs";
  @state()
  accessor runs: { row: RunRow; epochs: Awaited<ReturnType<typeof readEpochs>> }[] | undefined;
  @state()
  accessor error = "";

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
    const back = html`<p><a href=${this.back}>← all runs</a></p>`;
    if (this.error) return html`${back}<p class="error" role="alert">${this.error}</p>`;
    if (this.runIds.length < 2) return html`${back}<p class="empty">Pick two or more runs in the runs table to compare them.</p>`;
    if (!this.runs) return html`${back}<p class="muted">Reading runs...</p>`;
    const unreadable = this.runs.filter((r) => !r.row.record);
    const runs = this.runs.filter((r) => r.row.record);
    const settings = settingRows(runs.map((r) => r.row));
    const same = settings.filter((s) => !s.differs);
    const curves = [
      ...new Set(
        runs.flatMap((r) =>
          r.epochs.flatMap((e) => Object.keys(e).filter((k) => k !== "epoch" && typeof (e as unknown as Record<string, unknown>)[k] === "number"))
        ),
      ),
    ];
    const curve = curves.includes(this.curve) ? this.curve : curves[0];
    const longest = runs.reduce((n, r) => Math.max(n, r.epochs.length), 0);
    const x = Array.from({ length: longest }, (_, i) => i);
    // epochs counted from 1 on the axis, as the Train page's chart and the best epoch say them
    const axis = x.map((i) => i + 1);
    const head = (first: string) =>
      html`<tr><th>${first}</th>${runs.map((r) => html`<th><a href=${`#/runs/${encodeURIComponent(r.row.id)}`}>${r.row.id}</a></th>`)}</tr>`;
    return html`
      ${back}
            ${unreadable.map((r) => html`<p class="error" role="alert">Run ${r.row.id} cannot be read: ${r.row.error}</p>`)}
            ${this.dataWarning(runs.map((r) => r.row), head)}
            <section aria-labelledby="cmp-settings"><h2 id="cmp-settings">Settings that differ</h2>
              ${settings.length > same.length
                ? html`
                  <div class="scroll">
                    <table aria-label="Settings compared">
                      <thead>${head("setting")}</thead>
                      <tbody>${settings.filter((s) => s.differs).map(({ key, values }) =>
                        html`<tr class="diff"><th>≠ ${key}</th>${values.map((v) => html`<td>${v}</td>`)}</tr>`
                      )}</tbody>
                    </table>
                  </div>
                `
                : html`<p class="empty">Every setting is the same in these runs.</p>`}
              ${same.length
                ? html`
                  <details>
                    <summary>${same.length} setting(s) the same in every run</summary>
                    <table aria-label="Settings the same">
                      <tbody>${same.map(({ key, values }) =>
                        html`
                          <tr>
                            <th>${key}</th>
                            <td>${values[0]}</td>
                          </tr>
                        `
                      )}</tbody>
                    </table>
                  </details>
                `
                : ""}
            </section>
            <section aria-labelledby="cmp-metrics">
        <h2 id="cmp-metrics">Metrics</h2>
        <p class="muted">★ marks the best run per metric: the lowest log loss and max drawdown, the highest of the others.</p>
        <div class="scroll">
          <table aria-label="Metrics compared">
            <thead>${head("metric")}</thead>
            <tbody>${(["val", "test"] as const).flatMap((split) =>
              Object.entries(METRICS).map(([m, better]) => {
                const values = runs.map((r) => r.row.metrics?.[split][m as keyof Metrics] as number | null | undefined);
                const finite = values.filter((v): v is number => typeof v === "number" && Number.isFinite(v));
                const best = better && finite.length > 1 ? (better === "lower" ? Math.min(...finite) : Math.max(...finite)) : undefined;
                return html`<tr><th title=${columnTitle(`${split}.${m}`) ?? nothing}>${split} ${m}${m === "sharpe" ? " (annualised)" : ""}</th>${
                  values.map((v) =>
                    html`<td class="num ${v === best ? "best" : ""}">${(m === "n" || m === "n_trades") && typeof v === "number" ? count(v) : num(v)}${
                      v === best ? " ★" : ""
                    }</td>`
                  )
                }</tr>`;
              })
            )}</tbody>
          </table>
        </div>
      </section>
            <section aria-labelledby="cmp-curves"><h2 id="cmp-curves">Curves</h2>
              ${curves.length
                ? html`
                  <label>series <select name="curve" @change=${(e: Event) => this.pickCurve((e.target as HTMLSelectElement).value)}>
                            ${curves.map((c) => html`<option .value=${c} ?selected=${c === curve}>${c}</option>`)}</select></label>
                  <mf-chart label=${curve} .series=${runs.map((r) => r.row.id)} .data=${[
                    axis,
                    ...runs.map((r) => x.map((i) => (r.epochs[i] as unknown as Record<string, number | undefined> | undefined)?.[curve] ?? null)),
                  ] as ChartData}></mf-chart>
                `
                : html`<p class="empty">No epochs recorded.</p>`}
            </section>
    `;
  }

  /** A warning naming what differs when the runs were not trained and scored on the same data and labels; nothing when they were. */
  private dataWarning(rows: RunRow[], head: (first: string) => TemplateResult) {
    const differences = dataDifferences(rows.map((r) => r.record!));
    if (!differences.length) return nothing;
    return html`
      <section class="warning" role="alert" aria-labelledby="cmp-data">
        <h2 id="cmp-data">These runs used different data</h2>
        <p>Different ${differences.map((d) => d.what).join(", ")}: their metrics are not measured on the same samples, so they do not compare as equals.</p>
        <div class="scroll">
          <table aria-label="Data compared">
            <thead>${head("data")}</thead>
            <tbody>${differences.map((d) => html`<tr class="diff"><th>≠ ${d.what}</th>${d.values.map((v) => html`<td>${v}</td>`)}</tr>`)}</tbody>
          </table>
        </div>
      </section>
    `;
  }

  private pickCurve(curve: string) {
    this.curve = curve;
    this.dispatchEvent(new CustomEvent<URLSearchParams>("query", { detail: new URLSearchParams({ curve }) }));
  }
}

/** Every setting of any run (model, horizon, window, then params, dataset and trainer keys), each run's value, and whether they differ. */
function settingRows(rows: RunRow[]): { key: string; values: string[]; differs: boolean }[] {
  const flat = rows.map((r) => {
    const rec = r.record!;
    const out: Record<string, string> = {
      model: rec.model,
      horizon: String(rec.horizon),
      window: String(rec.seq_len),
      backend: rec.backend.name,
      status: rec.status,
    };
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
