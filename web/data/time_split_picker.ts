import { css, html, LitElement, type PropertyValues } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import { TimeSplitConfig } from "../../core/config/dataset.ts";
import { parseConfig } from "../../core/config/parse.ts";
import type { TimeIndex } from "../../core/data/time_index.ts";
import { planTimeSplit } from "../../core/data/time_split.ts";
import { summarizeTimeSplit, type TimeSplitView } from "../../core/data/time_split_summary.ts";
import { count } from "../format.ts";
import { shared } from "../styles.ts";

/** What the picker reports on every change: the split config for `dataset.split` and its summary, or why it cannot be used. */
export type TimeSplitChoice = { config: TimeSplitConfig; view: TimeSplitView; error?: undefined } | { error: string; config?: undefined; view?: undefined };

const MINUTE = 60_000;
/** A UTC time as a datetime-local value (minutes). */
const toInput = (ms: number) => new Date(Math.floor(ms / MINUTE) * MINUTE).toISOString().slice(0, 16);
/** A datetime-local value read as UTC, as an ISO time for the config; undefined when incomplete. */
function fromInput(text: string): string | undefined {
  const ms = Date.parse(/T\d\d:\d\d$/.test(text) ? `${text}:00Z` : `${text}Z`);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

/**
 * Chooses how one file is cut into train, val and test: two boundary times (UTC, the same for every
 * symbol; 70/15/15 of the time range at first), the purge before each boundary (the horizon unless
 * set) and an embargo after it. Shows the rows each split gets, counted by the code training uses.
 * Fires `split` (TimeSplitChoice) whenever the file, the horizon or a value changes.
 */
@customElement("mf-time-split")
export class TimeSplitPicker extends LitElement {
  static override styles = [
    shared,
    css`
      fieldset {
        border: 1px solid #d8dde3;
        border-radius: 6px;
        padding: 0.5rem 0.8rem;
        margin: 0.6rem 0;
      }
      legend {
        font-weight: 600;
      }
      .grid {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(15rem, 1fr));
        gap: 0.4rem 1rem;
        align-items: baseline;
      }
      label {
        display: flex;
        flex-direction: column;
        gap: 0.15rem;
      }
    `,
  ];

  /** The opened file's times, symbols and labels. */
  @property({ attribute: false })
  accessor index: TimeIndex | undefined;
  /** The purge when none is typed: the label horizon (labels look that many bars ahead). */
  @property({ type: Number })
  accessor defaultPurge = 5;
  @state()
  accessor valStart = "";
  @state()
  accessor testStart = "";
  @state()
  accessor purge = "";
  @state()
  accessor embargo = "0";
  @state()
  accessor choice: TimeSplitChoice | undefined;

  protected override willUpdate(changed: PropertyValues<this>) {
    if (changed.has("index") && this.index) this.reset();
    if (this.index && ["index", "defaultPurge", "valStart", "testStart", "purge", "embargo"].some((k) => changed.has(k as keyof TimeSplitPicker))) {
      this.choice = this.evaluate(this.index);
      this.dispatchEvent(new CustomEvent<TimeSplitChoice>("split", { detail: this.choice }));
    }
  }

  override render() {
    if (!this.index) return "";
    const c = this.choice;
    const purge = c?.view?.plan.purge ?? this.defaultPurge;
    return html`<fieldset>
      <legend>Time split of ${this.index.file} (UTC, the same instants for every symbol)</legend>
      <div class="grid">
        <label>Validation starts (train ends before it)
          <input type="datetime-local" step="60" .value=${this.valStart} @input=${(
      e: Event,
    ) => (this.valStart = (e.target as HTMLInputElement).value)} /></label>
        <label>Test starts (validation ends before it)
          <input type="datetime-local" step="60" .value=${this.testStart} @input=${(
      e: Event,
    ) => (this.testStart = (e.target as HTMLInputElement).value)} /></label>
        <label>Purge: rows dropped before each boundary
          <input inputmode="numeric" .value=${this.purge} placeholder=${`the horizon: ${this.defaultPurge}`} @input=${(
      e: Event,
    ) => (this.purge = (e.target as HTMLInputElement).value)} /></label>
        <label>Embargo: rows dropped after each boundary
          <input inputmode="numeric" .value=${this.embargo} @input=${(e: Event) => (this.embargo = (e.target as HTMLInputElement).value)} /></label>
      </div>
      <p><button @click=${this.reset}>Reset to 70 / 15 / 15</button></p>
      ${
      c?.view
        ? html`<p data-testid="split-rows" aria-live="polite">train ${count(c.view.counts.train)} rows · val ${count(c.view.counts.val)} · test ${
          count(c.view.counts.test)
        } ·
            ${
          count(c.view.counts.dropped)
        } dropped (per symbol, ${purge} before and ${c.view.plan.embargo} after each boundary, so no label looks across one)</p>`
        : html`<p class="error" role="alert" data-testid="split-error">${c?.error ?? ""}</p>`
    }
    </fieldset>`;
  }

  /** Boundaries back at 70/15/15 of the file's time range, default purge, no embargo. */
  private reset() {
    if (!this.index) return;
    try {
      const plan = planTimeSplit(this.index.time, TimeSplitConfig.parse({}), { purge: this.defaultPurge, source: this.index.file });
      [this.valStart, this.testStart] = [toInput(plan.valStart), toInput(plan.testStart)];
    } catch {
      // a file too short to split: leave the fields empty, evaluate() says why
      [this.valStart, this.testStart] = ["", ""];
    }
    [this.purge, this.embargo] = ["", "0"];
  }

  private evaluate(index: TimeIndex): TimeSplitChoice {
    const dates = [fromInput(this.valStart), fromInput(this.testStart)];
    if (!dates[0] || !dates[1]) return { error: `Choose when ${dates[0] ? "test" : "validation"} starts (a date and time, UTC)` };
    for (const [name, text] of [["Purge", this.purge], ["Embargo", this.embargo]]) {
      if (text.trim() !== "" && !/^\s*\d+\s*$/.test(text)) return { error: `${name} must be a whole number of rows, got "${text}"` };
    }
    const rows = (text: string) => (text.trim() === "" ? undefined : Number(text));
    try {
      const config = parseConfig(TimeSplitConfig, { dates, purge: rows(this.purge), embargo: rows(this.embargo) ?? 0 }, "time split");
      return { config, view: summarizeTimeSplit(index, config, { purge: this.defaultPurge }) };
    } catch (error) {
      return { error: (error as Error).message };
    }
  }
}
