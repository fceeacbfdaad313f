import { parquetReadObjects } from "hyparquet";
import { beforeAll, describe, expect, it } from "vitest";
import { type WriteColumn, writeParquet } from "../../../core/data/parquet_write.ts";
import { LoadedDataset } from "../../../core/data/dataset.ts";
import { SYNTH_STRONG_SIGNAL, synthSplits } from "../../../core/data/synth.ts";
import { buildEnsembles, computeEnsemble, ENSEMBLE_NOTE } from "../../../core/ensemble/build.ts";
import { chooseMembers, findCandidates } from "../../../core/ensemble/members.ts";
import { EnsembleSpec } from "../../../core/ensemble/spec.ts";
import { NotFoundError } from "../../../core/errors.ts";
import { findExperimentRuns } from "../../../core/experiment/collect.ts";
import { type ExperimentPlan, planExperiment } from "../../../core/experiment/plan.ts";
import { runExperiment, sourcesFingerprint } from "../../../core/experiment/runner.ts";
import { MemoryRunStore } from "../../../core/memory_store.ts";
import { loadRun, predictFile } from "../../../core/predict.ts";
import { readRunJson, RunRecord } from "../../../core/train/run_record.ts";
import { registry } from "../../../models/index.ts";
import { tfjsBackend } from "../../../models/tfjs/backend.ts";
import { memorySource } from "../../helpers.ts";

const tiny = synthSplits({ symbols: 2, rows: 1500, features: 4, seed: 11, signal: SYNTH_STRONG_SIGNAL, horizons: [5] });
const bytes = { train: writeParquet(tiny.train.columns), val: writeParquet(tiny.val.columns), test: writeParquet(tiny.test.columns) };
const sources = (test = bytes.test) => ({
  train: memorySource("train.parquet", bytes.train),
  val: memorySource("val.parquet", bytes.val),
  test: memorySource("test.parquet", test),
});

/** The test file with its labels shuffled among its labelled rows (a fixed permutation), everything else as it was. */
function shuffledTestLabels(): Uint8Array {
  const columns = tiny.test.columns.map((c): WriteColumn => {
    if (c.name !== "label_h5") return c;
    const labels = [...(c.data as (number | null)[])];
    const at = labels.flatMap((v, i) => (v === null ? [] : [i]));
    const values = at.map((i) => labels[i]);
    // a deterministic shuffle: reverse, then rotate by a third
    const moved = values.reverse().map((_, k, a) => a[(k + Math.floor(a.length / 3)) % a.length]);
    at.forEach((i, k) => (labels[i] = moved[k]));
    return { ...c, data: labels };
  });
  return writeParquet(columns);
}

const experiment = {
  experiment: { name: "ens", description: "" },
  data: { dir: "." },
  horizons: [5],
  seeds: [1],
  models: [
    { name: "logistic" },
    { name: "logistic", label: "logistic-w2", dataset: { seq_len: 2 } },
    { name: "mlp", params: { hidden: [8] }, dataset: { seq_len: 4 } },
  ],
  trainer: { epochs: 3, patience: 0, backend: "cpu" },
};

let clock = 1_760_000_000_000;
const now = () => (clock += 250);
const text = async (store: MemoryRunStore, id: string, path: string) => new TextDecoder().decode(await store.read(id, path));
const rows = async (store: MemoryRunStore, id: string, split: string) =>
  await parquetReadObjects({ file: memorySource("p", await store.read(id, `predictions/${split}.parquet`)) }) as Record<string, number | string>[];
const key = (r: Record<string, unknown>) => `${r.symbol}@${r.datetime}`;

async function runWithEnsembles(store: MemoryRunStore, experiments: MemoryRunStore, only?: (label: string) => boolean, changes: object = {}) {
  const plan = planExperiment({ ...experiment, ...changes }, { registry, file: "ens.json", dataFingerprint: await sourcesFingerprint(sources()) });
  const env = { store, experiments, sources: sources(), file: "ens.json", runsLocation: "memory://", clock: { now }, startBackend: tfjsBackend() };
  const result = await runExperiment(plan, plan.cells.filter((c) => !only || only(c.label)), {
    ...env,
    afterCells: (context) => buildEnsembles(context, { store, clock: { now } }),
  });
  return { plan, result };
}

