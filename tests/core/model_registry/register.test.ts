import { describe, expect, it } from "vitest";
import { DataError, NotFoundError } from "../../../core/errors.ts";
import { MemoryRunStore } from "../../../core/memory_store.ts";
import { MemoryRegistryStore } from "../../../core/model_registry/memory_store.ts";
import { readModel, readVersion, readVersions } from "../../../core/model_registry/read.ts";
import { registerRun } from "../../../core/model_registry/register.ts";
import { versionPath } from "../../../core/model_registry/store.ts";
import { FEATURES, twoRuns, writeEnsemble, writeFakeRun } from "./fixtures.ts";

const by = { createdBy: "test" };

describe("registerRun", () => {
  it("numbers versions 1..n per model, each a copy of its run's record, scores, model files and preprocess.json", async () => {
    const runs = await twoRuns(), store = new MemoryRegistryStore();
    expect(await registerRun(store, runs, "run-a", { name: "btc-h5", ...by })).toEqual({ name: "btc-h5", version: 1, aliases: [] });
    expect((await registerRun(store, runs, "run-b", { name: "btc-h5", ...by })).version).toBe(2);
    expect((await registerRun(store, runs, "run-a", { name: "other", ...by })).version).toBe(1);
    const files = await store.files("btc-h5");
    for (const path of ["run.json", "metrics.json", "model/weights.json", "model/preprocess.json"]) {
      expect(files, path).toContain(versionPath(1, `runs/run-a/${path}`));
      expect(await store.read("btc-h5", versionPath(1, `runs/run-a/${path}`))).toEqual(await runs.read("run-a", path));
    }
    // predictions and curves stay with the run
    expect(files.some((p) => p.includes("predictions/") || p.endsWith("metrics.jsonl"))).toBe(false);
    expect(files).toContain(versionPath(2, "runs/run-b/model/weights.json"));
  });

  it("keeps working when the run is deleted: the version's files are its own", async () => {
    const runs = await twoRuns(), store = new MemoryRegistryStore();
    await registerRun(store, runs, "run-a", { name: "m", ...by });
    const before = await store.read("m", versionPath(1, "runs/run-a/model/weights.json"));
    await runs.remove("run-a");
    expect(await store.read("m", versionPath(1, "runs/run-a/model/weights.json"))).toEqual(before);
    expect((await readVersion(store, "m", 1)).run_id).toBe("run-a");
  });

  it("records lineage (run, experiment, data, config, scalar metrics, toolkit), the signature, tags and prepare.json", async () => {
    const runs = await twoRuns(), store = new MemoryRegistryStore();
    await writeFakeRun(runs, "run-p", { prepare: true });
    await registerRun(store, runs, "run-a", { name: "m", tags: { team: "rates" }, description: "first try", ...by });
    const v = await readVersion(store, "m", 1);
    expect(v.lineage).toMatchObject({
      run_id: "run-a",
      model: "fake:constant",
      family: "fake",
      seed: 7,
      run_created_at: "2026-11-22T12:00:00.000Z",
      experiment: { name: "baseline", cell_id: "c1", label: "constant" },
      versions: { "model-factory": "0.1.0" },
      backend: "cpu",
      config: { params: {}, trainer: { epochs: 2 } },
    });
    expect(v.lineage.dataset.features).toEqual(FEATURES);
    // the numbers of metrics.json, not its tables
    expect(v.lineage.metrics).toEqual({ val: { f1_macro: 0.4, sharpe: 1.5 }, test: { f1_macro: 0.38, sharpe: 1.2, n: 90 } });
    expect(v.signature).toEqual({ features: FEATURES, horizon: 5, window_length: 2, classes: [-1, 0, 1], label_column: "label_h5" });
    expect(v.tags).toEqual({ team: "rates" });
    expect(v.prepare).toBe(false);
    expect((await readModel(store, "m")).description).toBe("first try");
    await registerRun(store, runs, "run-p", { name: "m", ...by });
    expect((await readVersion(store, "m", 2)).prepare).toBe(true);
    expect(await store.files("m")).toContain(versionPath(2, "runs/run-p/prepare.json"));
  });

  it("points the given aliases at the new version and records each move", async () => {
    const runs = await twoRuns(), store = new MemoryRegistryStore();
    await registerRun(store, runs, "run-a", { name: "m", aliases: ["champion"], now: Date.UTC(2026, 0, 1), ...by });
    const second = await registerRun(store, runs, "run-b", { name: "m", aliases: ["champion", "challenger"], note: "retrained", ...by });
    expect(second.aliases).toEqual(["challenger", "champion"]);
    const model = await readModel(store, "m");
    expect(model.aliases).toEqual({ champion: 2, challenger: 2 });
    expect(model.history.map(({ alias, from, to, note }) => ({ alias, from, to, note }))).toEqual([
      { alias: "champion", from: null, to: 1, note: "registered" },
      { alias: "champion", from: 1, to: 2, note: "retrained" },
      { alias: "challenger", from: null, to: 2, note: "retrained" },
    ]);
    expect(model.history[0].at).toBe("2026-01-01T00:00:00.000Z");
  });

  it("refuses a run that is running, failed or stopped, saying why", async () => {
    const runs = new MemoryRunStore(), store = new MemoryRegistryStore();
    await writeFakeRun(runs, "r-running", { status: "running" });
    await writeFakeRun(runs, "r-failed", { status: "failed" });
    await writeFakeRun(runs, "r-stopped", { status: "stopped" });
    await expect(registerRun(store, runs, "r-running", { name: "m", ...by })).rejects.toThrow(/Run r-running is still running: only a finished run/);
    await expect(registerRun(store, runs, "r-failed", { name: "m", ...by })).rejects.toThrow(/Run r-failed failed \(Out of memory\)/);
    await expect(registerRun(store, runs, "r-stopped", { name: "m", ...by })).rejects.toBeInstanceOf(DataError);
    expect(await store.list()).toEqual([]);
  });

  it("refuses a run without a saved model, an unknown run, and a name a folder cannot hold (listing the allowed set)", async () => {
    const runs = new MemoryRunStore(), store = new MemoryRegistryStore();
    await writeFakeRun(runs, "bare", { noModel: true });
    await expect(registerRun(store, runs, "bare", { name: "m", ...by })).rejects.toThrow(/Run bare has no saved model/);
    await expect(registerRun(store, runs, "ghost", { name: "m", ...by })).rejects.toBeInstanceOf(NotFoundError);
    await writeFakeRun(runs, "ok");
    for (const name of ["a/b", "../up", ".hidden", "with space", ""]) {
      await expect(registerRun(store, runs, "ok", { name, ...by }), name).rejects.toThrow(/letters, digits, '\.', '_' and '-'/);
    }
    await expect(registerRun(store, runs, "ok", { name: "m", aliases: ["3"], ...by })).rejects.toThrow(/Alias "3" is not allowed: an alias holds/);
  });

  it("never hands out a number twice: not after a delete, not over a version folder a crash left without its record", async () => {
    const runs = await twoRuns(), store = new MemoryRegistryStore();
    await registerRun(store, runs, "run-a", { name: "m", ...by });
    // a registration that died after copying files but before version.json
    await store.write("m", versionPath(2, "runs/run-b/run.json"), "{}");
    expect((await readVersions(store, "m")).versions.map((v) => v.version)).toEqual([1]);
    expect((await registerRun(store, runs, "run-b", { name: "m", ...by })).version).toBe(3);
    await store.remove("m", versionPath(3));
    expect((await registerRun(store, runs, "run-b", { name: "m", ...by })).version).toBe(4);
  });

  it("gives registrations made at once distinct numbers (the lock serialises them)", async () => {
    const runs = await twoRuns(), store = new MemoryRegistryStore();
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => registerRun(store, runs, i % 2 ? "run-a" : "run-b", { name: "m", ...by })));
    expect(results.map((r) => r.version).sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect((await readModel(store, "m")).last_version).toBe(6);
  });

  it("copies an ensemble's member runs into the version, and refuses one whose member is gone", async () => {
    const runs = await twoRuns(), store = new MemoryRegistryStore();
    await writeEnsemble(runs, "ens", ["run-a", "run-b"]);
    const { version } = await registerRun(store, runs, "ens", { name: "ens", ...by });
    const v = await readVersion(store, "ens", version);
    expect(v.runs).toEqual(["ens", "run-a", "run-b"]);
    expect(v.lineage.members).toEqual(["run-a", "run-b"]);
    expect(await store.files("ens")).toContain(versionPath(1, "runs/run-b/model/weights.json"));
    await runs.remove("run-b");
    await expect(registerRun(store, runs, "ens", { name: "ens", ...by })).rejects.toThrow(/needs its member run run-b .*not in the same runs folder/);
  });
});
