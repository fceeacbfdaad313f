import { describe, expect, it } from "vitest";
import { z } from "zod";
import { writeParquet } from "../../../core/data/parquet_write.ts";
import { SYNTH_STRONG_SIGNAL, synthSplits } from "../../../core/data/synth.ts";
import { planExperiment } from "../../../core/experiment/plan.ts";
import { AFTER_CELLS, type CellClaim } from "../../../core/experiment/claims.ts";
import { MemoryClaimStore } from "../../../core/experiment/memory_claims.ts";
import { runExperiment, sourcesFingerprint, type WorkerSettings } from "../../../core/experiment/runner.ts";
import { MemoryRunStore } from "../../../core/memory_store.ts";
import type { ModelPlugin } from "../../../core/model.ts";
import type { ByteSource } from "../../../core/platform.ts";
import { createRegistry } from "../../../core/registry.ts";
import { jsonText, readRunJson, RunRecord } from "../../../core/train/run_record.ts";
import { registry } from "../../../models/index.ts";
import { tfjsBackend } from "../../../models/tfjs/backend.ts";

const tiny = synthSplits({ symbols: 2, rows: 900, features: 6, seed: 5, signal: SYNTH_STRONG_SIGNAL });
const bytes = { train: writeParquet(tiny.train.columns), val: writeParquet(tiny.val.columns), test: writeParquet(tiny.test.columns) };

/** Split files that count the bytes of column data read from each (reads of the footer, which end at the file's end, are left out). */
function countingSources() {
  const read = { train: 0, val: 0, test: 0 };
  const source = (split: keyof typeof bytes): ByteSource => ({
    name: `${split}.parquet`,
    byteLength: bytes[split].length,
    slice(start, end = bytes[split].length) {
      if (end < bytes[split].length) read[split] += end - start;
      return bytes[split].buffer.slice(bytes[split].byteOffset + start, bytes[split].byteOffset + end) as ArrayBuffer;
    },
  });
  return { sources: { train: source("train"), val: source("val"), test: source("test") }, read };
}

/** A model that fails in fit: an experiment must record it and go on. */
const broken: ModelPlugin = {
  name: "broken",
  family: "test",
  description: "fails on purpose",
  input: "row",
  wantsGpu: false,
  defaultSeqLen: 1,
  configSchema: z.strictObject({}),
  create: () => ({
    fit: () => Promise.reject(new Error("broken on purpose")),
    predict: () => Promise.reject(new Error("unused")),
    save: () => Promise.resolve({}),
    dispose: () => undefined,
  }),
  load: () => Promise.reject(new Error("unused")),
};
const withBroken = createRegistry([...registry.list(), broken]);

let clock = 1_750_000_000_000;
async function run(raw: object, store: MemoryRunStore, experiments: MemoryRunStore, only?: (c: { label: string }) => boolean) {
  const { sources, read } = countingSources();
  const plan = planExperiment(raw, { registry: withBroken, file: "exp.json", dataFingerprint: await sourcesFingerprint(sources) });
  const result = await runExperiment(plan, plan.cells.filter((c) => !only || only(c)), {
    store,
    experiments,
    sources,
    file: "exp.json",
    runsLocation: "memory://",
    clock: { now: () => (clock += 250) },
    startBackend: tfjsBackend(),
  });
  return { plan, result, read };
}

const ten = {
  experiment: { name: "ten", description: "" },
  data: { dir: "." },
  horizons: [5, 20],
  seeds: [1],
  models: [
    { name: "logistic" },
    { name: "logistic", label: "logistic-w2", dataset: { seq_len: 2 } },
    { name: "gbdt", trainer: { epochs: 2 } },
    { name: "mlp", params: { hidden: [8] } },
    { name: "forest", params: { trees_per_round: 2, max_depth: 3 }, trainer: { epochs: 1 } },
  ],
  trainer: { epochs: 2, patience: 0, backend: "cpu" },
};