async function ensembleRuns(store: MemoryRunStore) {
  const out: Record<string, RunRecord> = {};
  for (const list of (await findExperimentRuns(store, "ens")).values()) {
    for (const run of list) if (run.family === "ensemble" && run.status === "finished") out[run.config.params.kind as string] = run;
  }
  return out;
}

describe("ensembles of an experiment", () => {
  const store = new MemoryRunStore(), experiments = new MemoryRunStore();
  let plan: ExperimentPlan;
  let firstNotes: string[];
  let ensembles: Record<string, RunRecord>;
  beforeAll(async () => {
    const first = await runWithEnsembles(store, experiments, (label) => label.startsWith("logistic"));
    firstNotes = first.result.report.notes;
    plan = (await runWithEnsembles(store, experiments)).plan;
    ensembles = await ensembleRuns(store);
  }, 120_000);

  it("builds no ensemble while only one family has finished runs, and says so in the report", async () => {
    expect(firstNotes).toContain(`${ENSEMBLE_NOTE}none at h5: only one model family (linear) has a finished run there, and an ensemble needs two`);
    const report = JSON.parse(await text(experiments, "ens", "report.json"));
    expect(report.notes.filter((n: string) => n.startsWith(`${ENSEMBLE_NOTE}none`))).toEqual([]); // replaced once both families finished
  });

  it("stores soft voting and stacking as finished runs of family ensemble, tagged and listed in the report", async () => {
    expect(Object.keys(ensembles).sort()).toEqual(["soft_voting", "stacking"]);
    const files = await store.files(ensembles.stacking.id);
    for (const f of ["equity.json", "metrics.json", "model/ensemble.json", "model/preprocess.json", "predictions/test.parquet", "predictions/val.parquet"]) {
      expect(files).toContain(f);
    }
    expect(ensembles.soft_voting).toMatchObject({
      model: "ensemble:soft_voting",
      family: "ensemble",
      horizon: 5,
      seq_len: 4,
      experiment: { name: "ens", label: "soft_voting" },
    });
    expect(ensembles.stacking.config.params).toMatchObject({ kind: "stacking", stacking: { l2: expect.any(Number) } });
    const report = JSON.parse(await text(experiments, "ens", "report.json"));
    const listed = JSON.stringify(report);
    expect(listed).toContain(ensembles.soft_voting.id);
    expect(listed).toContain(ensembles.stacking.id);
  });

  it("takes the best run of each family on validation macro-F1 as members", async () => {
    const runs = await findExperimentRuns(store, "ens");
    const candidates = await findCandidates(store, plan.cells, runs);
    const linear = candidates.filter((c) => c.record.family === "linear").sort((a, b) => b.valF1 - a.valF1);
    const members = ensembles.soft_voting.config.params.members as { run_id: string; family: string }[];
    expect(members.map((m) => m.family)).toEqual(["linear", "neural"]);
    expect(members[0].run_id).toBe(linear[0].record.id);
  });

  it("scores the rows of the longest member window; soft voting is the mean of the members' stored probabilities there", async () => {
    const members = ensembles.soft_voting.config.params.members as { run_id: string; seq_len: number }[];
    const mlp = members.find((m) => m.seq_len === 4)!;
    for (const split of ["val", "test"]) {
      const mine = await rows(store, ensembles.soft_voting.id, split);
      expect(mine.map(key)).toEqual((await rows(store, mlp.run_id, split)).map(key));
      const byMember = await Promise.all(members.map(async (m) => new Map((await rows(store, m.run_id, split)).map((r) => [key(r), r]))));
      expect(byMember[0].size).toBeGreaterThan(mine.length); // the one-row window scored earlier rows the ensemble leaves out
      for (const r of mine) {
        for (const c of ["prob_short", "prob_neutral", "prob_long"]) {
          const mean = byMember.reduce((s, m) => s + (m.get(key(r))![c] as number), 0) / members.length;
          expect(r[c]).toBeCloseTo(mean, 6);
        }
      }
    }
    const metrics = JSON.parse(await text(store, ensembles.soft_voting.id, "metrics.json"));
    expect(metrics.test.n).toBe((await rows(store, ensembles.soft_voting.id, "test")).length);
    expect(metrics.val.f1_macro).toBeGreaterThan(0.3);
  });

  it("does not rebuild unchanged ensembles when the experiment runs again", async () => {
    const before = (await store.list()).length;
    const again = await runWithEnsembles(store, experiments);
    expect(again.result.trained).toBe(0);
    expect((await store.list()).length).toBe(before);
  });

  it("stacking never reads test labels: shuffled test labels give the same meta-model and test probabilities", async () => {
    const members = chooseMembers(await findCandidates(store, plan.cells, await findExperimentRuns(store, "ens"))).get(5)!;
    const load = (test: Uint8Array) => LoadedDataset.load(sources(test), { ...plan.read, labels: plan.labels });
    const honest = await computeEnsemble("stacking", members, store, await load(bytes.test));
    const trap = await computeEnsemble("stacking", members, store, await load(shuffledTestLabels()));
    expect(trap.test.windows.classes()).not.toEqual(honest.test.windows.classes()); // the trap is armed
    expect(trap.spec).toEqual(honest.spec);
    expect(trap.test.probs).toEqual(honest.test.probs);
    expect(trap.val.probs).toEqual(honest.val.probs);
    // and it is what was stored
    const stored = await readRunJson(store, ensembles.stacking.id, "model/ensemble.json", EnsembleSpec);
    expect(stored.stacking!.coefficients).toEqual(honest.spec.stacking!.coefficients);
  });

  it("reloads as a run that mf predict can use: predictFile on the test file reproduces the stored test predictions", async () => {
    const backend = await tfjsBackend()("cpu");
    for (const kind of ["soft_voting", "stacking"]) {
      const loaded = await loadRun(store, ensembles[kind].id, registry, backend);
      const predicted = await predictFile(loaded, sources().test);
      loaded.model.dispose();
      const again = new Map(
        (await parquetReadObjects({ file: memorySource("q", predicted.parquet) }) as Record<string, number>[]).map((r) => [key(r), r]),
      );
      const saved = await rows(store, ensembles[kind].id, "test");
      for (const row of saved) {
        const other = again.get(key(row))!;
        expect(other, key(row)).toBeDefined();
        for (const c of ["prob_short", "prob_neutral", "prob_long"]) expect(other[c]).toBeCloseTo(row[c] as number, 6);
        expect(other.prediction).toBe(row.prediction);
      }
    }
  });

  it("names a member missing from the runs folder in one clear error", async () => {
    const lone = new MemoryRunStore();
    const id = ensembles.soft_voting.id;
    for (const path of await store.files(id)) await lone.write(id, path, await store.read(id, path));
    const [present, missing] = ensembles.soft_voting.config.params.members as { run_id: string; model: string }[];
    for (const path of await store.files(present.run_id)) await lone.write(present.run_id, path, await store.read(present.run_id, path));
    const error = await loadRun(lone, id, registry, await tfjsBackend()("cpu")).catch((e) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toContain(`needs its member run ${missing.run_id} (${missing.model}`);
  });

  it("an ensemble the experiment no longer makes loses its experiment tag, and leaves the report", async () => {
    await runWithEnsembles(store, experiments, undefined, { ensembles: { soft_voting: true, stacking: false } });
    const stacking = JSON.parse(await text(store, ensembles.stacking.id, "run.json"));
    expect(stacking.experiment).toBeUndefined();
    expect(stacking.former_experiment).toEqual(ensembles.stacking.experiment);
    expect(stacking.status).toBe("finished");
    expect(JSON.parse(await text(store, ensembles.soft_voting.id, "run.json")).experiment).toEqual(ensembles.soft_voting.experiment);
    const listed = await text(experiments, "ens", "report.json");
    expect(listed).toContain(ensembles.soft_voting.id);
    expect(listed).not.toContain(ensembles.stacking.id);
  });
});
