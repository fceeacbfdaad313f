import { hostname } from "node:os";
import { ConfigError } from "../../core/errors.ts";
import type { ClaimHolder } from "../../core/experiment/claims.ts";
import { intFlag } from "../args.ts";

/** Who this worker is: its claim holder, and a phrase naming it in messages ("array task 3 of slurm-812 on node07"). */
export interface WorkerIdentity {
  holder: ClaimHolder;
  /** For messages. */
  who: string;
}

/**
 * This process's identity as a worker. The task index comes from --task, else (with --worker) from Slurm's
 * SLURM_ARRAY_TASK_ID or Kubernetes' JOB_COMPLETION_INDEX; an index outside 0..tasks-1 (--tasks, written into the
 * script by the submitting process) is a ConfigError. The submission is --submission, else `slurm-<array job id>`
 * under Slurm, else this process alone.
 */
export function workerIdentity(f: { worker?: boolean; task?: string; tasks?: string; submission?: string }): WorkerIdentity {
  const env = (name: string) => (f.worker ? Deno.env.get(name) : undefined);
  const fromEnv = env("SLURM_ARRAY_TASK_ID") !== undefined
    ? "SLURM_ARRAY_TASK_ID"
    : env("JOB_COMPLETION_INDEX") !== undefined
    ? "JOB_COMPLETION_INDEX"
    : undefined;
  const task = intFlag(f.task !== undefined ? "task" : fromEnv ?? "task", f.task ?? (fromEnv ? env(fromEnv) : undefined));
  const tasks = intFlag("tasks", f.tasks);
  if (tasks !== undefined && tasks < 1) throw new ConfigError(`--tasks must be at least 1, got ${tasks}`, { key: "tasks", value: tasks });
  if (task !== undefined && (task < 0 || (tasks !== undefined && task >= tasks))) {
    const range = tasks === undefined ? "a task index is 0 or more" : `this submission was written for ${tasks} tasks, indexes 0-${tasks - 1}`;
    throw new ConfigError(
      `array task index ${task} is out of range: ${range}; submit it with --array=0-${(tasks ?? 1) - 1} (or write the script again with --workers N)`,
      { key: "task", value: task },
    );
  }
  const host = hostname(), slurmJob = env("SLURM_ARRAY_JOB_ID");
  const submission = f.submission ?? (slurmJob ? `slurm-${slurmJob}` : `${host}-${Deno.pid}-${crypto.randomUUID().slice(0, 4)}`);
  const holder: ClaimHolder = {
    worker: `${submission}${task !== undefined ? `[${task}]` : ""}@${host}:${Deno.pid}`,
    task: task ?? null,
    submission,
    host,
    pid: Deno.pid,
  };
  const who = task !== undefined ? `array task ${task} of ${submission} on ${host}` : `worker ${holder.worker}`;
  return { holder, who };
}
