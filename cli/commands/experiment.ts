import { dirname, join, resolve } from "node:path";
import { buildEnsembles } from "../../core/ensemble/build.ts";
import { ConfigError } from "../../core/errors.ts";
import type { CellClaim } from "../../core/experiment/claims.ts";
import { type Cell, type ExperimentPlan, planExperiment, selectCells } from "../../core/experiment/plan.ts";
import { RecordSync } from "../../core/experiment/record_sync.ts";
import type { ExperimentReport } from "../../core/experiment/report.ts";
import { runExperiment, sourcesFingerprint } from "../../core/experiment/runner.ts";
import { registry } from "../../models/index.ts";
import { parseFlags, required } from "../args.ts";
import { DiskClaimStore, holderGone } from "../disk_claims.ts";
import { DiskRunStore } from "../disk_store.ts";
import { dispatch } from "../executor/dispatch.ts";
import { scaleOutFlags, scaleOutMode, scaleOutUsage, takeEmit, workerArgs } from "../executor/flags.ts";
import { workerIdentity } from "../executor/identity.ts";
import type { FileSource } from "../file_source.ts";
import { experimentProgress } from "../experiment_progress.ts";
import { reportSummary } from "../report_summary.ts";
import { checkMarkers } from "../shared_marker.ts";
import { table } from "../summary.ts";
import { platformParallelism, processMemory, startBackend, versions } from "../versions.ts";
import { experimentStatuses, printStatus, statusLine } from "./experiment_status.ts";
import { loadExperimentFile, openData } from "./experiment_files.ts";

const flags = {
  config: { type: "string" },
  only: { type: "string" },
  "dry-run": { type: "boolean" },
  status: { type: "boolean" },
  heartbeat: { type: "string" },
  json: { type: "boolean" },
  ...scaleOutFlags,
} as const;

/** Usage of `mf experiment`. */
export const experimentUsage = `mf experiment --config FILE.yaml|json [--only key=value,...] [--dry-run] [--status] [--heartbeat S] [--json]
        ${scaleOutUsage}
   (every model x horizon x seed of the file, on data read once; finished cells are skipped on a rerun;
    --only model=lstm|gru,horizon=5,label=...,seed=...; the report goes to <runs folder>/../<name>/report.md;
    any number of processes may share one experiment: each takes the next cell nobody holds (a claim with a heartbeat
    every S/3 s, 60 by default; a silent worker's cell is taken over); --worker is such a process started by a submission;
    --executor local --workers N starts N here; --executor slurm submits a job array of --workers tasks (default: one per cell
    left), --wait waits for it and prints the result; --emit slurm|k8s FILE writes the sbatch script or a Kubernetes Job;
    --status shows each cell's state and the array task holding it; docs/scale-out.md)`;

/** How an experiment invocation ended (what `mf experiment --json` prints, and the cells trained by this process). */
export interface ExperimentOutcome {
  cells: number;
  finished: number;
  failed: number;
  trained: number;
  report: ExperimentReport;
}

