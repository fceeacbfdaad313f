import type { ComputeBackend, StartBackend } from "../compute.ts";
import type { RunData } from "../data/splits.ts";
import type { EpochReport, Model } from "../model.ts";
import type { AbortLike, Clock, Parallelism, ProgressSink, RunStore } from "../platform.ts";
import { EarlyStopping } from "./early_stopping.ts";
import { checkFootprint } from "./footprint.ts";
import { evaluate, type SplitMetrics, tradingInput } from "./evaluate.ts";
import { equityCurve } from "./metrics/trading.ts";
import { predictionsParquet } from "./predictions.ts";
import { resolveRun, type RunSettings } from "./resolve.ts";
import { jsonText, type Preprocess, type RunRecord, type RunTags } from "./run_record.ts";

/** One run on data already loaded: the plugin and its raw settings, plus what the run carries besides. */
export interface RunRequest extends RunSettings {
  /** Extra files kept with the run, e.g. the prepare.json the splits were made with. */
  attachments?: Record<string, Uint8Array | string>;
  /** Where the run belongs (an experiment and its cell; a study and its trial), written into run.json. */
  tags?: RunTags;
  /** Score the test split (default true). Tuning turns it off: choices must never see test. */
  scoreTest?: boolean;
  /** Seconds spent reading the data, when this run alone read it (recorded as timings.load_s). */
  loadSeconds?: number;
}

/** The platform a run uses, handed in by cli/ or web/. */
export interface TrainEnv {
  store: RunStore;
  clock: Clock;
  /** Starts the backend the trainer config asks for (models/tfjs/backend.ts's tfjsBackend makes one). */
  startBackend: StartBackend;
  progress?: ProgressSink;
  signal?: AbortLike;
  /** Library versions recorded in run.json. */
  versions?: Record<string, string>;
  /** Workers for models that train in parallel on the CPU. */
  parallel?: Parallelism;
  /** The process's resident memory in bytes, sampled each epoch for the run's peak; absent where the platform cannot tell. */
  memory?: () => number;
}

/** The per-epoch decision besides early stopping: pruning (a tuner) or any other reason to stop a run early. */
export interface FitHooks {
  /** Called after every epoch with its figures; `{ stop: true }` ends the run there, recorded with `reason`. */
  onEpoch?(report: EpochReport & { best: boolean }): Promise<{ stop: boolean; reason?: string } | void> | { stop: boolean; reason?: string } | void;
}

/** A finished (or stopped) run and its headline metrics; `test` is absent when the request skipped it. */
export interface TrainResult {
  runId: string;
  location: string;
  record: RunRecord;
  val: SplitMetrics;
  test?: SplitMetrics;
}

/** Files the trainer writes into model/ beside the plugin's own. */
const PREPROCESS = "preprocess.json";
/** Run files an attachment may not replace. */
const RESERVED = /^(run\.json|metrics\.jsonl?|equity\.json|feature_importance\.json|model\/|predictions\/|evaluations\/)/;

/**
 * build -> fit -> evaluate -> store for one run on loaded data, the same for every model: validates the
 * settings, starts the backend, takes the run's splits from `data`, trains with early stopping (and the
 * hooks' decisions) and best-epoch checkpoints, scores val (and test), and writes the run (run.json,
 * metrics.jsonl, metrics.json, equity.json, model/, predictions/). A failure after the run was created
 * marks it `failed` with the error, then rethrows.
 */