describe("runExperiment", () => {
  it("trains 10 cells on data read once, tags each run with its cell, and writes the record and the report", async () => {
    const store = new MemoryRunStore(), experiments = new MemoryRunStore();
    const { plan, result, read } = await run(ten, store, experiments);
    expect(result).toMatchObject({ cells: 10, finished: 10, failed: 0, trained: 10 });
    // ten runs at two horizons read each file once: about 1.5 times its size (two passes over overlapping column ranges);
    // a read per run would be ten times that
    for (const split of ["train", "val", "test"] as const) expect(read[split] / bytes[split].length).toBeLessThan(2);
    const runs = await Promise.all((await store.list()).map((id) => readRunJson(store, id, "run.json", RunRecord)));
    expect(runs.map((r) => r.experiment?.cell_id).sort()).toEqual(plan.cells.map((c) => c.cellId).sort());
    expect(runs.every((r) => r.status === "finished" && r.experiment?.name === "ten")).toBe(true);
    expect((await experiments.files("ten")).sort()).toEqual(["experiment.json", "report.json", "report.md"]);
    const report = JSON.parse(new TextDecoder().decode(await experiments.read("ten", "report.json")));
    expect(report.cells).toHaveLength(10);
    expect(report.cells[0]).toMatchObject({ model: "linear:logistic", label: "logistic", horizon: 5, seed: 1, status: "finished" });
    expect(Object.keys(report.cells[0])).toEqual(expect.arrayContaining(["model", "label", "horizon", "seed", "cell_id", "run_id", "status", "val", "test"]));

    // the same command again trains nothing
    const again = await run(ten, store, experiments);
    expect(again.result).toMatchObject({ cells: 10, finished: 10, trained: 0 });
    expect(await store.list()).toHaveLength(10);
  });

  it("records a failing cell with its error and goes on; a run left running by a dead process is marked failed and its cell trained again", async () => {
    const store = new MemoryRunStore(), experiments = new MemoryRunStore();
    const raw = {
      ...ten,
      experiment: { name: "mixed", description: "" },
      horizons: [5],
      models: [{ name: "test:broken" }, { name: "logistic" }, { name: "mlp", dataset: { seq_len: 4000 } }],
    };
    const first = await run(raw, store, experiments, (c) => c.label !== "logistic");
    expect(first.result).toMatchObject({ cells: 3, finished: 0, failed: 2, trained: 0 });
    const report = JSON.parse(new TextDecoder().decode(await experiments.read("mixed", "report.json")));
    const byLabel = Object.fromEntries(report.cells.map((c: { label: string }) => [c.label, c]));
    expect(byLabel.broken).toMatchObject({ status: "failed", error: "broken on purpose" });
    expect(byLabel.mlp).toMatchObject({ status: "failed", run_id: null });
    expect(byLabel.mlp.error).toMatch(/no samples/);
    expect(byLabel.logistic).toMatchObject({ status: "pending" });

    // a process killed mid-run leaves its run `running`: the next invocation marks it failed and trains the cell anew
    const logistic = first.plan.cells.find((c) => c.label === "logistic")!;
    const stale = { ...JSON.parse(jsonText({ id: "stale", model: "linear:logistic", family: "linear", horizon: 5, seq_len: 1 })) };
    await store.write(
      "stale",
      "run.json",
      jsonText({
        ...stale,
        config: { params: {}, dataset: {}, trainer: {} },
        dataset: { files: {}, symbols: [], features: [], label_column: "label_h5" },
        backend: { name: "cpu", requested: "cpu", reason: "test" },
        versions: {},
        seed: 1,
        status: "running",
        created_at: "2025-01-01T00:00:00.000Z",
        timings: {},
        experiment: { name: "mixed", cell_id: logistic.cellId, label: "logistic" },
      }),
    );
    const second = await run(raw, store, experiments, (c) => c.label === "logistic");
    expect(second.result).toMatchObject({ finished: 1, failed: 2, trained: 1 });
    expect((await readRunJson(store, "stale", "run.json", RunRecord)).status).toBe("failed");
  });

  it("as one of several workers: takes over a cell whose holder's heartbeat lapsed, waits for a live holder, runs the after-cells step once per submission", async () => {
    const store = new MemoryRunStore(), experiments = new MemoryRunStore(), claims = new MemoryClaimStore();
    const raw = { ...ten, experiment: { name: "shared", description: "" }, horizons: [5], models: [{ name: "logistic" }, { name: "logistic", label: "l2" }] };
    const { sources } = countingSources();
    const plan = planExperiment(raw, { registry: withBroken, file: "exp.json", dataFingerprint: await sourcesFingerprint(sources) });
    const [first, second] = plan.cells;
    let now = Date.parse("2026-01-01T00:00:00Z");
    const claim = (key: string, worker: string, aliveAgoMs: number): CellClaim => ({
      key,
      state: "running",
      worker,
      task: 7,
      submission: "earlier",
      token: `${worker}-token`,
      claimed_at: new Date(now - aliveAgoMs).toISOString(),
      alive_at: new Date(now - aliveAgoMs).toISOString(),
      heartbeat_s: 10,
      attempt: 1,
    });
    claims.claims.set(first.cellId, claim(first.cellId, "dead", 60_000)); // silent for a minute: lapsed
    claims.claims.set(second.cellId, claim(second.cellId, "slow", 0)); // alive now; lapses while we wait
    await store.write("dead-run", "run.json", jsonText(fakeRun("dead-run", first.cellId, "shared")));
    let waited = 0, after = 0;
    const worker = (submission: string): WorkerSettings => ({
      claims,
      holder: { worker: `me-${submission}`, task: 0, submission },
      heartbeatMs: 10_000,
      now: () => now,
      sleep: (ms) => Promise.resolve(void (now += ms)),
      every: () => () => undefined,
      onWait: (held) => (waited++, expect(held.map((c) => c.worker)).toEqual(["slow"])),
    });
    const env = (submission: string) => ({
      store,
      experiments,
      sources,
      file: "exp.json",
      runsLocation: "memory://",
      clock: { now: () => now },
      startBackend: tfjsBackend(),
      workers: worker(submission),
      afterCells: () => Promise.resolve(void after++),
    });
    const result = await runExperiment(plan, plan.cells, env("s1"));
    expect(result).toMatchObject({ cells: 2, finished: 2, trained: 2 });
    expect(waited).toBeGreaterThan(0);
    expect(after).toBe(1);
    expect(claims.claims.get(first.cellId)).toMatchObject({ state: "finished", worker: "me-s1", attempt: 2, took_over: { worker: "dead", task: 7 } });
    expect(claims.claims.get(second.cellId)?.took_over?.worker).toBe("slow");
    expect(claims.claims.get(AFTER_CELLS)).toMatchObject({ state: "finished", submission: "s1" });
    // the dead worker's run is failed, and the cell's finished run is the one its claim names
    expect((await readRunJson(store, "dead-run", "run.json", RunRecord)).status).toBe("failed");
    const finishedRun = await readRunJson(store, claims.claims.get(first.cellId)!.run_id!, "run.json", RunRecord);
    expect(finishedRun).toMatchObject({ status: "finished", experiment: { cell_id: first.cellId } });

    // the same submission again: nothing to train, the after-cells step already ran; a new submission runs it again
    expect(await runExperiment(plan, plan.cells, env("s1"))).toMatchObject({ trained: 0, finished: 2 });
    expect(after).toBe(1);
    await runExperiment(plan, plan.cells, env("s2"));
    expect(after).toBe(2);
    const record = JSON.parse(new TextDecoder().decode(await experiments.read("shared", "experiment.json")));
    expect(record.cells).toHaveLength(2);
  });
});

/** A run.json of a cell left `running` by a dead worker. */
function fakeRun(id: string, cellId: string, experiment: string) {
  return {
    id,
    model: "linear:logistic",
    family: "linear",
    horizon: 5,
    seq_len: 1,
    config: { params: {}, dataset: {}, trainer: {} },
    dataset: { files: {}, symbols: [], features: [], label_column: "label_h5" },
    backend: { name: "cpu", requested: "cpu", reason: "test" },
    versions: {},
    seed: 1,
    status: "running",
    created_at: "2025-01-01T00:00:00.000Z",
    timings: {},
    experiment: { name: experiment, cell_id: cellId, label: "logistic" },
  };
}
