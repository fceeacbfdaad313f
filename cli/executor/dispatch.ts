import { hostname } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { ConfigError } from "../../core/errors.ts";
import { markerToken, writeMarkers } from "../shared_marker.ts";
import { writeAtomic } from "../write_atomic.ts";
import type { ScaleOut } from "./flags.ts";
import { k8sJob, k8sJobYaml } from "./k8s.ts";
import { mfCommand, runLocalWorkers } from "./local.ts";
import { requireSlurm, submit, taskEnds, waitForJob } from "./slurm.ts";
import { sbatchLines, slurmScript } from "./slurm_script.ts";

/** What a command hands the dispatcher: its workers' command line and where they share files. */
export interface DispatchOptions {
  /** `experiment` or `tune`. */
  command: string;
  /** Submitting flags, read by scaleOutMode. */
  scale: Exclude<ScaleOut, { mode: "alone" | "worker" }>;
  /** The worker's mf arguments after the command name (workerArgs: without the submitting flags). */
  args: readonly string[];
  /** The array size when --workers is not given (the cells or trials to run). */
  defaultWorkers: number;
  /** The experiment's or study's name: the job's name. */
  name: string;
  /** Folders every worker must see as the submitting process does (a marker is written into each). */
  shared: readonly string[];
  /** Where Slurm scripts and task logs go. */
  logs: string;
  /** How to watch the workers, for the message after submitting. */
  watch: string;
  /** One line of progress while waiting (done/running/failed counts). */
  progress(): Promise<string>;
  log(line: string): void;
}

/** How the dispatch ended: whether every worker has ended (local, slurm --wait), its submission, and the workers that ended badly. */
export interface Dispatched {
  ended: boolean;
  /** The workers' shared submission id (`local-...`, `slurm-<job>`); absent when nothing was submitted. */
  submission?: string;
  /** One phrase per worker that did not exit 0 (killed, failed). */
  troubled: string[];
}

/**
 * Runs a command's workers as the scale-out flags say: N local processes (waiting for them), a Slurm job array
 * (submitted, and waited for with --wait; or only written with --emit slurm), or a Kubernetes Indexed Job written
 * with --emit k8s. Local and Slurm workers must see the shared folders as this process does: a marker written here
 * is checked by each worker.
 */
export async function dispatch(o: DispatchOptions): Promise<Dispatched> {
  const { scale, log } = o;
  const workers = scale.mode === "local" ? scale.workers : scale.workers ?? o.defaultWorkers;
  if (scale.mode === "k8s") {
    const bad = o.args.find((arg) => isAbsolute(arg));
    if (bad) {
      throw new ConfigError(
        `--emit k8s: "${bad}" is an absolute path of this machine; give paths relative to the folder mounted at ${scale.mount} in the pods`,
        {
          key: "emit",
        },
      );
    }
    const job = k8sJob({
      name: `mf-${o.command}-${o.name}`,
      workers,
      parallel: scale.parallel,
      image: scale.image,
      command: scale.command ? words(scale.command) : ["deno", "run", "-A", "/app/cli/main.ts"],
      args: [o.command, ...o.args],
      claim: scale.claim,
      mount: scale.mount,
      cpus: scale.cpus,
      labels: { [`model-factory/${o.command}`]: o.name.toLowerCase().replace(/[^a-z0-9._-]+/g, "-").slice(0, 63) },
    });
    await writeText(scale.emit, k8sJobYaml(job, o.watch));
    log(`wrote ${scale.emit}: a batch/v1 Indexed Job of ${workers} workers; apply it with kubectl apply -f ${scale.emit}`);
    return { ended: false, troubled: [] };
  }
  if (scale.mode === "slurm" && !scale.emit) await requireSlurm(o.command, scale.wait ? ["sbatch", "squeue", "scontrol"] : ["sbatch"]);
  const token = markerToken();
  await writeMarkers(o.shared, token);
  const args = [o.command, ...o.args, "--shared-marker", token];
  if (scale.mode === "local") {
    const submission = `local-${hostname()}-${Deno.pid}-${token.slice(0, 4)}`;
    const exits = await runLocalWorkers([...args, "--worker", "--submission", submission], workers, log);
    const troubled = exits.filter((e) => e.code !== 0).map((e) =>
      `worker ${e.task} (pid ${e.pid}) ${e.signal ? `was killed by ${e.signal}` : `exited ${e.code}`}`
    );
    return { ended: true, submission, troubled };
  }
  sbatchLines(scale.sbatch ?? ""); // a bad --sbatch fails before anything is written
  const script = slurmScript({
    name: `mf-${o.name}`,
    workers,
    parallel: scale.parallel,
    sbatch: scale.sbatch,
    logs: resolve(o.logs),
    chdir: Deno.cwd(),
    command: [...(scale.command ? words(scale.command) : mfCommand()), ...args],
  });
  const path = scale.emit ?? join(o.logs, `${o.name}-${token.slice(0, 8)}.sbatch`);
  await writeText(path, script);
  await Deno.mkdir(o.logs, { recursive: true });
  if (scale.emit) {
    log(`wrote ${path}: a Slurm array of ${workers} workers; submit it with sbatch ${path}, watch with ${o.watch}`);
    return { ended: false, troubled: [] };
  }
  const job = await submit(path);
  log(`submitted Slurm job array ${job} (${workers} tasks${scale.parallel ? `, at most ${scale.parallel} at once` : ""}): ${path}; logs in ${o.logs}`);
  if (!scale.wait) {
    log(`watch it with ${o.watch} (or squeue -j ${job})`);
    return { ended: false, submission: `slurm-${job}`, troubled: [] };
  }
  let last = "";
  await waitForJob(job, 2000, async () => {
    const line = await o.progress();
    if (line !== last) log(`job ${job}: ${(last = line)}`);
  });
  const ends = await taskEnds(job);
  const troubled = ends.filter((e) => e.exit !== "0:0").map((e) =>
    `array task ${e.task} ended ${e.state} (exit ${e.exit}; log ${join(o.logs, `${job}_${e.task}.out`)})`
  );
  return { ended: true, submission: `slurm-${job}`, troubled };
}

/** A command line split into words (quotes keep spaces together). */
function words(command: string): string[] {
  return [...command.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]);
}

async function writeText(path: string, text: string): Promise<void> {
  await writeAtomic(path, new TextEncoder().encode(text));
}
