import { hostname } from "node:os";
import { join } from "node:path";
import { parseConfig } from "../../core/config/parse.ts";
import { RunConfig } from "../../core/config/run_config.ts";
import { LoadedDataset } from "../../core/data/dataset.ts";
import { horizonColumns, type SplitSources } from "../../core/data/splits.ts";
import { WalkForward, WalkForwardConfig } from "../../core/data/walk_forward.ts";
import { ConfigError } from "../../core/errors.ts";
import { parseCvFlag } from "../../core/tune/cv_flag.ts";
import { fullName, type ModelPlugin } from "../../core/model.ts";
import { resolveRun } from "../../core/train/resolve.ts";
import type { CreateStudyOp, Study } from "../../core/tune/journal.ts";
import { OBJECTIVE_DIRECTION, ObjectiveName } from "../../core/tune/objective.ts";
import { makePruner } from "../../core/tune/pruners/make.ts";
import { parsePrunerFlag } from "../../core/tune/pruners/flag.ts";
import { PrunerConfig } from "../../core/tune/pruners/pruner.ts";
import { gridPoints } from "../../core/tune/samplers/grid.ts";
import { makeSampler } from "../../core/tune/samplers/make.ts";
import { applyParams, type RunSettings, type SearchSpace, spaceFromFile, validateSpace } from "../../core/tune/space.ts";
import { markLostTrialRuns } from "../../core/tune/lost_runs.ts";
import { bestTrial, loadStudy, openStudy } from "../../core/tune/study.ts";
import { runStudyWorker, type WorkerEvent } from "../../core/tune/study_worker.ts";
import { registry } from "../../models/index.ts";
import { intFlag, parseFlags, required } from "../args.ts";
import { splitPaths } from "../data_files.ts";
import { DiskJournalStore } from "../disk_journal.ts";
import { DiskRunStore } from "../disk_store.ts";
import { scaleOutFlags, scaleOutUsage, takeEmit } from "../executor/flags.ts";
import { tuneScaleOut, tuneScaleOutMode } from "../executor/tune.ts";
import { type FileSource, openFile } from "../file_source.ts";
import { readConfigFile } from "../read_config.ts";
import { writeAtomic } from "../write_atomic.ts";
import { platformParallelism, processMemory, startBackend, versions } from "../versions.ts";
import { studyTable } from "./study.ts";

const flags = {
  model: { type: "string" },
  horizon: { type: "string" },
  data: { type: "string" },
  train: { type: "string" },
  val: { type: "string" },
  test: { type: "string" },
  trials: { type: "string" },
  timeout: { type: "string" },
  sampler: { type: "string" },
  pruner: { type: "string" },
  objective: { type: "string" },
  study: { type: "string" },
  space: { type: "string" },
  cv: { type: "string" },
  config: { type: "string" },
  epochs: { type: "string" },
  seed: { type: "string" },
  heartbeat: { type: "string" },
  studies: { type: "string" },
  out: { type: "string" },
  json: { type: "boolean" },
  ...scaleOutFlags,
} as const;

/** Usage of `mf tune`. */
export const tuneUsage =
  `mf tune --model M --horizon H --data DIR [--trials N] [--timeout S] [--sampler tpe|tpe:numpy|random|grid] [--pruner median|asha|none[:key=N,...]]
        [--objective f1_macro|log_loss|sharpe] [--cv walk_forward:K[,window=sliding,purge=N,embargo=N]] [--study NAME] [--space FILE] [--config FILE] [--epochs N] [--seed N]
        [--heartbeat S] [--studies experiments/studies] [--out experiments/runs] [--json]
        ${scaleOutUsage}
   (--trials N is the study's total: workers that share --study stop when it holds N trials; the objective is
    measured on validation, test is never scored; the best trial's settings go to <studies>/<study>/best_config.json
    for mf train --config; --pruner median waits 2 epochs (median:n_warmup_steps=0 is Optuna's default), options
    as in core/tune/pruners/pruner.ts, e.g. median:n_warmup_steps=5,n_startup_trials=10; --cv walk_forward:K scores
    each trial by K purged walk-forward folds over train + val (core/data/walk_forward.ts), one run per fold, the
    objective their mean; the pruner then compares trials after each fold (median defaults to no warm-up there);
    --executor local|slurm and --emit slurm|k8s FILE run the study's workers as mf experiment does: docs/scale-out.md)`;

