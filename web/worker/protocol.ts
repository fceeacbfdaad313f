import type { BackendChoice } from "../../core/compute.ts";
import type { BackendName } from "../../core/config/trainer.ts";
import type { SplitSummary } from "../../core/data/summary.ts";
import type { TimeIndex } from "../../core/data/time_index.ts";
import type { ProgressEvent } from "../../core/platform.ts";
import type { PredictionRow } from "../predict/predictions_csv.ts";

/** The three split files a user opened. */
export type SplitFiles = Record<"train" | "val" | "test", File>;

/** The data of a training: three split files, or one file that `dataset.split` cuts by time. */
export type TrainFiles = SplitFiles | { file: File };

/** A job for the worker; each job runs in a fresh worker that ends with it. */
export type JobRequest =
  | { kind: "summarize"; file: File }
  /** Times, symbols and labels of one file, for choosing a time split in the page. */
  | { kind: "index"; file: File }
  | { kind: "backend"; requested: BackendName; wasmPaths: string }
  | { kind: "predict"; runId: string; file: File; wasmPaths: string; db: string }
  | { kind: "train"; model: string; params: unknown; dataset: unknown; trainer: unknown; files: TrainFiles; wasmPaths: string; db: string };

/** A file's predictions: how many rows were scored, the first rows, and the full table as Parquet and CSV. */
export interface Predictions {
  rows: number;
  preview: PredictionRow[];
  parquet: Uint8Array;
  csv: string;
  backend: string;
}

/** A message to a running job: stop training after the current batch. */
export type JobControl = { kind: "stop" };

/** What a job posts back; `done` or `error` is always the last message. */
export type JobReply =
  | { kind: "progress"; event: ProgressEvent }
  | { kind: "done"; summary?: SplitSummary; index?: TimeIndex; backend?: BackendChoice; runId?: string; status?: string; predictions?: Predictions }
  | { kind: "error"; message: string };
