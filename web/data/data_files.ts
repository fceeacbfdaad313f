import type { ReactiveController, ReactiveControllerHost } from "lit";
import type { SplitSummaries } from "../../core/data/summary.ts";
import type { TimeIndex } from "../../core/data/time_index.ts";
import { startJob } from "../worker/client.ts";
import type { ChosenFiles } from "./data_picker.ts";
import type { TimeSplitChoice } from "./time_split_picker.ts";

const SPLITS = ["train", "val", "test"] as const;

/**
 * The data a page picks (the Train page, an experiment's data): three split files, each summarised in a worker, or
 * one file indexed in a worker and cut by time with the split picker. A Lit controller: its host re-renders on every
 * change, and `onChange` hears of it too. A file replaced while it was being read keeps only the newest answer.
 */
export class DataFiles implements ReactiveController {
  files: ChosenFiles = {};
  summaries: SplitSummaries = {};
  status: Partial<Record<(typeof SPLITS)[number], string>> = {};
  /** The one file to cut by time: its index once read, or "reading", or why it cannot be read. */
  one: { file: File; index?: TimeIndex; status?: string } | undefined;
  /** The time split chosen for the one file. */
  split: TimeSplitChoice | undefined;

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
