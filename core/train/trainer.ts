import type { z } from "zod";
import { type BackendChoice, type BackendEnv, selectBackend } from "../backend.ts";
import { DatasetConfig } from "../config/dataset.ts";
import { parseConfig } from "../config/parse.ts";
import { TrainerConfig } from "../config/trainer.ts";
import { loadSplits, type SplitSources } from "../data/splits.ts";
import { fullName, type Model, type ModelPlugin } from "../model.ts";
import type { AbortLike, Clock, Parallelism, ProgressSink, RunStore } from "../platform.ts";
import { EarlyStopping } from "./early_stopping.ts";
import { evaluate, type SplitMetrics, tradingInput } from "./evaluate.ts";
import { equityCurve } from "./metrics/trading.ts";
import { predictionsParquet } from "./predictions.ts";
import { jsonText, type Preprocess, type RunRecord } from "./run_record.ts";

/** What to train: a plugin, its raw params, dataset and trainer settings (raw: validated here), and the data. */
export interface TrainRequest {
  plugin: ModelPlugin;
  params?: unknown;
  dataset?: unknown;
  trainer?: unknown;
  sources: SplitSources;
  /** Extra files kept with the run, e.g. the prepare.json the splits were made with. */
  attachments?: Record<string, Uint8Array | string>;
}

/** The platform a training run uses, handed in by cli/ or web/. */
export interface TrainEnv {
  store: RunStore;
  clock: Clock;
  backend?: BackendEnv;
  progress?: ProgressSink;
  signal?: AbortLike;
  /** Library versions recorded in run.json. */
  versions?: Record<string, string>;
  /** Workers for models that train in parallel on the CPU. */
  parallel?: Parallelism;
}

/** A finished (or stopped) run and its headline metrics. */
export interface TrainResult {
  runId: string;
  location: string;
  record: RunRecord;
  val: SplitMetrics;
  test: SplitMetrics;
}

/** Files the trainer writes into model/ beside the plugin's own. */
const PREPROCESS = "preprocess.json";
/** Run files an attachment may not replace. */
const RESERVED = /^(run\.json|metrics\.jsonl?|equity\.json|feature_importance\.json|model\/|predictions\/)/;

/**
 * prepare -> build -> fit -> evaluate -> store, the same for every model: validates configs, reads
 * the splits, trains with early stopping and best-epoch checkpoints, scores val and test, and writes
 * the run (run.json, metrics.jsonl, metrics.json, model/, predictions/). A failure after the run was
 * created marks it `failed` with the error, then rethrows.
 */
