// A study's trials in one worker: the study comes from the IndexedDB journal and its data files from the page's tune
// record, the data is read once and tfjs started once for every trial (runStudyWorker), and each event goes to the page.
import * as tf from "@tensorflow/tfjs";
import { z } from "zod";
import { LoadedDataset } from "../../core/data/dataset.ts";
import { horizonColumns } from "../../core/data/splits.ts";
import { ConfigError, DataError } from "../../core/errors.ts";
import type { AbortLike, GpuLike, ProgressEvent } from "../../core/platform.ts";
import { resolveRun } from "../../core/train/resolve.ts";
import { markLostTrialRuns } from "../../core/tune/lost_runs.ts";
import { ObjectiveName } from "../../core/tune/objective.ts";
import { makePruner } from "../../core/tune/pruners/make.ts";
import { PrunerConfig } from "../../core/tune/pruners/pruner.ts";
import { makeSampler } from "../../core/tune/samplers/make.ts";
import { SearchSpace } from "../../core/tune/space.ts";
import { loadStudy } from "../../core/tune/study.ts";
import { runStudyWorker, type WorkerEvent } from "../../core/tune/study_worker.ts";
import { registry } from "../../models/index.ts";
import { tfjsBackend } from "../../models/tfjs/backend.ts";
import { storedSources } from "../idb_experiments.ts";
import { IdbJournalStore } from "../idb_journal.ts";
import { IdbRunStore } from "../idb_store.ts";
import { IdbTuneRecords, type TuneRecord } from "../studies/tune_records.ts";
import type { JobRequest } from "./protocol.ts";
import { browserBackendEnv, browserParallelism } from "./browser_platform.ts";

/** What the worker hands the job: its WebGPU entry point, the stop signal, and where events and run progress go. */
export interface TuneContext {
  gpu?: GpuLike;
  signal: AbortLike;
  post(event: WorkerEvent): void;
  progress(event: ProgressEvent): void;
}

/** The create_study settings a worker follows (web/studies/new_study.ts writes them; `mf tune` writes the same keys). */
const StudySettings = z.looseObject({
  seed: z.number().int(),
  heartbeat_s: z.number().positive(),
  base: z.object({ params: z.record(z.string(), z.unknown()), dataset: z.record(z.string(), z.unknown()), trainer: z.record(z.string(), z.unknown()) }),
  cv: z.unknown().optional(),
});

/**
 * Runs trials of the stored study `job.name` until it holds `job.budget` trials (other tabs' trials count), or until
 * Stop: the trial in progress then ends failed with reason "stopped", which frees its slot. A heartbeat every third
 * of the study's timeout keeps the running trial alive in the journal; one a reload cut short is judged failed once
 * its heartbeat lapses and its slot is run again, and its run (left `running`) is marked failed at the end.
 */
export async function runTuneJob(job: Extract<JobRequest, { kind: "tune" }>, context: TuneContext): Promise<{ ran: number }> {
  const [journals, records, runs] = await Promise.all([IdbJournalStore.open(job.db), IdbTuneRecords.open(job.db), IdbRunStore.open(job.db)]);
  const [study, record] = await Promise.all([loadStudy(journals, job.name), records.get(job.name)]);
  const header = study.header;
  const settings = StudySettings.parse(header.settings);
  if (settings.cv) throw new ConfigError(`Study "${job.name}" scores trials by cross-validation, which the browser does not run yet; tune it with mf tune`);
  const plugin = registry.get(header.model);
  const dataset = resolveRun({ plugin, ...settings.base }).dataset;
  const { label, fwdReturn } = horizonColumns(header.horizon);
  const data = await readData(
    record,
    () => LoadedDataset.load(storedSources(record.files), { ...dataset, labels: [{ label: dataset.label_column ?? label, fwdReturn }] }),
  );
  // a step event per batch would flood the page; a few per second are enough for a progress line
  let lastStep = 0;
  const progress = (event: ProgressEvent) => {
    if (event.kind === "step") {
      if (Date.now() - lastStep < 100 && event.step < event.steps) return;
      lastStep = Date.now();
    }
    context.progress(event);
  };
  const ran = await runStudyWorker(data, {
    store: journals,
    study: job.name,
    plugin,
    base: settings.base,
    space: SearchSpace.parse(header.space),
    sampler: makeSampler(header.sampler),
    pruner: header.pruner ? makePruner(PrunerConfig.parse(header.pruner)) : undefined,
    objective: ObjectiveName.parse(header.objective),
    seed: settings.seed,
    budget: job.budget,
    worker: `browser:${crypto.randomUUID().slice(0, 8)}`,
    heartbeatMs: settings.heartbeat_s * 1000,
    now: Date.now,
    sleep: (ms) => new Promise((done) => setTimeout(done, ms)),
    every: (ms, beat) => {
      const id = setInterval(beat, ms);
      return () => clearInterval(id);
    },
    onEvent: (event) => context.post(event),
  }, {
    store: runs,
    clock: Date,
    startBackend: tfjsBackend(browserBackendEnv(context.gpu, job.wasmPaths)),
    parallel: browserParallelism(),
    signal: context.signal,
    versions: { tfjs: tf.version.tfjs },
    progress,
  });
  await markLostTrialRuns(runs, await loadStudy(journals, job.name));
  return { ran };
}

/**
 * Reads the study's data. The browser keeps the File objects the page stored, but may let go of them (storage
 * cleared, a file changed or moved on disk): reading one then fails with NotFoundError or NotReadableError, and the
 * message says to pick the files again.
 */
async function readData(record: TuneRecord, load: () => Promise<LoadedDataset>): Promise<LoadedDataset> {
  try {
    return await load();
  } catch (error) {
    if (!(error instanceof DOMException) || !["NotFoundError", "NotReadableError"].includes(error.name)) throw error;
    const names = Object.values(record.files).map((f) => f.name).join(", ");
    throw new DataError(
      `The data files of study "${record.name}" (${names}) can no longer be read in this browser (${error.message}); pick them again and press Resume`,
    );
  }
}
