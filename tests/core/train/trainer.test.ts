import { tfjsBackend } from "../../../models/tfjs/backend.ts";
import { parquetReadObjects } from "hyparquet";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { writeParquet } from "../../../core/data/parquet_write.ts";
import { SYNTH_STRONG_SIGNAL, synthSplits } from "../../../core/data/synth.ts";
import { MemoryRunStore } from "../../../core/memory_store.ts";
import type { EpochReport, FeatureImportance, ModelPlugin } from "../../../core/model.ts";
import type { ProgressEvent } from "../../../core/platform.ts";
import { loadRun, predictFile } from "../../../core/predict.ts";
import { train } from "../../../core/train/trainer.ts";
import { markRunFailed } from "../../../core/train/run_record.ts";
import { registry } from "../../../models/index.ts";
import { SPLIT_GAIN } from "../../../models/trees/tree_model.ts";
import { memorySource } from "../../helpers.ts";

const tiny = synthSplits({ symbols: 2, rows: 1500, features: 8, seed: 3, signal: SYNTH_STRONG_SIGNAL });
const sources = () => ({
  train: memorySource("train.parquet", writeParquet(tiny.train.columns)),
  val: memorySource("val.parquet", writeParquet(tiny.val.columns)),
  test: memorySource("test.parquet", writeParquet(tiny.test.columns)),
});
const text = async (store: MemoryRunStore, id: string, path: string) => new TextDecoder().decode(await store.read(id, path));
let clock = 1_700_000_000_000;
const env = (store: MemoryRunStore, extra = {}) => ({ store, clock: { now: () => (clock += 1000) }, startBackend: tfjsBackend(), ...extra });

/** A plugin whose model reports the given validation losses and records what the trainer asked of it. */
function scripted(losses: number[], opts: { throwAt?: number; importance?: FeatureImportance } = {}) {
  const seen = { snapshots: [] as number[], restored: false, stopped: false };
  const plugin: ModelPlugin = {
    name: "scripted",
    family: "test",
    description: "test double",
    input: "row",
    wantsGpu: false,
    defaultSeqLen: 1,
    configSchema: z.strictObject({}),
    create: () => ({
      async fit(_train, _val, options) {
        let epoch = 0;
        for (; epoch < options.epochs; epoch++) {
          if (options.signal?.aborted) return { epochs: epoch, bestEpoch: seen.snapshots.at(-1) ?? -1, reason: "aborted" };
          if (epoch === opts.throwAt) throw new Error("device lost");
          const report: EpochReport = { epoch, train_loss: 1, train_accuracy: 0.3, val_loss: losses[epoch], val_accuracy: 0.3 };
          const decision = await options.onEpoch(report);
          if (decision.best) seen.snapshots.push(epoch);
          if (decision.stop) return { epochs: epoch + 1, bestEpoch: seen.snapshots.at(-1)!, reason: "early_stopping" };
        }
        return { epochs: epoch, bestEpoch: seen.snapshots.at(-1)!, reason: "completed" };
      },
      predict: (data) => Promise.resolve(new Float32Array(data.size * 3).fill(1 / 3)),
      save: () => Promise.resolve({ "weights.json": new TextEncoder().encode("{}") }),
      dispose: () => {},
      ...(opts.importance ? { featureImportance: () => opts.importance! } : {}),
    }),
    load: () => Promise.reject(new Error("unused")),
  };
  return { plugin, seen };
}

