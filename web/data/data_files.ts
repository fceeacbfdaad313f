import type { ReactiveController, ReactiveControllerHost } from "lit";
import type { SplitSummaries } from "../../core/data/summary.ts";
import type { TimeIndex } from "../../core/data/time_index.ts";
import { SYMBOL_COLUMN, TIME_COLUMN } from "../../core/data/columns.ts";
import { looksLikeRawBars } from "../../core/prepare/raw_bars.ts";
import type { PreparedSplits } from "./prepare_panel.ts";
import { startJob } from "../worker/client.ts";
import type { ChosenFiles } from "./data_picker.ts";
import type { TimeSplitChoice } from "./time_split_picker.ts";

const SPLITS = ["train", "val", "test"] as const;

/**
 * The data a page picks (the Train page, an experiment's data): three split files, each summarised in a worker, or
 * one file indexed in a worker and cut by time with the split picker, or raw bars prepared in the page into three
 * splits. A Lit controller: its host re-renders on every change, and `onChange` hears of it too. A file replaced while it was being read keeps only the newest answer.
 */
export class DataFiles implements ReactiveController {
  files: ChosenFiles = {};
  summaries: SplitSummaries = {};
  status: Partial<Record<(typeof SPLITS)[number], string>> = {};
  /** The one file to cut by time: its index once read, or "reading", or why it cannot be read. */
  one: { file: File; index?: TimeIndex; status?: string } | undefined;
  /** The time split chosen for the one file. */
  split: TimeSplitChoice | undefined;
  /** Raw bars to prepare, and the splits prepared from them (then also opened as the three split files). */
  bars: File | undefined;
  prepared: PreparedSplits | undefined;

  constructor(private readonly host: ReactiveControllerHost, private readonly onChange: () => void = () => undefined) {
    host.addController(this);
  }

  hostConnected(): void {}

  /** Three split files chosen (some or all): each is summarised in a worker. */
  open(chosen: ChosenFiles): void {
    this.files = { ...this.files, ...chosen };
    for (const split of SPLITS) {
      const file = chosen[split];
      if (!file) continue;
      this.summaries = { ...this.summaries, [split]: undefined };
      this.status = { ...this.status, [split]: "reading" };
      startJob({ kind: "summarize", file }).result.then(
        (done) => {
          if (this.files[split] !== file) return;
          this.summaries = { ...this.summaries, [split]: done.summary };
          this.status = { ...this.status, [split]: undefined };
          this.changed();
        },
        (error: Error) => {
          if (this.files[split] !== file) return;
          this.status = { ...this.status, [split]: `${split}: ${error.message}` };
          this.changed();
        },
      );
    }
    this.changed();
  }

  /** One file chosen, to be cut by time: indexed in a worker. */
  openOne(file: File): void {
    this.one = { file, status: "reading" };
    this.split = undefined;
    startJob({ kind: "index", file }).result.then(
      (done) => this.one?.file === file && ((this.one = { file, index: done.index }), this.changed()),
      (error: Error) => this.one?.file === file && ((this.one = { file, status: `${file.name}: ${error.message}` }), this.changed()),
    );
    this.changed();
  }

  /** Raw OHLCV bars chosen, to be prepared in the page. */
  openBars(file: File): void {
    this.bars = file;
    this.changed();
  }

  /** Splits prepared from the bars: opened as the three split files, their recipe kept for the run. */
  openPrepared(prepared: PreparedSplits): void {
    this.prepared = prepared;
    this.open(prepared.files);
  }

  /** prepare.json of the splits when the open split files are the ones prepared here (the run keeps it, as `mf train` does). */
  recipe(): Uint8Array | undefined {
    const p = this.prepared;
    return p && SPLITS.every((s) => this.files[s] === p.files[s]) ? p.recipe : undefined;
  }

  /**
   * The first file opened in `layout` whose columns are raw OHLCV bars (datetime, symbol, open/high/low/close/volume, no
   * labels), which belongs in the raw layout rather than being read as "5 features, no labels".
   */
  rawLooking(layout: "splits" | "one"): File | undefined {
    if (layout === "splits") {
      for (const split of SPLITS) {
        const s = this.summaries[split];
        if (s && looksLikeRawBars([TIME_COLUMN, SYMBOL_COLUMN, ...s.features, ...Object.keys(s.labels)])) return this.files[split];
      }
      return undefined;
    }
    const index = this.one?.index;
    if (index && looksLikeRawBars([TIME_COLUMN, SYMBOL_COLUMN, ...index.features, ...Object.keys(index.labels)])) return this.one!.file;
    return undefined;
  }

  /** The time split picker's choice for the one file. */
  setSplit(choice: TimeSplitChoice): void {
    this.split = choice;
    this.changed();
  }

  /** What the data summary shows while the one file is read, or why it cannot be. */
  oneStatus(): Partial<Record<(typeof SPLITS)[number], string>> {
    if (this.one?.status === "reading") return { train: "reading", val: "reading", test: "reading" };
    return this.one?.status ? { train: this.one.status } : {};
  }

  private changed(): void {
    this.host.requestUpdate();
    this.onChange();
  }
}
