import { html, LitElement, type PropertyValues } from "lit";
import { customElement, state } from "lit/decorators.js";
import type { TimeSplitConfig } from "../../core/config/dataset.ts";
import type { ChosenFiles, DataLayout } from "../data/data_picker.ts";
import type { TimeSplitChoice } from "../data/time_split_picker.ts";
import { DataFiles } from "../data/data_files.ts";
import { shared } from "../styles.ts";
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
  private readonly data = new DataFiles(this, () => this.tell());

  protected override updated(changed: PropertyValues<this>) {
    if (changed.has("layout")) this.tell();
  }

  private tell() {
    this.dispatchEvent(new CustomEvent<DataChoice | undefined>("data", { detail: this.choice() }));
  }

  override render() {
    const oneFile = this.layout === "one";
    const horizons = this.horizons();
    const { data } = this;
    return html`
      <mf-data-picker .layout=${this.layout} @layout=${(e: CustomEvent<DataLayout>) => (this.layout = e.detail)}
        @files=${(e: CustomEvent<ChosenFiles>) => data.open(e.detail)} @file=${(e: CustomEvent<File>) => data.openOne(e.detail)}></mf-data-picker>
      ${oneFile
        ? html`
          <mf-time-split .index=${data.one?.index} .defaultPurge=${Math.max(1, ...horizons)}
            @split=${(e: CustomEvent<TimeSplitChoice>) => data.setSplit(e.detail)}></mf-time-split>
        `
        : ""}
      <mf-data-summary .summaries=${oneFile ? data.split?.view?.summaries ?? {} : data.summaries} .status=${oneFile ? data.oneStatus() : data.status}
        .horizon=${horizons[0] ?? 5} .seqLen=${1}></mf-data-summary>
    `;
  }

  /** Horizons whose label column is in every split (or in the one file). */
  private horizons(): number[] {
    const columns = this.layout === "one"
      ? Object.keys(this.data.one?.index?.labels ?? {})
      : SPLITS.map((s) => Object.keys(this.data.summaries[s]?.labels ?? {})).reduce((a, b) => a.filter((c) => b.includes(c)));
    return columns.map((c) => LABEL.exec(c)?.[1]).filter((h): h is string => h !== undefined).map(Number).sort((a, b) => a - b);
  }

  private choice(): DataChoice | undefined {
    if (this.layout === "one") {
      const { one, split } = this.data;
      if (!one?.index || !split?.config) return undefined;
      return { files: { file: one.file }, split: split.config, horizons: this.horizons() };
    }
    if (!SPLITS.every((s) => this.data.summaries[s])) return undefined;
    return { files: this.data.files as SplitFiles, horizons: this.horizons() };
  }
}
