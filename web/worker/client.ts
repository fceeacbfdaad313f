import type { WorkerEvent } from "../../core/tune/study_worker.ts";
import type { JobReply, JobRequest, QueueEvent } from "./protocol.ts";

/** A job running in its own worker. */
export interface Job<T> {
  /** Resolves with the job's `done` reply, rejects with its error message. */
  result: Promise<T>;
  /** Asks a training job to stop after the current batch (it then ends `stopped`). */
  stop(): void;
}

/**
 * Starts `request` in a fresh module worker, handing progress to `onProgress` (an experiment's queue events to `onQueue`, a
 * study's trial events to `onTune`); the worker ends with the job.
 */
export function startJob(
  request: JobRequest,
  onProgress?: (reply: Extract<JobReply, { kind: "progress" }>) => void,
  onQueue?: (event: QueueEvent) => void,
  onTune?: (event: WorkerEvent) => void,
): Job<Extract<JobReply, { kind: "done" }>> {
  const worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module", name: request.kind });
  const result = new Promise<Extract<JobReply, { kind: "done" }>>((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<JobReply>) => {
      const reply = event.data;
      if (reply.kind === "progress") return onProgress?.(reply);
      if (reply.kind === "queue") return onQueue?.(reply.event);
      if (reply.kind === "tune") return onTune?.(reply.event);
      worker.terminate();
      if (reply.kind === "done") resolve(reply);
      else reject(new Error(reply.message));
    };
    worker.onerror = (event) => {
      worker.terminate();
      reject(new Error(`The worker failed: ${event.message || "it could not start"}`));
    };
  });
  worker.postMessage(request);
  return { result, stop: () => worker.postMessage({ kind: "stop" }) };
}
