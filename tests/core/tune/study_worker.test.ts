import { describe, expect, it } from "vitest";
import { z } from "zod";
import { DatasetConfig } from "../../../core/config/dataset.ts";
import { horizonLabels, LoadedDataset } from "../../../core/data/dataset.ts";
import { writeParquet } from "../../../core/data/parquet_write.ts";
import { SYNTH_STRONG_SIGNAL, synthSplits } from "../../../core/data/synth.ts";
import { WalkForward, WalkForwardConfig } from "../../../core/data/walk_forward.ts";
import { MemoryRunStore } from "../../../core/memory_store.ts";
import type { ModelPlugin } from "../../../core/model.ts";
import type { ByteSource } from "../../../core/platform.ts";
import { readRunJson, RunRecord } from "../../../core/train/run_record.ts";
import type { CreateStudyOp } from "../../../core/tune/journal.ts";
import { makePruner } from "../../../core/tune/pruners/make.ts";
import { PrunerConfig } from "../../../core/tune/pruners/pruner.ts";
import { randomSampler } from "../../../core/tune/samplers/random.ts";
import type { SearchSpace } from "../../../core/tune/space.ts";
import { loadStudy, openStudy } from "../../../core/tune/study.ts";
import { runStudyWorker, type WorkerOptions } from "../../../core/tune/study_worker.ts";
import { registry } from "../../../models/index.ts";
import { tfjsBackend } from "../../../models/tfjs/backend.ts";
import { MemoryJournalStore } from "./memory_journal.ts";

const tiny = synthSplits({ symbols: 2, rows: 700, features: 6, seed: 5, signal: SYNTH_STRONG_SIGNAL });
const source = (name: string, bytes: Uint8Array): ByteSource => ({
  name,
  byteLength: bytes.length,
  slice: (start, end = bytes.length) => bytes.buffer.slice(bytes.byteOffset + start, bytes.byteOffset + end) as ArrayBuffer,
});
const sources = {
  train: source("train.parquet", writeParquet(tiny.train.columns)),
  val: source("val.parquet", writeParquet(tiny.val.columns)),
  test: source("test.parquet", writeParquet(tiny.test.columns)),
};
const space: SearchSpace = {
  "params.learning_rate": { type: "float", low: 1e-4, high: 0.1, log: true },
  "params.l2": { type: "float", low: 1e-5, high: 1e-2, log: true },
};

/** A model whose fit always fails. */
const broken: ModelPlugin = {
  name: "broken",
  family: "test",
  description: "fails on purpose",
  input: "row",
  wantsGpu: false,
  defaultSeqLen: 1,
  configSchema: z.strictObject({ size: z.number().default(1) }),
  create: () => ({
    fit: () => Promise.reject(new Error("broken on purpose")),
    predict: () => Promise.reject(new Error("unused")),
    save: () => Promise.resolve({}),
    dispose: () => undefined,
  }),
  load: () => Promise.reject(new Error("unused")),
};

async function setup(plugin: ModelPlugin, pruner: PrunerConfig | null, budget: number) {
  const data = await LoadedDataset.load(sources, { ...DatasetConfig.parse({ horizon: 5 }), labels: horizonLabels([5]) });
  const store = new MemoryJournalStore(), runs = new MemoryRunStore();
  const header: CreateStudyOp = {
    op: "create_study",
    name: "w",
    model: plugin.name,
    horizon: 5,
    direction: "maximize",
    objective: "f1_macro",
    space,
    sampler: "random",
    pruner,
    settings: {},
    at: new Date(0).toISOString(),
  };
  await openStudy(store, header);
  let now = 1_750_000_000_000;
  const options: WorkerOptions = {
    store,
    study: "w",
    plugin,
    base: { params: {}, dataset: { horizon: 5 }, trainer: { epochs: 6, patience: 100, backend: "cpu", seed: 1 } },
    space: plugin === broken ? { "params.size": { type: "int", low: 1, high: 4 } } : space,
    sampler: randomSampler(),
    pruner: pruner ? makePruner(pruner) : undefined,
    objective: "f1_macro",
    seed: 3,
    budget,
    worker: "w1",
    heartbeatMs: 60_000,
    now: () => (now += 10),
    sleep: () => Promise.resolve(),
    every: (_ms, beat) => (beat(), () => undefined), // one heartbeat per trial, at its start
  };
  const env = { store: runs, clock: { now: () => (now += 10) }, startBackend: tfjsBackend() };
  return { data, store, runs, options, env };
}

