import { delimiter, join } from "node:path";
import { ConfigError } from "../../core/errors.ts";

/** Finds a command on the PATH; undefined when it is not there. */
export async function onPath(name: string): Promise<string | undefined> {
  for (const dir of (Deno.env.get("PATH") ?? "").split(delimiter).filter(Boolean)) {
    const path = join(dir, name);
    const info = await Deno.stat(path).catch(() => undefined);
    if (info?.isFile && (info.mode ?? 0o111) & 0o111) return path;
  }
  return undefined;
}

/** Stops with one clear error unless Slurm's client commands are on the PATH. */
export async function requireSlurm(command: string, needed: readonly string[]): Promise<void> {
  const missing: string[] = [];
  for (const name of needed) if (!(await onPath(name))) missing.push(name);
  if (missing.length > 0) {
    throw new ConfigError(
      `mf ${command} --executor slurm: ${missing.join(", ")} ${missing.length > 1 ? "are" : "is"} not on the PATH; run this on a Slurm login node ` +
        `(or scripts/slurm-local.sh start for a one-node cluster here), or write the script without submitting it with --emit slurm FILE`,
      { key: "executor", value: "slurm" },
    );
  }
}

/** Runs a Slurm command and returns its stdout; a non-zero exit is a ConfigError (the cluster's setup) carrying its stderr. */
async function slurm(name: string, args: readonly string[]): Promise<string> {
  const out = await new Deno.Command(name, { args: [...args], stdout: "piped", stderr: "piped" }).output();
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success) {
    const said = (new TextDecoder().decode(out.stderr).trim() || text.trim()).split("\n").join("; ");
    throw new ConfigError(`${name} ${args.join(" ")} failed (exit ${out.code}): ${said}`, { key: "executor", value: "slurm" });
  }
  return text;
}

/** Submits a script; returns the job id sbatch gave it. */
export async function submit(script: string): Promise<string> {
  const text = (await slurm("sbatch", ["--parsable", script])).trim();
  const id = text.split(";")[0];
  if (!/^\d+$/.test(id)) throw new Error(`sbatch --parsable answered "${text}", not a job id`);
  return id;
}

/** How one array task ended, as scontrol tells it. */
export interface TaskEnd {
  task: number;
  state: string;
  exit: string;
}

/** Polls squeue every `pollMs` until no task of the array job is queued or running; calls `tick` between polls. */
export async function waitForJob(jobId: string, pollMs: number, tick: () => Promise<void>): Promise<void> {
  for (;;) {
    const rows = (await slurm("squeue", ["-h", "-j", jobId, "-o", "%i %T"])).trim();
    if (rows === "") return;
    await tick();
    await new Promise((done) => setTimeout(done, pollMs));
  }
}

/** How each array task ended, from `scontrol show job` (empty once Slurm has forgotten the job, MinJobAge later). */
export async function taskEnds(jobId: string): Promise<TaskEnd[]> {
  const text = await slurm("scontrol", ["show", "job", "-o", jobId]).catch(() => "");
  const ends: TaskEnd[] = [];
  for (const line of text.split("\n")) {
    const field = (key: string) => new RegExp(`(?:^|\\s)${key}=(\\S+)`).exec(line)?.[1];
    const task = field("ArrayTaskId");
    if (task !== undefined && /^\d+$/.test(task)) ends.push({ task: Number(task), state: field("JobState") ?? "?", exit: field("ExitCode") ?? "?" });
  }
  return ends.sort((a, b) => a.task - b.task);
}