/** `mf experiment`: plans the cells, then trains the unfinished ones (alone or as one of many workers) or submits workers, and reports. */
export async function experimentCommand(args: string[]): Promise<ExperimentOutcome | undefined> {
  const taken = takeEmit("experiment", args);
  const f = parseFlags("experiment", taken.args, flags);
  if (f.help) return void console.log(experimentUsage);
  const scale = scaleOutMode("experiment", f, taken.emit);
  const heartbeatS = Number(f.heartbeat ?? 60);
  if (!(heartbeatS > 0)) throw new ConfigError(`--heartbeat must be a number of seconds above 0, got "${f.heartbeat}"`, { key: "heartbeat" });
  const identity = scale.mode === "worker" || scale.mode === "alone" ? workerIdentity(f) : undefined; // checks the array task index first
  const loaded = await loadExperimentFile(required("experiment", "config", f.config));
  const { config } = loaded;
  const name = config.experiment.name;
  const folder = resolve(dirname(loaded.runsDir), name);
  const opened: FileSource[] = [];
  try {
    const { sources, attachments } = await openData(config, opened);
    const plan = planExperiment(loaded.raw, {
      registry,
      file: loaded.file,
      modelFiles: loaded.modelFiles,
      dataFingerprint: { files: await sourcesFingerprint(sources), split: config.data.split ?? null },
    });
    const selected = selectCells(plan.cells, f.only);
    const store = new DiskRunStore(loaded.runsDir), experiments = new DiskRunStore(dirname(loaded.runsDir));
    const claims = new DiskClaimStore(join(folder, "claims"));
    const log = (text: string) => (f.json ? console.error(text) : console.log(text));
    if (f.status) return void await printStatus(plan, store, experiments, claims, f.json === true);
    if (f["shared-marker"] && identity) await checkMarkers([loaded.runsDir, folder], f["shared-marker"], identity.who);
    if (scale.mode === "worker") log(`${identity!.who} (pid ${Deno.pid}): experiment ${name}, ${selected.length} cells selected`);
    else log(planTable(plan, selected));
    if (f["dry-run"]) return;
    const paths = { report_md: join(folder, "report.md"), report_json: join(folder, "report.json") };
    const finishedNow = async () => (await experimentStatuses(plan, store, experiments, claims)).filter((s) => s.state === "finished").length;

    if (scale.mode !== "alone" && scale.mode !== "worker") {
      const before = await finishedNow();
      const sync = new RecordSync(plan, { store, experiments, clock: Date, file: loaded.file, runsLocation: loaded.runsDir }, claims);
      await sync.open(); // so the report can be rebuilt (and --status read) whatever the workers get to
      const outcome = await dispatch({
        command: "experiment",
        scale,
        args: workerArgs(taken.args, flags),
        defaultWorkers: Math.max(1, selected.length - before),
        name,
        shared: [loaded.runsDir, folder],
        logs: join(folder, "slurm"),
        watch: `mf experiment --config ${loaded.file} --status`,
        progress: async () => statusLine(await experimentStatuses(plan, store, experiments, claims)),
        log: (line) => console.error(line),
      });
      if (!outcome.ended) return;
      for (const line of outcome.troubled) console.error(`note: ${line}`);
      // rebuild the report from every run, as the last worker did (the record keeps the workers' notes and failures)
      const report = await sync.report(undefined, { countTime: false });
      const finished = await finishedNow();
      return printOutcome({ ...counts(plan, report), trained: finished - before, report }, paths, f.json === true, log);
    }

    const stop = { aborted: false };
    const onInterrupt = () => {
      if (stop.aborted) Deno.exit(130);
      stop.aborted = true;
      console.error("\nstopping after the current epoch (Ctrl-C again to quit now; a rerun continues where this one stopped)");
    };
    Deno.addSignalListener("SIGINT", onInterrupt);
    let waiting = "";
    try {
      const result = await runExperiment(plan, selected, {
        store,
        experiments,
        sources,
        attachments,
        file: loaded.file,
        runsLocation: loaded.runsDir,
        clock: Date,
        startBackend,
        memory: processMemory,
        versions: versions(),
        parallel: platformParallelism(),
        signal: stop,
        progress: experimentProgress(),
        afterCells: (context) => buildEnsembles(context, { store, clock: Date, versions: versions() }),
        workers: {
          claims,
          holder: identity!.holder,
          heartbeatMs: heartbeatS * 1000,
          now: Date.now,
          sleep: (ms) => new Promise((done) => setTimeout(done, ms)),
          every: (ms, beat) => {
            const id = setInterval(beat, ms);
            return () => clearInterval(id);
          },
          gone: holderGone,
          onWait: (held: readonly CellClaim[]) => {
            const line = `waiting for ${held.length} cell(s) other workers hold: ${held.map((c) => c.task ?? c.worker).join(", ")}`;
            if (line !== waiting) console.error(waiting = line);
          },
        },
      });
      if (scale.mode === "worker") {
        log(`${identity!.who}: trained ${result.trained} cell(s); ${result.finished} of ${result.cells} cells finished, ${result.failed} failed`);
        return result;
      }
      return printOutcome(result, paths, f.json === true, log);
    } finally {
      Deno.removeSignalListener("SIGINT", onInterrupt);
    }
  } finally {
    for (const source of opened) source.close();
  }
}

/** The planned cells' counts in a report (ensembles are listed in it, but are not cells). */
function counts(plan: ExperimentPlan, report: ExperimentReport): { cells: number; finished: number; failed: number } {
  const planned = new Set(plan.cells.map((c) => c.cellId));
  const mine = report.cells.filter((c) => planned.has(c.cell_id));
  return { cells: planned.size, finished: mine.filter((c) => c.status === "finished").length, failed: mine.filter((c) => c.status === "failed").length };
}

/** What a finished experiment prints: the comparison, the counts, the report's path, and with --json one line; exit 1 unless every cell finished. */
function printOutcome(result: ExperimentOutcome, paths: { report_md: string; report_json: string }, json: boolean, log: (text: string) => void) {
  const name = result.report.experiment.name;
  log(`\n${reportSummary(result.report)}`);
  log(`\n${result.finished} of ${result.cells} cells finished, ${result.failed} failed (${result.trained} trained now)`);
  log(`report: ${paths.report_md}`);
  if (json) console.log(JSON.stringify({ experiment: name, cells: result.cells, finished: result.finished, failed: result.failed, ...paths }));
  if (result.finished < result.cells) Deno.exitCode = 1;
  return result;
}

function planTable(plan: ExperimentPlan, selected: readonly Cell[]): string {
  const chosen = new Set(selected.map((c) => c.cellId));
  const rows = plan.cells.map((c) => [
    String(c.index + 1),
    c.label,
    c.model,
    `h${c.horizon}`,
    String(c.seed),
    String(c.resolved.dataset.seq_len),
    String(c.resolved.trainer.epochs),
    c.cellId,
    chosen.has(c.cellId) ? "" : "(not selected)",
  ]);
  const name = plan.config.experiment.name;
  return `experiment ${name}: ${plan.cells.length} cells (${plan.config.models.length} models x ${plan.config.horizons.length} horizons x ${plan.config.seeds.length} seeds)\n` +
    table([["#", "label", "model", "horizon", "seed", "window", "epochs", "cell", ""], ...rows]);
}
