// Heavy work off the page: Parquet summaries, backend probing, training (tfjs) and experiment queues run
// here, so the page stays responsive. Modules are imported per job kind so a summary never loads tfjs.
import type { ComputeBackend } from "../../core/compute.ts";
import type { ByteSource, GpuLike, ProgressEvent, RunReader } from "../../core/platform.ts";
import type { LoadedRun } from "../../core/predict.ts";
import type { WorkerEvent } from "../../core/tune/study_worker.ts";
import type { LosableDevice } from "./device_watch.ts";
import type { JobControl, JobReply, JobRequest } from "./protocol.ts";

// the DOM lib types `self` as a Window; in a dedicated worker it is this much
const scope = self as unknown as {
  onmessage: ((event: MessageEvent<JobRequest | JobControl>) => void) | null;
  postMessage(message: JobReply, transfer?: Transferable[]): void;
};
const gpu = (navigator as Navigator & { gpu?: GpuLike }).gpu;
const post = (reply: JobReply, transfer?: Transferable[]) => scope.postMessage(reply, transfer);
// train() polls this between batches; a "stop" message flips it
const signal = { aborted: false };

scope.onmessage = async (event) => {
  const message = event.data;
  if (message.kind === "stop") {
    signal.aborted = true;
    return;
  }
  try {
    const done = await run(message);
    post({ kind: "done", ...done }, transfers(done));
  } catch (error) {
    post({ kind: "error", message: (error as Error)?.message ?? String(error) });
  }
};

/** A time index or prepared splits of a large file are tens of MB: their buffers are handed over instead of copied. */
function transfers(done: Omit<Extract<JobReply, { kind: "done" }>, "kind">): Transferable[] | undefined {
  const { index, prepared } = done;
  if (index) {
    return [index.time, index.symbol, index.segments, ...Object.values(index.labels), ...Object.values(index.nonFinite)].map((a) => a.buffer as ArrayBuffer);
  }
  if (prepared) return [...Object.values(prepared.files), prepared.recipe].map((a) => a.buffer as ArrayBuffer);
  return undefined;
}

async function run(job: JobRequest): Promise<Omit<Extract<JobReply, { kind: "done" }>, "kind">> {
  const { blobSource } = await import("../blob_source.ts");
  if (job.kind === "summarize") {
    const { summarizeSplit } = await import("../../core/data/summary.ts");
    return { summary: await summarizeSplit(blobSource(job.file)) };
  }
  if (job.kind === "index") {
    const { readTimeIndex } = await import("../../core/data/time_index.ts");
    return { index: await readTimeIndex(blobSource(job.file)) };
  }
  if (job.kind === "prepare") {
    const { runPrepareJob } = await import("./prepare_job.ts");
    return { prepared: await runPrepareJob(job.file, job.config, (event) => post({ kind: "progress", event })) };
  }
  if (job.kind === "experiment") {
    const { runExperimentJob } = await import("./experiment_job.ts");
    return { experiment: await runExperimentJob(job, { gpu, signal, post: (event) => post({ kind: "queue", event }) }) };
  }
  if (job.kind === "tune") {
    const { runTuneJob } = await import("./tune_job.ts");
    const context = {
      gpu,
      signal,
      post: (event: WorkerEvent) => post({ kind: "tune", event }),
      progress: (event: ProgressEvent) => post({ kind: "progress", event }),
    };
    return { tune: await runTuneJob(job, context) };
  }
  const [{ selectBackend, tfjsBackend }, { browserBackendEnv, browserParallelism }] = await Promise.all([
    import("../../models/tfjs/backend.ts"),
    import("./browser_platform.ts"),
  ]);
  if (job.kind === "backend") return { backend: await selectBackend(job.requested, browserBackendEnv(gpu, job.wasmPaths)) };
  const startBackend = tfjsBackend(browserBackendEnv(gpu, job.wasmPaths));
  if (job.kind === "predict") {
    const [{ predictFile, predictFrame }, csv] = await Promise.all([import("../../core/predict.ts"), import("../predict/predictions_csv.ts")]);
    const source = blobSource(job.file);
    const backend = await startBackend("auto");
    const { run, scoredBy, reader, runId } = "run" in job.from
      ? await runModel(job.db, job.from.run, backend)
      : await registeredModel(job.db, job.from.model, backend, job.raw ? undefined : source);
    try {
      const horizon = run.preprocess.horizon;
      // a file that has the run's label column is scored against it too, as `mf evaluate` scores it, from the same predictions
      const label = run.preprocess.label_column;
      const labelled = !job.raw && (await readMetadataOf(source)).schema.some((column) => column.name === label);
      const { predictions: { windows, probs, parquet }, evaluation: scored } = job.raw
        ? { predictions: await predictFrame(run, await (await import("../../core/predict_raw.ts")).rawBarsFrame(reader, runId, source)), evaluation: undefined }
        : labelled
        ? await (await import("../../core/evaluate_run.ts")).predictAndEvaluate(run, source)
        : { predictions: await predictFile(run, source), evaluation: undefined };
      return {
        predictions: {
          rows: windows.size,
          preview: csv.predictionRows(windows, probs, 50),
          parquet,
          csv: csv.predictionsCsv(windows, probs, horizon),
          backend: backend.reason,
          scoredBy,
          ...(scored ? { evaluation: { label_column: label, samples: scored.data.samples, metrics: scored.metrics } } : {}),
        },
      };
    } finally {
      run.model.dispose();
    }
  }
  const [{ train }, { registry }, { IdbRunStore }, { DeviceWatch }, { HeartbeatStore }, { tabProcess }, tf] = await Promise.all([
    import("../../core/train/trainer.ts"),
    import("../../models/index.ts"),
    import("../idb_store.ts"),
    import("./device_watch.ts"),
    import("./heartbeat_store.ts"),
    import("../tab_process.ts"),
    import("@tensorflow/tfjs"),
  ]);
  const idb = await IdbRunStore.open(job.db);
  // a run this worker trains keeps a heartbeat, so a reload that ends the worker leaves it readable as interrupted
  const process = await tabProcess();
  const store = process ? new HeartbeatStore(idb, process) : idb;
  const watch = new DeviceWatch();
  // the tfjs WebGPU backend keeps its GPUDevice as `device`
  const device = () => (tf.getBackend() === "webgpu" ? (tf.backend() as unknown as { device?: LosableDevice }).device : undefined);
  // a step event per batch would flood the page; a few per second are enough for a progress bar
  let lastStep = 0;
  const progress = (event: ProgressEvent) => {
    watch.observe(event, device);
    if (event.kind === "step") {
      if (Date.now() - lastStep < 100 && event.step < event.steps) return;
      lastStep = Date.now();
    }
    post({ kind: "progress", event });
  };
  const files = job.files;
  const sources = "file" in files
    ? { file: blobSource(files.file) }
    : { train: blobSource(files.train), val: blobSource(files.val), test: blobSource(files.test) };
  const result = await watch.guard(
    train(
      { plugin: registry.get(job.model), params: job.params, dataset: job.dataset, trainer: job.trainer, sources, attachments: job.attachments },
      { store, clock: Date, startBackend, parallel: browserParallelism(), signal, versions: { tfjs: tf.version.tfjs }, progress },
    ),
    store,
  );
  return { runId: result.runId, status: result.record.status };
}

