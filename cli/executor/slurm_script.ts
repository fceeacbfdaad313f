import { ConfigError } from "../../core/errors.ts";

/** What an sbatch script for a worker array needs. */
export interface SlurmScript {
  /** The job's name (squeue shows it). */
  name: string;
  /** Array tasks: indexes 0..workers-1. */
  workers: number;
  /** At most this many tasks at once (`%P`); all at once when absent. */
  parallel?: number;
  /** Extra sbatch flags, as a user types them (`--time 1:00:00 --partition=gpu --mem=8G`). */
  sbatch?: string;
  /** Where each task's output goes: `<logs>/%A_%a.out`. */
  logs: string;
  /** The tasks' working folder (relative paths of the command are relative to it). */
  chdir: string;
  /** The worker's command line, up to the task flags (the script adds `--task $SLURM_ARRAY_TASK_ID --tasks N --submission slurm-<job>`). */
  command: readonly string[];
}

/**
 * The sbatch script of a worker array: `#SBATCH --array=0-(N-1)%P`, the output files, the working folder, the
 * extra flags (one `#SBATCH` line each), then the worker command with its task index, the task count it was written
 * for, and the array job's id as its submission. MF_THREADS is the task's CPUs (`--cpus-per-task`, 1 by default).
 */
export function slurmScript(s: SlurmScript): string {
  const array = `0-${s.workers - 1}${s.parallel !== undefined ? `%${s.parallel}` : ""}`;
  const extra = sbatchLines(s.sbatch ?? "").map((line) => `#SBATCH ${line}`);
  return [
    "#!/bin/bash",
    `#SBATCH --job-name=${shellWord(s.name)}`,
    `#SBATCH --array=${array}`,
    `#SBATCH --output=${shellWord(`${s.logs}/%A_%a.out`)}`,
    `#SBATCH --chdir=${shellWord(s.chdir)}`,
    ...extra,
    "# Written by model-factory (docs/scale-out.md): each array task is one worker that takes cells or trials until none",
    "# is left. Submit it again (sbatch FILE) to retry what failed; the array indexes must stay 0-" + (s.workers - 1) + ".",
    "set -euo pipefail",
    'export MF_THREADS="${SLURM_CPUS_PER_TASK:-1}"',
    `exec ${s.command.map(shellWord).join(" ")} --worker --task "$SLURM_ARRAY_TASK_ID" --tasks ${s.workers} --submission "slurm-$SLURM_ARRAY_JOB_ID"`,
    "",
  ].join("\n");
}

/** A word quoted for bash when it needs it. */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * Extra sbatch flags split into `#SBATCH` lines: words split as a shell would (quotes kept together), a word not
 * starting with "-" joining the flag before it (`--time 1:00:00`). A value with no flag before it is a ConfigError.
 */
export function sbatchLines(flags: string): string[] {
  const words = [...flags.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]);
  const lines: string[] = [];
  for (const word of words) {
    if (word.startsWith("-")) lines.push(shellWord(word));
    else if (lines.length > 0) lines[lines.length - 1] += ` ${shellWord(word)}`;
    else throw new ConfigError(`--sbatch "${flags}": "${word}" is not a flag; give sbatch flags such as "--time 1:00:00 --partition=cpu"`, { key: "sbatch" });
  }
  return lines;
}
