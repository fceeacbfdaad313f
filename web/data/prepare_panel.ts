import { html, LitElement } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import { PrepareConfig } from "../../core/prepare/config.ts";
import type { PrepareManifest } from "../../core/prepare/manifest.ts";
import { downloadFile } from "../download.ts";
import { count } from "../format.ts";
import { shared } from "../styles.ts";
import type { FormChange } from "../train/schema_form.ts";
import { startJob } from "../worker/client.ts";
import type { ChosenFiles } from "./data_picker.ts";
import "../train/schema_form.ts";

const SPLITS = ["train", "val", "test"] as const;
/** The sections of the prepare settings, one form each: the nested objects get their own, the plain settings share the first. */
const SECTIONS = {
  general: PrepareConfig.pick({ gaps: true, scaler: true }),
  columns: PrepareConfig.shape.columns,
  features: PrepareConfig.shape.features,
  labels: PrepareConfig.shape.labels,
  split: PrepareConfig.shape.split,
} as const;
type Section = keyof typeof SECTIONS;
const PARQUET = "application/vnd.apache.parquet";

/** Splits prepared in the page: the three files (as the Train page opens them), prepare.json's bytes, and the settings used. */
export interface PreparedSplits {
  files: Required<ChosenFiles>;
  recipe: Uint8Array;
  settings: Record<string, unknown>;
}

/** One split's line of prepare.json's `splits`. */
interface SplitInfo {
  rows: number;
  from: string | null;
  to: string | null;
  labels: Record<string, Record<"-1" | "0" | "1" | "null", number>>;
}

/**
 * The prepare step of raw OHLCV bars in the page (`mf prepare`'s core code, in a worker): its settings as forms made from
 * PrepareConfig's zod schema, a Prepare button with progress, then the splits' rows, time span and label distribution,
 * downloads of train/val/test.parquet and prepare.json, and `prepared` (PreparedSplits) for training on them.
 * Fires `settings` (the settings as edited) so a page can keep them.
 */
@customElement("mf-prepare-panel")
export class PreparePanel extends LitElement {
  static override styles = shared;

  /** The raw bars to prepare. */
  @property({ attribute: false })
  accessor file: File | undefined;
  /** Settings to show instead of the defaults (the last visit's). */
  @property({ attribute: false })
  accessor values: Record<string, unknown> | undefined;
  @state()
  accessor forms: Partial<Record<Section, FormChange>> = {};
  @state()
  accessor phase = "";
  @state()
  accessor error = "";
  @state()
  accessor result: { files: Required<ChosenFiles>; recipe: Uint8Array; manifest: PrepareManifest; source: File } | undefined;

  override render() {
    const valid = Object.keys(SECTIONS).every((k) => this.forms[k as Section]?.valid);
    const busy = Boolean(this.phase);
    const r = this.result?.source === this.file ? this.result : undefined;
    return html`
      <h3>Prepare ${this.file ? this.file.name : "the bars"}</h3>
      <p class="muted">Causal features, triple-barrier labels per horizon, time splits with purge and embargo, a scaler fitted on train: the same
        code as <code>mf prepare</code>, in a worker of this tab.</p>
      <div class="row">
        ${(Object.keys(SECTIONS) as Section[]).map((key) =>
          html`
            <mf-schema-form legend=${`Prepare: ${key}`} .schema=${SECTIONS[key]} .values=${this.sectionValues(key)}
              @change=${(e: CustomEvent<FormChange>) => this.edit(key, e.detail)}></mf-schema-form>
          `
        )}
      </div>
      <p>
        <button class="primary" ?disabled=${!this.file || !valid || busy} @click=${this.prepare}>${busy ? "Preparing..." : "Prepare"}</button>
        ${busy ? html`<progress aria-label="Prepare progress"></progress> <span class="muted" data-testid="prepare-phase">${this.phase}</span>` : ""}
        ${!valid && this.file ? html`<span class="muted">Fix the invalid settings first.</span>` : ""}
      </p>
      ${this.error ? html`<p class="error" role="alert">Cannot prepare ${this.file?.name}: ${this.error}</p>` : ""}
      ${r ? this.renderResult(r) : ""}
    `;
  }