/** A model to score with, the reader its run's files come from (prepare.json for raw bars), and what to call it. */
interface ScoringModel {
  run: LoadedRun;
  scoredBy: string;
  reader: RunReader;
  runId: string;
}

/** A Parquet file's footer. */
async function readMetadataOf(source: ByteSource) {
  return (await import("../../core/data/read_frame.ts")).readMetadata(source);
}

/** A stored run's model. */
async function runModel(db: string, runId: string, backend: ComputeBackend): Promise<ScoringModel> {
  const [{ loadRun }, { registry }, { IdbRunStore }] = await Promise.all([
    import("../../core/predict.ts"),
    import("../../models/index.ts"),
    import("../idb_store.ts"),
  ]);
  const store = await IdbRunStore.open(db);
  return { run: await loadRun(store, runId, registry, backend), scoredBy: `run ${runId}`, reader: store, runId };
}

/**
 * A registered version's model, read from the registry alone (its run may be gone), as `mf predict --model` does:
 * the file's feature columns are checked against the version's signature first, naming the first mismatch (not for raw
 * bars, `source` absent: their features are made by the version's prepare.json).
 */
async function registeredModel(db: string, text: string, backend: ComputeBackend, source?: ByteSource): Promise<ScoringModel> {
  const [{ parseModelRef }, { readVersion, resolveVersion }, { checkSignature }, { loadVersion }, { detectColumns }, { readMetadata }, { registry }, {
    IdbRegistryStore,
  }] = await Promise.all([
    import("../../core/model_registry/names.ts"),
    import("../../core/model_registry/read.ts"),
    import("../../core/model_registry/signature.ts"),
    import("../../core/model_registry/load.ts"),
    import("../../core/data/columns.ts"),
    import("../../core/data/read_frame.ts"),
    import("../../models/index.ts"),
    import("../idb_registry.ts"),
  ]);
  const store = await IdbRegistryStore.open(db);
  const ref = parseModelRef(text, { needVersion: true });
  const version = await readVersion(store, ref.name, await resolveVersion(store, ref));
  const label = `${ref.name}/${version.version}`;
  if (source) checkSignature(version.signature, detectColumns(source.name, await readMetadata(source)).features, source.name, label);
  // the version checked, not whatever the alias points at by now
  const loaded = await loadVersion(store, { name: ref.name, version: version.version }, registry, backend);
  return {
    run: loaded.run,
    scoredBy: ref.alias ? `${ref.name}@${ref.alias}, version ${version.version}` : loaded.label,
    reader: loaded.reader,
    runId: loaded.version.run_id,
  };
}