export async function train(request: TrainRequest, env: TrainEnv): Promise<TrainResult> {
  const { plugin } = request;
  const name = fullName(plugin);
  const params = parseConfig(plugin.configSchema, request.params ?? {}, `${name} config`) as z.output<typeof plugin.configSchema>;
  const dataset = parseConfig(DatasetConfig, request.dataset ?? {}, "dataset config");
  const trainer = parseConfig(TrainerConfig, request.trainer ?? {}, "trainer config");
  const seqLen = dataset.seq_len ?? plugin.defaultSeqLen;
  const { clock, store, progress } = env;
  const t0 = clock.now();

  const backend = await selectBackend(trainer.backend, env.backend);
  progress?.({ kind: "phase", phase: "backend", detail: backend.reason });
  const splits = await loadSplits(request.sources, { ...dataset, seq_len: seqLen }, progress);
  const tLoaded = clock.now();
  const shape = { seqLen, nFeatures: splits.featureNames.length, nClasses: 3 as const };
  const model = plugin.create(params, shape, { seed: trainer.seed, parallel: env.parallel });

  let runId = makeRunId(clock.now(), plugin.name, dataset.horizon);
  while (await store.files(runId).then((files) => files.length > 0, () => false)) runId = makeRunId(clock.now(), plugin.name, dataset.horizon);
  const record: RunRecord = {
    id: runId,
    model: name,
    family: plugin.family,
    horizon: dataset.horizon,
    seq_len: seqLen,
    config: { params: params as Record<string, unknown>, dataset: { ...dataset, seq_len: seqLen }, trainer },
    dataset: splits.fingerprint,
    backend: backendRecord(backend),
    versions: env.versions ?? {},
    seed: trainer.seed,
    status: "running",
    created_at: new Date(t0).toISOString(),
    timings: { load_s: (tLoaded - t0) / 1000 },
  };
  const preprocess: Preprocess = {
    features: [...splits.featureNames],
    horizon: dataset.horizon,
    seq_len: seqLen,
    label_column: splits.labelColumn,
    nan_policy: dataset.nan_policy,
    scaler: splits.scaler,
  };
  await store.write(runId, "run.json", jsonText(record));
  progress?.({ kind: "run", runId, location: store.location(runId) });
  try {
    for (const [path, data] of Object.entries(request.attachments ?? {})) {
      if (RESERVED.test(path)) throw new TypeError(`Attachment "${path}" would overwrite a file the trainer writes`);
      await store.write(runId, path, data);
    }
    const saveModel = async () => {
      const files = await model.save();
      if (PREPROCESS in files) throw new TypeError(`Model ${name} saves a file named ${PREPROCESS}, which the trainer reserves`);
      for (const [path, bytes] of Object.entries(files)) await store.write(runId, `model/${path}`, bytes);
      await store.write(runId, `model/${PREPROCESS}`, jsonText(preprocess));
    };
    progress?.({
      kind: "phase",
      phase: "fit",
      detail: `${name}: ${splits.train.size} train / ${splits.val.size} val samples, window ${seqLen} x ${shape.nFeatures}`,
    });
    const stopping = new EarlyStopping({ patience: trainer.patience, minDelta: trainer.min_delta });
    const tFit = clock.now();
    const fit = await model.fit(splits.train, splits.val, {
      epochs: trainer.epochs,
      batchSize: trainer.batch_size,
      seed: trainer.seed,
      restoreBest: trainer.restore_best,
      signal: env.signal,
      onStep: (step, steps, loss) => progress?.({ kind: "step", epoch: stopping.bestEpoch, epochs: trainer.epochs, step, steps, loss }),
      onEpoch: async (report) => {
        const decision = stopping.update(report.val_loss);
        await store.appendLine(runId, "metrics.jsonl", JSON.stringify({ ...report, best: decision.best, time_s: (clock.now() - tFit) / 1000 }));
        progress?.({ kind: "epoch", epoch: report.epoch, epochs: trainer.epochs, metrics: { ...report }, best: decision.best });
        if (decision.best && trainer.checkpoint) await saveModel();
        return decision;
      },
    });
    const tEval = clock.now();
    progress?.({ kind: "phase", phase: "evaluate" });
    const val = await scoreSplit(model, splits.val, dataset.horizon, trainer.batch_size);
    const test = await scoreSplit(model, splits.test, dataset.horizon, trainer.batch_size);
    await store.write(runId, "predictions/val.parquet", val.parquet);
    await store.write(runId, "predictions/test.parquet", test.parquet);
    await store.write(runId, "metrics.json", jsonText({ val: val.metrics, test: test.metrics }));
    await store.write(runId, "equity.json", JSON.stringify({ val: val.equity, test: test.equity }));
    await saveModel();
    const importance = model.featureImportance?.();
    if (importance) {
      await store.write(runId, "feature_importance.json", jsonText(Object.fromEntries(splits.featureNames.map((f, j) => [f, importance[j]]))));
    }
    const tEnd = clock.now();
    Object.assign(record, {
      status: fit.reason === "aborted" ? "stopped" : "finished",
      best_epoch: fit.bestEpoch,
      epochs_run: fit.epochs,
      stop_reason: fit.reason,
      timings: { load_s: (tLoaded - t0) / 1000, fit_s: (tEval - tFit) / 1000, evaluate_s: (tEnd - tEval) / 1000, total_s: (tEnd - t0) / 1000 },
    });
    await store.write(runId, "run.json", jsonText(record));
    return { runId, location: store.location(runId), record, val: val.metrics, test: test.metrics };
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

function backendRecord(choice: BackendChoice): RunRecord["backend"] {
  return { name: choice.name, requested: choice.requested, reason: choice.reason, ...(choice.adapter ? { adapter: choice.adapter } : {}) };
}

/** A sortable, readable, unique run id: `20261122-134501-mlp-h5-3fa9`. */
export function makeRunId(ms: number, model: string, horizon: number): string {
  const stamp = new Date(ms).toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  const suffix = Math.floor(Math.random() * 0x10000).toString(16).padStart(4, "0");
  return `${stamp}-${model}-h${horizon}-${suffix}`;
}