describe("train", () => {
  let store: MemoryRunStore;
  let result: Awaited<ReturnType<typeof train>>;
  const events: ProgressEvent[] = [];
  beforeAll(async () => {
    store = new MemoryRunStore();
    result = await train(
      { plugin: registry.get("logistic"), sources: sources(), trainer: { epochs: 6, backend: "cpu", patience: 0 } },
      env(store, { progress: (e: ProgressEvent) => events.push(e) }),
    );
  });

  it("writes the run described in DESIGN.md", async () => {
    expect(await store.files(result.runId)).toEqual([
      "equity.json",
      "metrics.json",
      "metrics.jsonl",
      "model/model.json",
      "model/preprocess.json",
      "model/weights.bin",
      "predictions/test.parquet",
      "predictions/val.parquet",
      "run.json",
    ]);
    const run = JSON.parse(await text(store, result.runId, "run.json"));
    expect(run).toMatchObject({
      id: result.runId,
      model: "linear:logistic",
      family: "linear",
      horizon: 5,
      seq_len: 1,
      status: "finished",
      seed: 42,
      backend: { name: "cpu" },
    });
    expect(run.dataset.features).toHaveLength(8);
    expect(run.dataset.symbols).toEqual(["SYM00", "SYM01"]);
    expect(run.config.trainer.epochs).toBe(6);
    expect(run.timings.total_s).toBeGreaterThan(0);
  });

  it("stores the test equity curve consistent with the trading metrics", async () => {
    const { test } = JSON.parse(await text(store, result.runId, "equity.json"));
    expect(test.time.length).toBe(result.test!.n_bars);
    expect(test.equity.length).toBe(test.time.length);
    expect(Math.log(test.equity.at(-1))).toBeCloseTo(result.test!.total_return!, 4);
    expect(Math.max(...test.drawdown)).toBeCloseTo(result.test!.max_drawdown!, 5);
    expect(test.time).toEqual([...test.time].sort((a: number, b: number) => a - b));
  });

  it("logs one metrics line per epoch, and the training loss falls", async () => {
    const lines = (await text(store, result.runId, "metrics.jsonl")).trim().split("\n").map((l) => JSON.parse(l));
    expect(lines).toHaveLength(6);
    expect(lines.map((l) => l.epoch)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(lines[5].train_loss).toBeLessThan(lines[0].train_loss);
    expect(events.filter((e) => e.kind === "epoch")).toHaveLength(6);
    // the run is announced before training starts, so a watcher can mark it failed if the trainer dies
    const announced = events.findIndex((e) => e.kind === "run");
    expect(events[announced]).toEqual({ kind: "run", runId: result.runId, location: `memory://${result.runId}` });
    expect(announced).toBeLessThan(events.findIndex((e) => e.kind === "epoch"));
  });

  it("learns the synthetic signal: test macro-F1 well above chance", () => {
    expect(result.test!.f1_macro).toBeGreaterThan(0.4);
    expect(Object.keys(result.test!.per_symbol)).toEqual(["SYM00", "SYM01"]);
    expect(result.test!.per_symbol.SYM00.n).toBeGreaterThan(0);
  });

  it("writes predictions for every test sample, and a reloaded model reproduces them", async () => {
    const saved = await parquetReadObjects({ file: memorySource("p", await store.read(result.runId, "predictions/test.parquet")) });
    expect(saved).toHaveLength(result.test!.n);
    expect(Object.keys(saved[0])).toEqual(["datetime", "symbol", "horizon", "prediction", "prob_short", "prob_neutral", "prob_long"]);
    const loaded = await loadRun(store, result.runId, registry, await tfjsBackend()("cpu"));
    const again = await parquetReadObjects({ file: memorySource("q", (await predictFile(loaded, sources().test)).parquet) });
    const key = (r: Record<string, unknown>) => `${r.symbol}@${r.datetime}`;
    const byKey = new Map(again.map((r) => [key(r), r]));
    for (const row of saved) {
      const other = byKey.get(key(row))!;
      for (const c of ["prob_short", "prob_neutral", "prob_long"]) expect(other[c]).toBe(row[c]);
    }
    loaded.model.dispose();
  });

  it("stops after `patience` epochs without improvement and reports the best epoch", async () => {
    const { plugin, seen } = scripted([1.0, 0.8, 0.81, 0.79995, 0.9, 0.7]);
    const out = await train({ plugin, sources: sources(), trainer: { epochs: 6, patience: 2, min_delta: 0.001, backend: "cpu" } }, env(new MemoryRunStore()));
    expect(seen.snapshots).toEqual([0, 1]); // 0.79995 is not better than 0.8 by min_delta
    expect(out.record).toMatchObject({ status: "finished", stop_reason: "early_stopping", best_epoch: 1, epochs_run: 4 });
  });

  it("marks the run failed with the error, and rethrows it, when training fails", async () => {
    const { plugin } = scripted([1, 1, 1], { throwAt: 1 });
    const failing = new MemoryRunStore();
    await expect(train({ plugin, sources: sources(), trainer: { epochs: 3, backend: "cpu" } }, env(failing))).rejects.toThrow("device lost");
    const [id] = await failing.list();
    const run = JSON.parse(await text(failing, id, "run.json"));
    expect(run).toMatchObject({ status: "failed", error: "device lost" });
    await expect(failing.read(id, "metrics.json")).rejects.toThrow(/no metrics.json/);
  });

  it("markRunFailed records a dead run as failed, and leaves an ended run alone", async () => {
    const dead = new MemoryRunStore();
    await dead.write("r1", "run.json", await store.read(result.runId, "run.json"));
    const running = JSON.parse(await text(dead, "r1", "run.json"));
    await dead.write("r1", "run.json", JSON.stringify({ ...running, status: "running" }));
    expect(await markRunFailed(dead, "r1", "The worker failed: out of memory")).toBe(true);
    expect(JSON.parse(await text(dead, "r1", "run.json"))).toMatchObject({ status: "failed", error: "The worker failed: out of memory" });
    expect(await markRunFailed(store, result.runId, "late")).toBe(false);
    expect(JSON.parse(await text(store, result.runId, "run.json")).status).toBe("finished");
  });

  it("ends a run stopped by the user as `stopped`, evaluated with its best model", async () => {
    const { plugin } = scripted([1, 0.9, 0.8, 0.7]);
    const signal = { aborted: false };
    const progress = (e: ProgressEvent) => {
      if (e.kind === "epoch" && e.epoch === 1) signal.aborted = true;
    };
    const out = await train({ plugin, sources: sources(), trainer: { epochs: 4, backend: "cpu" } }, env(new MemoryRunStore(), { signal, progress }));
    expect(out.record).toMatchObject({ status: "stopped", stop_reason: "aborted", epochs_run: 2 });
    expect(out.test!.n).toBeGreaterThan(0);
  });

  it("lets a hook stop a run after an epoch (pruning), recorded with the hook's reason, the best epoch kept", async () => {
    const { plugin, seen } = scripted([1.0, 0.9, 0.8, 0.7, 0.6]);
    const reports: number[] = [];
    const hooks = {
      onEpoch: (r: EpochReport & { best: boolean }) => (reports.push(r.val_loss), r.epoch === 2 ? { stop: true, reason: "pruned at epoch 3" } : undefined),
    };
    const out = await train({ plugin, sources: sources(), trainer: { epochs: 5, patience: 0, backend: "cpu" } }, env(new MemoryRunStore()), hooks);
    expect(reports).toEqual([1.0, 0.9, 0.8]);
    expect(seen.snapshots).toEqual([0, 1, 2]);
    expect(out.record).toMatchObject({ status: "finished", stop_reason: "pruned at epoch 3", epochs_run: 3, best_epoch: 2 });
  });

  it("records where a tree model built its histograms beside the backend; a network records none", async () => {
    const trees = await train({ plugin: registry.get("gbdt"), sources: sources(), trainer: { epochs: 2, backend: "cpu" } }, env(new MemoryRunStore()));
    expect(trees.record.backend).toMatchObject({ name: "cpu", histograms: "cpu" });
    const net = await train({ plugin: registry.get("logistic"), sources: sources(), trainer: { epochs: 1, backend: "cpu" } }, env(new MemoryRunStore()));
    expect(net.record.backend).not.toHaveProperty("histograms");
  });

  it("records in run.json the kind of feature importance the model reports; a model without importance records none", async () => {
    const kind = { label: "weight", detail: "a scripted figure" };
    const values = Float32Array.from({ length: 8 }, (_, j) => j / 8);
    const store = new MemoryRunStore();
    const { plugin } = scripted([1.0], { importance: { kind, values } });
    const out = await train({ plugin, sources: sources(), trainer: { epochs: 1, backend: "cpu" } }, env(store));
    expect(JSON.parse(await text(store, out.runId, "run.json")).importance_kind).toEqual(kind);
    expect(Object.values(JSON.parse(await text(store, out.runId, "feature_importance.json")))).toEqual(Array.from(values));
    const trees = await train({ plugin: registry.get("gbdt"), sources: sources(), trainer: { epochs: 1, backend: "cpu" } }, env(new MemoryRunStore()));
    expect(trees.record.importance_kind).toEqual(SPLIT_GAIN);
    const none = await train({ plugin: scripted([1.0]).plugin, sources: sources(), trainer: { epochs: 1, backend: "cpu" } }, env(new MemoryRunStore()));
    expect(none.record).not.toHaveProperty("importance_kind");
  });

  it("skips the test split when asked (tuning): no test metrics, predictions or curve, and run.json says so", async () => {
    const { plugin } = scripted([1.0, 0.9]);
    const quiet = new MemoryRunStore();
    const out = await train({ plugin, sources: sources(), trainer: { epochs: 2, backend: "cpu" }, scoreTest: false }, env(quiet));
    expect(out.test).toBeUndefined();
    expect(out.val.n).toBeGreaterThan(0);
    const files = await quiet.files(out.runId);
    expect(files).toContain("predictions/val.parquet");
    expect(files).not.toContain("predictions/test.parquet");
    expect(Object.keys(JSON.parse(await text(quiet, out.runId, "metrics.json")))).toEqual(["val"]);
    expect(Object.keys(JSON.parse(await text(quiet, out.runId, "equity.json")))).toEqual(["val"]);
    expect(out.record).toMatchObject({ status: "finished", test_scored: false });
  });

  it("writes the run's tags into run.json from the start", async () => {
    const { plugin } = scripted([1.0]);
    const tagged = new MemoryRunStore();
    const tags = { experiment: { name: "exp", cell_id: "0123456789abcdef", label: "scripted" } };
    const seenTags: unknown[] = [];
    const progress = async (e: ProgressEvent) => {
      if (e.kind === "run") seenTags.push(JSON.parse(await text(tagged, e.runId, "run.json")).experiment);
    };
    const out = await train({ plugin, sources: sources(), trainer: { epochs: 1, backend: "cpu" }, tags }, env(tagged, { progress }));
    expect(out.record.experiment).toEqual(tags.experiment);
    expect(JSON.parse(await text(tagged, out.runId, "run.json")).experiment).toEqual(tags.experiment);
    await new Promise((r) => setTimeout(r, 0));
    expect(seenTags).toEqual([tags.experiment]);
  });

  it("rejects a bad config before reading any data or creating a run", async () => {
    const empty = new MemoryRunStore();
    const run = (extra: object) => train({ plugin: registry.get("mlp"), sources: sources(), ...extra }, env(empty));
    await expect(run({ params: { hidden: [] } })).rejects.toThrow(/hidden: .*\(got \[\]\)/);
    await expect(run({ trainer: { epochs: 0 } })).rejects.toThrow(/epochs/);
    await expect(run({ dataset: { horizon: -5 } })).rejects.toThrow(/horizon/);
    expect(await empty.list()).toEqual([]);
  });
});
