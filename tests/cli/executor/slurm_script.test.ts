import { describe, expect, it } from "vitest";
import { sbatchLines, shellWord, slurmScript } from "../../../cli/executor/slurm_script.ts";

describe("the sbatch script of a worker array", () => {
  const script = slurmScript({
    name: "mf-smoke",
    workers: 8,
    parallel: 3,
    sbatch: `--time 1:00:00 --partition=cpu --mem=8G --comment "two words"`,
    logs: "/shared/exp/smoke/slurm",
    chdir: "/shared/project dir",
    command: ["/opt/deno", "run", "-A", "/shared/mf/cli/main.ts", "experiment", "--config", "smoke.yaml", "--shared-marker", "abc"],
  });
  const lines = script.split("\n");

  it("asks for an array of N tasks, P at once, its output per task, the working folder and the extra flags", () => {
    expect(lines[0]).toBe("#!/bin/bash");
    expect(lines).toContain("#SBATCH --array=0-7%3");
    expect(lines).toContain("#SBATCH --output=/shared/exp/smoke/slurm/%A_%a.out");
    expect(lines).toContain("#SBATCH --chdir='/shared/project dir'");
    expect(lines.filter((l) => l.startsWith("#SBATCH"))).toEqual(
      expect.arrayContaining(["#SBATCH --time 1:00:00", "#SBATCH --partition=cpu", "#SBATCH --mem=8G", "#SBATCH --comment 'two words'"]),
    );
  });

  it("runs the worker with its array task index, the task count it was written for and the array job as its submission", () => {
    expect(lines.at(-2)).toBe(
      `exec /opt/deno run -A /shared/mf/cli/main.ts experiment --config smoke.yaml --shared-marker abc --worker --task "$SLURM_ARRAY_TASK_ID" --tasks 8 --submission "slurm-$SLURM_ARRAY_JOB_ID"`,
    );
    expect(script).toContain('export MF_THREADS="${SLURM_CPUS_PER_TASK:-1}"');
    // no #SBATCH line may follow a command: sbatch stops reading them there
    const firstCommand = lines.findIndex((l) => l !== "" && !l.startsWith("#"));
    expect(lines.slice(firstCommand).some((l) => l.startsWith("#SBATCH"))).toBe(false);
  });

  it("runs every task at once without --array-parallel", () => {
    expect(slurmScript({ name: "x", workers: 2, logs: "/l", chdir: "/c", command: ["mf"] })).toContain("#SBATCH --array=0-1\n");
  });

  it("quotes words for bash only when they need it, and rejects a value with no flag before it", () => {
    expect(shellWord("--config=a/b.yaml")).toBe("--config=a/b.yaml");
    expect(shellWord("it's")).toBe(`'it'\\''s'`);
    expect(() => sbatchLines("1:00:00 --time")).toThrow(/"1:00:00" is not a flag/);
  });
});
