import { html, LitElement, type PropertyValues } from "lit";
import { customElement, state } from "lit/decorators.js";
import type { TimeSplitConfig } from "../../core/config/dataset.ts";
import type { SplitSummaries } from "../../core/data/summary.ts";
import type { TimeIndex } from "../../core/data/time_index.ts";
import type { ChosenFiles, DataLayout } from "../data/data_picker.ts";
import type { TimeSplitChoice } from "../data/time_split_picker.ts";
import { shared } from "../styles.ts";
import { startJob } from "../worker/client.ts";
import type { SplitFiles, TrainFiles } from "../worker/protocol.ts";
import "../data/data_picker.ts";
import "../data/data_summary.ts";
import "../data/time_split_picker.ts";

/** The data of an experiment: its files, the time split of one file, and the horizons its label columns offer. */
export interface DataChoice {
  files: TrainFiles;
  split?: TimeSplitConfig;
  /** Horizons H of the `label_h{H}` columns every split has, ascending. */
  horizons: number[];
}

const SPLITS = ["train", "val", "test"] as const;
const LABEL = /^label_h(\d+)$/;

/**
 * The experiment's data, picked as on the Train page: three split files (each summarised in a worker)
 * or one file cut by time here. Fires `data` (DataChoice, or undefined while it is incomplete) on every change.
 */
@customElement("mf-experiment-data")
export class ExperimentData extends LitElement {
  static override styles = shared;

  @state()
  accessor layout: DataLayout = "splits";
  @state()
  accessor files: ChosenFiles = {};
  @state()
  accessor summaries: SplitSummaries = {};
  @state()
  accessor status: Partial<Record<(typeof SPLITS)[number], string>> = {};
  /** The one file to cut by time: its index once read, or "reading", or why it cannot be read. */
  @state()
  accessor one: { file: File; index?: TimeIndex; status?: string } | undefined;
  @state()
  accessor split: TimeSplitChoice | undefined;

  protected override updated(changed: PropertyValues<this>) {
    if (["layout", "summaries", "one", "split"].some((k) => changed.has(k as keyof ExperimentData))) {
      this.dispatchEvent(new CustomEvent<DataChoice | undefined>("data", { detail: this.choice() }));
    }
  }

  override render() {
    const oneFile = this.layout === "one";
    const horizons = this.horizons();
    const oneStatus = this.one?.status === "reading"
      ? { train: "reading", val: "reading", test: "reading" }
      : this.one?.status
      ? { train: this.one.status }
      : {};
    return html`
      <mf-data-picker .layout=${this.layout} @layout=${(e: CustomEvent<DataLayout>) => (this.layout = e.detail)}
        @files=${(e: CustomEvent<ChosenFiles>) => this.open(e.detail)} @file=${(e: CustomEvent<File>) => this.openOne(e.detail)}></mf-data-picker>
      ${oneFile
        ? html`
          <mf-time-split .index=${this.one?.index} .defaultPurge=${Math.max(1, ...horizons)}
            @split=${(e: CustomEvent<TimeSplitChoice>) => (this.split = e.detail)}></mf-time-split>
        `
        : ""}
      <mf-data-summary .summaries=${oneFile ? this.split?.view?.summaries ?? {} : this.summaries} .status=${oneFile ? oneStatus : this.status}
        .horizon=${horizons[0] ?? 5} .seqLen=${1}></mf-data-summary>
    `;
  }

  /** Horizons whose label column is in every split (or in the one file). */
  private horizons(): number[] {
    const columns = this.layout === "one"
      ? Object.keys(this.one?.index?.labels ?? {})
      : SPLITS.map((s) => Object.keys(this.summaries[s]?.labels ?? {})).reduce((a, b) => a.filter((c) => b.includes(c)));
    return columns.map((c) => LABEL.exec(c)?.[1]).filter((h): h is string => h !== undefined).map(Number).sort((a, b) => a - b);
  }

  private choice(): DataChoice | undefined {
    if (this.layout === "one") {
      if (!this.one?.index || !this.split?.config) return undefined;
      return { files: { file: this.one.file }, split: this.split.config, horizons: this.horizons() };
    }
    if (!SPLITS.every((s) => this.summaries[s])) return undefined;
    return { files: this.files as SplitFiles, horizons: this.horizons() };
  }

  private open(chosen: ChosenFiles) {
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
        },
        (error: Error) => {
          if (this.files[split] === file) this.status = { ...this.status, [split]: `${split}: ${error.message}` };
        },
      );
    }
  }

  private openOne(file: File) {
    this.one = { file, status: "reading" };
    this.split = undefined;
    startJob({ kind: "index", file }).result.then(
      (done) => this.one?.file === file && (this.one = { file, index: done.index }),
      (error: Error) => this.one?.file === file && (this.one = { file, status: `${file.name}: ${error.message}` }),
    );
  }
}
