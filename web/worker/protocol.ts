import type { BackendChoice } from "../../core/backend.ts";
import type { BackendName } from "../../core/config/trainer.ts";
import type { SplitSummary } from "../../core/data/summary.ts";
import type { ProgressEvent } from "../../core/platform.ts";

/** The three split files a user opened. */
export type SplitFiles = Record<"train" | "val" | "test", File>;

/** A job for the worker; each job runs in a fresh worker that ends with it. */
export type JobRequest =
  | { kind: "summarize"; file: File }
  | { kind: "backend"; requested: BackendName; wasmPaths: string }
  | { kind: "train"; model: string; params: unknown; dataset: unknown; trainer: unknown; files: SplitFiles; wasmPaths: string; db: string };

/** A message to a running job: stop training after the current batch. */
export type JobControl = { kind: "stop" };

/** What a job posts back; `done` or `error` is always the last message. */
export type JobReply =
  | { kind: "progress"; event: ProgressEvent }
  | { kind: "done"; summary?: SplitSummary; backend?: BackendChoice; runId?: string; status?: string }
  | { kind: "error"; message: string };