describe("runStudyWorker", () => {
  it("runs the budget's trials as tagged runs, reporting every epoch, pruning with the pruner and marking pruned runs", async () => {
    const { data, store, runs, options, env } = await setup(registry.get("logistic"), PrunerConfig.parse({ name: "median", n_startup_trials: 2 }), 8);
    const ran = await runStudyWorker(data, options, env);
    expect(ran).toBe(8);
    const study = await loadStudy(store, "w");
    expect(study.trials).toHaveLength(8);
    expect(study.trials.every((t) => t.state === "complete" || t.state === "pruned")).toBe(true);
    expect(study.trials.some((t) => t.state === "pruned")).toBe(true);
    expect(store.texts.get("w")).toContain('"op":"heartbeat"');
    for (const trial of study.trials) {
      const record = await readRunJson(runs, trial.run_id!, "run.json", RunRecord);
      expect(record.study).toEqual({ name: "w", trial: trial.number });
      expect(record.status).toBe(trial.state === "pruned" ? "pruned" : "finished");
      expect(Object.keys(trial.intermediate)).toHaveLength(record.epochs_run!);
      if (trial.state === "complete") {
        const metrics = JSON.parse(new TextDecoder().decode(await runs.read(trial.run_id!, "metrics.json")));
        expect(trial.value).toBe(metrics.val.f1_macro);
        expect(metrics.test).toBeUndefined();
      } else expect(record.stop_reason).toBe(`pruned at epoch ${record.epochs_run}`);
    }
    expect(await runStudyWorker(data, options, env)).toBe(0); // the study is done
  });

  it("records a failing trial as failed with its error and goes on to the budget", async () => {
    const { data, store, options, env } = await setup(broken, null, 2);
    expect(await runStudyWorker(data, options, env)).toBe(2);
    const study = await loadStudy(store, "w");
    expect(study.trials.map((t) => [t.state, t.reason])).toEqual([["failed", "broken on purpose"], ["failed", "broken on purpose"]]);
  });

  it("a stop ends the running trial failed (stopped), frees its slot and claims nothing more", async () => {
    const { data, store, options, env } = await setup(registry.get("logistic"), null, 3);
    const signal = { aborted: false };
    const ran = await runStudyWorker(data, { ...options, onEvent: (e) => void (e.kind === "trial-start" && (signal.aborted = true)) }, { ...env, signal });
    expect(ran).toBe(1);
    let study = await loadStudy(store, "w");
    expect(study.trials.map((t) => [t.state, t.reason])).toEqual([["failed", "stopped"]]);
    expect(await runStudyWorker(data, options, env)).toBe(3); // resumed: the stopped trial's slot is run again
    study = await loadStudy(store, "w");
    expect(study.trials.map((t) => t.state)).toEqual(["failed", "complete", "complete", "complete"]);
  });

  it("with walk-forward folds: one run per fold tagged with it, the fold's objective at step = fold, the mean as the value; a pruner acts between folds", async () => {
    const { data, store, runs, options, env } = await setup(registry.get("logistic"), null, 2);
    const folds = new WalkForward(data, WalkForwardConfig.parse({ folds: 3 }));
    expect(await runStudyWorker(data, { ...options, folds }, env)).toBe(2);
    let study = await loadStudy(store, "w");
    for (const trial of study.trials) {
      expect(trial.state).toBe("complete");
      expect(trial.runs).toHaveLength(3);
      expect(trial.run_id).toBe(trial.runs![2]);
      const values: number[] = [];
      for (const [k, runId] of trial.runs!.entries()) {
        const record = await readRunJson(runs, runId, "run.json", RunRecord);
        expect(record.study).toEqual({ name: "w", trial: trial.number, fold: k });
        expect(record.dataset.cv).toMatchObject({ fold: k, folds: 3 });
        expect(record.test_scored).toBe(false);
        values.push(JSON.parse(new TextDecoder().decode(await runs.read(runId, "metrics.json"))).val.f1_macro);
      }
      expect(Object.values(trial.intermediate)).toEqual(values);
      expect(trial.value).toBeCloseTo(values.reduce((a, b) => a + b, 0) / 3, 12);
    }
    // a pruner that stops every trial: it acts after the first fold, never after the last
    const pruned = await setup(registry.get("logistic"), null, 1);
    const always = { prune: () => true };
    const foldsAgain = new WalkForward(pruned.data, WalkForwardConfig.parse({ folds: 3 }));
    await runStudyWorker(pruned.data, { ...pruned.options, folds: foldsAgain, pruner: always }, pruned.env);
    study = await loadStudy(pruned.store, "w");
    expect(study.trials[0]).toMatchObject({ state: "pruned", reason: "pruned after fold 1 of 3", intermediate: { 0: expect.any(Number) } });
    expect(study.trials[0].runs).toHaveLength(1);
    expect((await readRunJson(pruned.runs, study.trials[0].run_id!, "run.json", RunRecord)).status).toBe("pruned");
  });
});