export async function fitRun(data: RunData, request: RunRequest, env: TrainEnv, hooks: FitHooks = {}): Promise<TrainResult> {
  const resolved = resolveRun(request);
  const { plugin, name, params, dataset, trainer } = resolved;
  const { clock, store, progress } = env;
  const t0 = clock.now();
  const backend = await env.startBackend(trainer.backend);
  progress?.({ kind: "phase", phase: "backend", detail: backend.reason });
  const splits = data.splits(dataset, progress);
  const scoreTest = request.scoreTest ?? true;
  if (scoreTest && !splits.test) throw new RangeError("This run's data has no test split (a cross-validation fold); train it with scoreTest: false");
  const shape = { seqLen: dataset.seq_len, nFeatures: splits.featureNames.length, nClasses: 3 as const };
  checkFootprint({ plugin, name, params, batchSize: trainer.batch_size }, shape, backend); // before anything is allocated
  const model = plugin.create(params, shape, { seed: trainer.seed, parallel: env.parallel, backend });
  const load: Record<string, number> = request.loadSeconds !== undefined ? { load_s: request.loadSeconds } : {};
  let peak = env.memory?.() ?? 0;
  const sample = () => void (peak = Math.max(peak, env.memory?.() ?? 0));

  let runId = makeRunId(clock.now(), plugin.name, dataset.horizon);
  while (await store.files(runId).then((files) => files.length > 0, () => false)) runId = makeRunId(clock.now(), plugin.name, dataset.horizon);
  const record: RunRecord = {
    id: runId,
    model: name,
    family: plugin.family,
    horizon: dataset.horizon,
    seq_len: dataset.seq_len,
    config: { params, dataset, trainer },
    dataset: splits.fingerprint,
    backend: backendRecord(backend),
    versions: env.versions ?? {},
    seed: trainer.seed,
    status: "running",
    created_at: new Date(t0).toISOString(),
    timings: { ...load, setup_s: (clock.now() - t0) / 1000 },
    ...request.tags,
  };
  const preprocess: Preprocess = {
    features: [...splits.featureNames],
    horizon: dataset.horizon,
    seq_len: dataset.seq_len,
    label_column: splits.labelColumn,
    nan_policy: dataset.nan_policy,
    scaler: splits.scaler,
  };
  await store.write(runId, "run.json", jsonText(record));
  progress?.({ kind: "run", runId, location: store.location(runId) });
  try {
    for (const [path, bytes] of Object.entries(request.attachments ?? {})) {
      if (RESERVED.test(path)) throw new TypeError(`Attachment "${path}" would overwrite a file the trainer writes`);
      await store.write(runId, path, bytes);
    }
    const saveModel = async () => {
      const files = await model.save();
      if (PREPROCESS in files) throw new TypeError(`Model ${name} saves a file named ${PREPROCESS}, which the trainer reserves`);
      for (const [path, bytes] of Object.entries(files)) await store.write(runId, `model/${path}`, bytes);
      await store.write(runId, `model/${PREPROCESS}`, jsonText(preprocess));
    };
    // counts as a person reads them (16,760), in the page and the terminal alike
    const n = (count: number) => count.toLocaleString("en-US");
    const available = splits.fingerprint.files.train.samples_available;
    const sampled = available ? ` (sampled from ${n(available)})` : "";
    progress?.({
      kind: "phase",
      phase: "fit",
      detail: `${name}: ${n(splits.train.size)} train${sampled} / ${n(splits.val.size)} val samples, window ${dataset.seq_len} x ${shape.nFeatures}`,
    });
    const stopping = new EarlyStopping({ patience: trainer.patience, minDelta: trainer.min_delta });
    let hookReason: string | undefined;
    // the epoch a step event belongs to (from 0): the epochs reported so far
    let epochsDone = 0;
    const tFit = clock.now();
    const fit = await model.fit(splits.train, splits.val, {
      epochs: trainer.epochs,
      batchSize: trainer.batch_size,
      seed: trainer.seed,
      restoreBest: trainer.restore_best,
      signal: env.signal,
      onStep: (step, steps, loss) => progress?.({ kind: "step", epoch: epochsDone, epochs: trainer.epochs, step, steps, loss }),
      onEpoch: async (report) => {
        epochsDone++;
        sample();
        const decision = stopping.update(report.val_loss);
        await store.appendLine(runId, "metrics.jsonl", JSON.stringify({ ...report, best: decision.best, time_s: (clock.now() - tFit) / 1000 }));
        progress?.({ kind: "epoch", epoch: report.epoch, epochs: trainer.epochs, metrics: { ...report }, best: decision.best });
        if (decision.best && trainer.checkpoint) await saveModel();
        const verdict = await hooks.onEpoch?.({ ...report, best: decision.best });
        if (verdict?.stop && !decision.stop) {
          hookReason = verdict.reason ?? "stopped by a hook";
          return { ...decision, stop: true };
        }
        return decision;
      },
    });
    const tEval = clock.now();
    progress?.({ kind: "phase", phase: "evaluate" });
    const val = await scoreSplit(model, splits.val, dataset.horizon, trainer.batch_size);
    const test = scoreTest ? await scoreSplit(model, splits.test!, dataset.horizon, trainer.batch_size) : undefined;
    sample();
    await store.write(runId, "predictions/val.parquet", val.parquet);
    if (test) await store.write(runId, "predictions/test.parquet", test.parquet);
    await store.write(runId, "metrics.json", jsonText({ val: val.metrics, ...(test ? { test: test.metrics } : {}) }));
    await store.write(runId, "equity.json", JSON.stringify({ val: val.equity, ...(test ? { test: test.equity } : {}) }));
    await saveModel();
    const importance = model.featureImportance?.();
    if (importance) {
      const { values } = importance;
      await store.write(runId, "feature_importance.json", jsonText(Object.fromEntries(splits.featureNames.map((f, j) => [f, values[j]]))));
    }
    const tEnd = clock.now();
    const stopReason = fit.reason === "early_stopping" && hookReason ? hookReason : fit.reason;
    // a model that says where it built its histograms (trees: "cpu x2 threads", "webgpu") or which kernels its layers ran
    // (networks on webgpu: "lstm: fused") has it recorded with the backend
    const said = (key: "histograms" | "kernels") => {
      const value = (model as { histograms?: unknown; kernels?: unknown })[key];
      return typeof value === "string" && value ? { [key]: value } : {};
    };
    const notes = { ...said("histograms"), ...said("kernels") };
    Object.assign(record, {
      ...(Object.keys(notes).length ? { backend: { ...record.backend, ...notes } } : {}),
      status: fit.reason === "aborted" ? "stopped" : "finished",
      best_epoch: fit.bestEpoch,
      epochs_run: fit.epochs,
      stop_reason: stopReason,
      ...(scoreTest ? {} : { test_scored: false }),
      timings: { ...load, setup_s: (tFit - t0) / 1000, fit_s: (tEval - tFit) / 1000, evaluate_s: (tEnd - tEval) / 1000, total_s: (tEnd - t0) / 1000 },
      ...(peak > 0 ? { resources: { peak_rss_mb: Math.round(peak / 2 ** 20) } } : {}),
      // readers caption feature_importance.json with the kind the model gave, rather than guess it from the model's name
      ...(importance ? { importance_kind: importance.kind } : {}),
    });
    await store.write(runId, "run.json", jsonText(record));
    return { runId, location: store.location(runId), record, val: val.metrics, test: test?.metrics };
  } catch (error) {
    await store.write(runId, "run.json", jsonText({ ...record, status: "failed", error: String((error as Error)?.message ?? error) }));
    throw error;
  } finally {
    model.dispose();
  }
}

async function scoreSplit(model: Model, windows: Parameters<Model["predict"]>[0], horizon: number, batchSize: number) {
  const probs = await model.predict(windows, { batchSize });
  const curve = equityCurve(tradingInput(windows, probs, horizon));
  // 7 significant digits keep the file small; a chart needs no more
  const round = (a: Float64Array) => Array.from(a, (v) => Number(v.toPrecision(7)));
  const equity = { time: Array.from(curve.time), equity: round(curve.equity), drawdown: round(curve.drawdown) };
  return { metrics: evaluate(windows, probs, horizon), parquet: predictionsParquet(windows, probs, horizon), equity };
}

function backendRecord(choice: ComputeBackend): RunRecord["backend"] {
  return { name: choice.name, requested: choice.requested, reason: choice.reason, ...(choice.adapter ? { adapter: choice.adapter } : {}) };
}

/** A sortable, readable, unique run id: `20261122-134501-mlp-h5-3fa9`. */
export function makeRunId(ms: number, model: string, horizon: number): string {
  const stamp = new Date(ms).toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  const suffix = Math.floor(Math.random() * 0x10000).toString(16).padStart(4, "0");
  return `${stamp}-${model}-h${horizon}-${suffix}`;
}