/** `mf tune`: creates or joins a study and runs its trials until the study's budget is spent. */
export async function tuneCommand(args: string[]): Promise<Study | undefined> {
  const taken = takeEmit("tune", args);
  const f = parseFlags("tune", taken.args, flags);
  if (f.help) return void console.log(tuneUsage);
  const scale = tuneScaleOutMode(f, taken.emit);
  const plugin = registry.get(required("tune", "model", f.model));
  const horizon = intFlag("horizon", required("tune", "horizon", f.horizon))!;
  const budget = intFlag("trials", f.trials) ?? 20;
  if (budget < 1) throw new ConfigError(`--trials must be at least 1, got ${budget}`, { key: "trials", value: budget });
  const timeoutS = f.timeout === undefined ? undefined : Number(f.timeout);
  if (timeoutS !== undefined && !(timeoutS > 0)) throw new ConfigError(`--timeout must be a number of seconds above 0, got "${f.timeout}"`, { key: "timeout" });
  const objective = parseConfig(ObjectiveName, f.objective ?? "f1_macro", "--objective");
  const name = f.study ?? `${plugin.name}-h${horizon}`;
  const store = new DiskJournalStore(f.studies ?? join("experiments", "studies"));
  store.folder(name); // checks the name

  const base = await baseSettings(f, horizon, plugin);
  const space = await studySpace(f.space, plugin);
  const cv = f.cv === undefined ? null : parseCvFlag(f.cv);
  // between folds there are few steps: the median pruner judges from the first fold on (Optuna's default warm-up, 0)
  const pruner = parsePrunerFlag(f.pruner ?? (cv ? "median:n_warmup_steps=0" : "median"));
  const header: CreateStudyOp = {
    op: "create_study",
    name,
    model: fullName(plugin),
    horizon,
    direction: OBJECTIVE_DIRECTION[objective],
    objective,
    space,
    sampler: f.sampler ?? "tpe",
    pruner,
    settings: { seed: intFlag("seed", f.seed) ?? 0, heartbeat_s: Number(f.heartbeat ?? 60), base, cv },
    at: new Date().toISOString(),
  };
  if (!(Number(header.settings.heartbeat_s) > 0)) throw new ConfigError(`--heartbeat must be a number of seconds above 0, got "${f.heartbeat}"`);
  // a bad sampler, a space it cannot search or a bad base setting fails here, before the study is created
  makeSampler(header.sampler).sample(space, [], { direction: header.direction, number: 0, seed: 0 });
  if (header.sampler === "grid" && budget > gridPoints(space).length) {
    throw new ConfigError(`--trials ${budget} is more than the grid's ${gridPoints(space).length} points; ask for at most that many`, { key: "trials" });
  }
  resolveRun({ plugin, ...base });

  const check = (["objective", "sampler"] as const).filter((k) => f[k] !== undefined);
  const study = await openStudy(store, header, check);
  const stored = study.header;
  if (f.pruner !== undefined && JSON.stringify(stored.pruner) !== JSON.stringify(pruner)) {
    throw new ConfigError(
      `Study "${name}" was created with pruner ${JSON.stringify(stored.pruner)}, not ${JSON.stringify(pruner)}; leave out --pruner to follow it`,
      {
        key: "pruner",
      },
    );
  }
  // a joining worker follows the study's stored settings, so every trial of the study is comparable
  const settings = stored.settings as { seed: number; heartbeat_s: number; base: RunSettings; cv?: WalkForwardConfig | null };
  const log = (text: string) => console.error(text);
  log(
    `study ${name}: ${stored.model} h${stored.horizon}, ${stored.objective} (${stored.direction}), sampler ${stored.sampler}, pruner ${
      stored.pruner?.name ?? "none"
    }${settings.cv ? `, ${settings.cv.folds} walk-forward folds (${settings.cv.window})` : ""}; ${study.trials.length} trials so far, budget ${budget}`,
  );
  const differs = [
    ["space", space, stored.space],
    ["settings (--config, --epochs, --seed)", base, settings.base],
    ["cross-validation (--cv)", cv, settings.cv ?? null],
  ].filter(([, mine, theirs]) => JSON.stringify(mine) !== JSON.stringify(theirs)).map(([what]) => what);
  if (differs.length) log(`note: study ${name} keeps the ${differs.join(" and ")} it was created with; this worker uses them, not the ones given`);
  const runsDir = f.out ?? join("experiments", "runs");
  const t0 = Date.now();
  const scaled = await tuneScaleOut({ tune: scale, args: taken.args, flags, f, study: name, studies: store, runs: runsDir, budget });
  if (scaled?.ended === false) return study;

  const opened: FileSource[] = [];
  const stop = { aborted: false };
  const onInterrupt = () => {
    if (stop.aborted) Deno.exit(130);
    stop.aborted = true;
    log("\nstopping after the current epoch (Ctrl-C again to quit now; its trial ends failed, rerun to continue the study)");
  };
  Deno.addSignalListener("SIGINT", onInterrupt);
  try {
    // the workers an executor started read the data themselves; this process only reads it to run trials
    const load = async () => {
      const dataset = resolveRun({ plugin, ...settings.base }).dataset;
      const { label, fwdReturn } = horizonColumns(horizon);
      return await LoadedDataset.load(await openSources(f, opened), { ...dataset, labels: [{ label: dataset.label_column ?? label, fwdReturn }] });
    };
    const data = scaled ? undefined : await load();
    const ran = scaled ? scaled.ran : await runStudyWorker(data!, {
      store,
      study: name,
      plugin,
      base: settings.base,
      space: stored.space as SearchSpace,
      sampler: makeSampler(stored.sampler),
      pruner: stored.pruner ? makePruner(PrunerConfig.parse(stored.pruner)) : undefined,
      objective: stored.objective as ObjectiveName,
      folds: settings.cv ? new WalkForward(data!, WalkForwardConfig.parse(settings.cv)) : undefined,
      seed: settings.seed,
      budget,
      worker: scale.identity?.holder.worker ?? `${hostname()}:${Deno.pid}:${crypto.randomUUID().slice(0, 4)}`,
      heartbeatMs: settings.heartbeat_s * 1000,
      deadline: timeoutS === undefined ? undefined : t0 + timeoutS * 1000,
      now: Date.now,
      sleep: (ms) => new Promise((done) => setTimeout(done, ms)),
      every: (ms, beat) => {
        const id = setInterval(beat, ms);
        return () => clearInterval(id);
      },
      onEvent: progressLine(budget, log),
    }, {
      store: new DiskRunStore(runsDir),
      clock: Date,
      startBackend,
      memory: processMemory,
      versions: versions(),
      parallel: platformParallelism(),
      signal: stop,
    });
    const final = await loadStudy(store, name);
    // trials whose worker died left their run `running`; the journal says they failed, so their runs say so too
    const lost = await markLostTrialRuns(new DiskRunStore(runsDir), final);
    if (lost.length) log(`marked ${lost.length} run(s) of lost trials failed: ${lost.join(", ")}`);
    const best = bestTrial(final);
    const configPath = join(store.folder(name), "best_config.json");
    if (best) {
      const { params, dataset: d, trainer } = applyParams(settings.base, best.params);
      const config = { model: stored.model, params, dataset: d, trainer };
      await writeAtomic(configPath, new TextEncoder().encode(JSON.stringify(config, null, 2) + "\n"));
    }
    const out = f.json ? log : console.log;
    out(`\n${studyTable(final)}`);
    out(
      best
        ? `\nbest: trial ${best.number}, ${stored.objective} ${best.value!.toFixed(4)}, run ${best.run_id}\nparams: ${
          JSON.stringify(best.params)
        }\nconfig: ${configPath} (mf train --config ${configPath} --data ...)`
        : "\nno trial completed yet",
    );
    out(`${scaled ? "the workers" : "this worker"} ran ${ran} trials in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    if (f.json) {
      const counts = Object.fromEntries(["complete", "pruned", "failed", "running"].map((s) => [s, final.trials.filter((t) => t.state === s).length]));
      console.log(JSON.stringify({
        study: name,
        model: stored.model,
        direction: stored.direction,
        objective: stored.objective,
        ran,
        trials: counts,
        best: best ? { number: best.number, value: best.value, params: best.params, run_id: best.run_id } : null,
        config: best ? configPath : null,
      }));
    }
    return final;
  } finally {
    Deno.removeSignalListener("SIGINT", onInterrupt);
    for (const source of opened) source.close();
  }
}

/** The trial settings from --config, --horizon, --epochs and --seed (the seed is the study's, every trial trains with it). */
async function baseSettings(f: { config?: string; epochs?: string; seed?: string }, horizon: number, plugin: ModelPlugin): Promise<RunSettings> {
  const config = f.config ? parseConfig(RunConfig, await readConfigFile(f.config), f.config) : parseConfig(RunConfig, {}, "config");
  // the file is checked on its own first: a flag that overrides a key must not hide that the file's value is invalid
  if (f.config) resolveRun({ plugin, params: config.params, dataset: config.dataset, trainer: config.trainer }, `${f.config}: `);
  const epochs = intFlag("epochs", f.epochs), seed = intFlag("seed", f.seed);
  return {
    params: config.params,
    dataset: { ...config.dataset, horizon },
    trainer: { ...config.trainer, ...(epochs !== undefined ? { epochs } : {}), ...(seed !== undefined ? { seed } : {}) },
  };
}

/** The space from --space FILE (its own, or the plugin's narrowed with "extends": "model"), else the plugin's own; validated against the plugin's schema. */
async function studySpace(file: string | undefined, plugin: { name: string; configSchema: unknown; searchSpace?: SearchSpace }): Promise<SearchSpace> {
  if (file) return validateSpace(spaceFromFile(await readConfigFile(file), plugin.searchSpace, file), file, plugin.configSchema as never);
  if (!plugin.searchSpace) throw new ConfigError(`Model ${plugin.name} declares no search space; give one with --space FILE.json`, { key: "space" });
  return validateSpace(plugin.searchSpace, `${plugin.name}'s searchSpace`, plugin.configSchema as never);
}

async function openSources(f: { data?: string; train?: string; val?: string; test?: string }, opened: FileSource[]): Promise<SplitSources> {
  const open = (path: string) => openFile(path).then((source) => (opened.push(source), source));
  if (f.data !== undefined && await Deno.stat(f.data).then((s) => s.isFile, () => false)) return { file: await open(f.data) };
  const paths = await splitPaths(f);
  return { train: await open(paths.train), val: await open(paths.val), test: await open(paths.test) };
}

/** One stderr line per trial that ends, with the best value so far. */
function progressLine(budget: number, log: (text: string) => void): (event: WorkerEvent) => void {
  let waiting = false;
  return (event) => {
    if (event.kind === "waiting") {
      if (!waiting) log(`waiting for ${event.running} running trial(s) of other workers`);
      waiting = true;
      return;
    }
    waiting = false;
    if (event.kind === "trial-start") return log(`trial ${event.number} started: ${JSON.stringify(event.params)}`);
    const { trial, study } = event;
    const best = bestTrial(study);
    const ended = study.trials.filter((t) => t.state !== "running").length;
    const value = trial.value !== undefined ? ` ${trial.value.toFixed(4)}` : "";
    const why = event.error ? `: ${event.error}` : trial.reason ? ` (${trial.reason})` : "";
    log(`[${ended}/${budget}] trial ${trial.number} ${trial.state}${value}${why}; best ${best ? `${best.value!.toFixed(4)} (trial ${best.number})` : "-"}`);
  };
}
