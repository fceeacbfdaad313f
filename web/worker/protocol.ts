import type { BackendChoice } from "../../core/compute.ts";
import type { BackendName } from "../../core/config/trainer.ts";
import type { SplitSummary } from "../../core/data/summary.ts";
import type { TimeIndex } from "../../core/data/time_index.ts";
import type { ProgressEvent } from "../../core/platform.ts";
import type { SplitMetrics } from "../../core/train/evaluate.ts";
import type { PrepareManifest } from "../../core/prepare/manifest.ts";
import type { WorkerEvent } from "../../core/tune/study_worker.ts";
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
  /** Scores a file with a stored run's model, or with a registered version (`name@alias` or `name/version`, from `<db>-registry`). */
  /** `raw`: the file is raw OHLCV bars, turned into the model's features by the run's prepare.json first (`mf predict --raw`). */
  | { kind: "predict"; from: { run: string } | { model: string }; file: File; wasmPaths: string; db: string; raw?: boolean }
  /** `attachments`: files the run keeps beside its own (prepare.json of splits prepared in the page, as `mf train` keeps it). */
  | {
    kind: "train";
    model: string;
    params: unknown;
    dataset: unknown;
    trainer: unknown;
    files: TrainFiles;
    wasmPaths: string;
    db: string;
    attachments?: Record<string, Uint8Array>;
  }
  /** Raw OHLCV bars -> train/val/test.parquet and prepare.json, as `mf prepare` writes them; `config` is a PrepareConfig. */
  | { kind: "prepare"; file: File; config: unknown }
  /**
   * An experiment's whole queue in this one worker (files read once, tfjs started once); its config and files are
   * read from the experiments database. `ensembles` builds its ensembles after the cells.
   */
  | { kind: "experiment"; name: string; wasmPaths: string; db: string; ensembles?: boolean }
  /**
   * A study's trials in this one worker (files read once, tfjs started once) until the study holds `budget` trials;
   * the study is read from `<db>-studies` (web/idb_journal.ts), its data files from its tune record there.
   */
  | { kind: "tune"; name: string; budget: number; wasmPaths: string; db: string };

/** A cell of an experiment as the page sees it (the runner's cells carry their plugin, which cannot be posted). */
export interface CellInfo {
  index: number;
  label: string;
  model: string;
  horizon: number;
  seed: number;
  cellId: string;
}

/** The runner's ExperimentEvent, posted to the page: the plan, each cell's start and end, the current run's progress. */
export type QueueEvent =
  | { kind: "plan"; cells: CellInfo[]; done: string[] }
  | { kind: "cell"; cell: CellInfo; position: number; total: number; elapsed_s: number; eta_s?: number }
  | { kind: "cell-end"; cell: CellInfo; status: "finished" | "failed" | "stopped" | "skipped"; runId?: string; error?: string }
  | { kind: "run"; cell: CellInfo; event: ProgressEvent };

/** How an experiment's queue ended: the plan's cells, those finished and failed, and those trained by this start. */
export interface QueueOutcome {
  cells: number;
  finished: number;
  failed: number;
  trained: number;
}

/** A file's predictions: how many rows were scored, the first rows, and the full table as Parquet and CSV. */
export interface Predictions {
  rows: number;
  preview: PredictionRow[];
  parquet: Uint8Array;
  csv: string;
  backend: string;
  /** What scored them: `run <id>`, or the registry's `<name>/<version>` (`<name>@<alias>, version <n>` when asked by alias). */
  scoredBy: string;
  /** The scores against the file's labels, when it has the model's label column (the labelled rows with a full window). */
  evaluation?: { label_column: string; samples: number; metrics: SplitMetrics };
}

/** What the prepare job made: the three split files and prepare.json, byte for byte as `mf prepare` writes them, and the manifest. */
export interface PreparedData {
  files: Record<"train" | "val" | "test", Uint8Array>;
  /** prepare.json's bytes (the manifest as JSON, two-space indented, with a final newline). */
  recipe: Uint8Array;
  manifest: PrepareManifest;
}

/** A message to a running job: stop training after the current batch (an experiment then stops its queue). */
export type JobControl = { kind: "stop" };

/** What a job posts back; `done` or `error` is always the last message. */
export type JobReply =
  | { kind: "progress"; event: ProgressEvent }
  | { kind: "queue"; event: QueueEvent }
  /** A study worker's trial-start, trial-end (with the study as replayed then) or waiting. */
  | { kind: "tune"; event: WorkerEvent }
  | {
    kind: "done";
    summary?: SplitSummary;
    index?: TimeIndex;
    backend?: BackendChoice;
    runId?: string;
    status?: string;
    predictions?: Predictions;
    prepared?: PreparedData;
    experiment?: QueueOutcome;
    /** How many trials this worker ran. */
    tune?: { ran: number };
  }
  | { kind: "error"; message: string };