  private renderResult(r: NonNullable<PreparePanel["result"]>) {
    const splits = r.manifest.splits as unknown as Record<(typeof SPLITS)[number], SplitInfo>;
    const horizons = r.manifest.config.labels.horizons;
    const labels = (c: SplitInfo["labels"][string]) => `short ${count(c["-1"])} · neutral ${count(c["0"])} · long ${count(c["1"])} · none ${count(c.null)}`;
    return html`
      <p data-testid="prepared">Prepared ${count(r.manifest.source.rows)} bars of ${r.manifest.source.symbols.length} symbols into ${r.manifest.features.length}
        features; ${count(r.manifest.warmup_rows_dropped)} warm-up rows dropped, ${r.manifest.gaps.count} gap(s); val from ${r.manifest.split
          .val_start}, test from
        ${r.manifest.split.test_start} (purge ${r.manifest.split.purge}, embargo ${r.manifest.split.embargo}). The splits are opened below for training.</p>
      <table aria-label="Prepared splits">
        <thead>
          <tr><th>split</th><th class="num">rows</th><th>from</th><th>to</th>${horizons.map((h) => html`<th>labels h${h}</th>`)}</tr>
        </thead>
        <tbody>${SPLITS.map((s) =>
          html`<tr><td>${s}</td><td class="num">${count(splits[s].rows)}</td><td>${splits[s].from ?? "-"}</td><td>${splits[s].to ?? "-"}</td>${
            horizons.map((h) => html`<td>${labels(splits[s].labels[`h${h}`])}</td>`)
          }</tr>`
        )}</tbody>
      </table>
      <p>${SPLITS.map((s) =>
        html`
          <button @click=${() => downloadFile(r.files[s], `${s}.parquet`, PARQUET)}>Download ${s}.parquet</button>
        `
      )}
        <button @click=${() => downloadFile(r.recipe, "prepare.json", "application/json")}>Download prepare.json</button></p>
    `;
  }

  /** The settings as the forms hold them, nested as PrepareConfig reads them. */
  settings(): Record<string, unknown> {
    const { general, ...nested } = this.forms;
    return { ...general?.value, ...Object.fromEntries(Object.entries(nested).map(([k, v]) => [k, v.value])) };
  }

  private sectionValues(key: Section): Record<string, unknown> | undefined {
    if (!this.values) return undefined;
    return key === "general" ? this.values : (this.values[key] as Record<string, unknown> | undefined);
  }

  private edit(key: Section, change: FormChange) {
    this.forms = { ...this.forms, [key]: change };
    if (Object.keys(SECTIONS).every((k) => this.forms[k as Section])) {
      this.dispatchEvent(new CustomEvent<Record<string, unknown>>("settings", { detail: this.settings() }));
    }
  }

  private async prepare() {
    const source = this.file!;
    const settings = this.settings();
    this.error = "";
    this.phase = "starting";
    try {
      const done = await startJob({ kind: "prepare", file: source, config: settings }, ({ event }) => {
        if (event.kind === "phase") this.phase = event.detail ? `${event.phase}: ${event.detail}` : event.phase;
      }).result;
      const { files, recipe, manifest } = done.prepared!;
      const named = Object.fromEntries(SPLITS.map((s) => [s, new File([files[s] as BlobPart], `${s}.parquet`, { type: PARQUET })])) as Required<ChosenFiles>;
      if (this.file !== source) return; // another file was opened meanwhile
      this.result = { files: named, recipe, manifest, source };
      this.dispatchEvent(new CustomEvent<PreparedSplits>("prepared", { detail: { files: named, recipe, settings } }));
    } catch (error) {
      this.error = (error as Error).message;
    } finally {
      this.phase = "";
    }
  }
}
