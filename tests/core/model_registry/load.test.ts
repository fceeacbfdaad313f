import { describe, expect, it } from "vitest";
import { synthSplits } from "../../../core/data/synth.ts";
import { loadVersion } from "../../../core/model_registry/load.ts";
import { MemoryRegistryStore } from "../../../core/model_registry/memory_store.ts";
import { registerRun } from "../../../core/model_registry/register.ts";
import { versionPath } from "../../../core/model_registry/store.ts";
import { VersionRunReader } from "../../../core/model_registry/version_reader.ts";
import { predictFile } from "../../../core/predict.ts";
import { parquetSource } from "../../helpers.ts";
import { BACKEND, plugins, twoRuns, writeEnsemble } from "./fixtures.ts";

const test = synthSplits({ symbols: 2, rows: 200, features: 3, seed: 3 }).test;
const input = () => parquetSource("test.parquet", test.columns);

describe("loadVersion", () => {
  it("loads the version an alias points at from the registry alone, after its run is deleted", async () => {
    const runs = await twoRuns(), store = new MemoryRegistryStore();
    await registerRun(store, runs, "run-a", { name: "m", createdBy: "test" });
    await registerRun(store, runs, "run-b", { name: "m", aliases: ["champion"], createdBy: "test" });
    await runs.remove("run-b");
    const loaded = await loadVersion(store, { name: "m", alias: "champion" }, plugins, BACKEND);
    expect(loaded.label).toBe("m/2");
    expect(loaded.version.run_id).toBe("run-b");
    const { probs, windows } = await predictFile(loaded.run, input());
    expect(windows.size).toBeGreaterThan(10);
    expect([...probs.subarray(0, 3)].map((p) => +p.toFixed(6))).toEqual([0.6, 0.3, 0.1]);
    const first = await loadVersion(store, { name: "m", version: 1 }, plugins, BACKEND);
    expect([...(await predictFile(first.run, input())).probs.subarray(0, 3)].map((p) => +p.toFixed(6))).toEqual([0.2, 0.3, 0.5]);
  });

  it("runs an ensemble over the member copies in the version, with no runs folder", async () => {
    const runs = await twoRuns(), store = new MemoryRegistryStore();
    await writeEnsemble(runs, "ens", ["run-a", "run-b"]);
    await registerRun(store, runs, "ens", { name: "blend", createdBy: "test" });
    for (const id of ["ens", "run-a", "run-b"]) await runs.remove(id);
    const loaded = await loadVersion(store, { name: "blend", version: 1 }, plugins, BACKEND);
    const { probs } = await predictFile(loaded.run, input());
    // soft voting: the mean of (0.2, 0.3, 0.5) and (0.6, 0.3, 0.1)
    expect([...probs.subarray(0, 3)].map((p) => +p.toFixed(6))).toEqual([0.4, 0.3, 0.3]);
  });

  it("VersionRunReader shows a version's copied runs as a runs folder", async () => {
    const runs = await twoRuns(), store = new MemoryRegistryStore();
    await writeEnsemble(runs, "ens", ["run-a", "run-b"]);
    await registerRun(store, runs, "ens", { name: "blend", createdBy: "test" });
    const reader = new VersionRunReader(store, "blend", 1);
    expect(await reader.list()).toEqual(["ens", "run-a", "run-b"]);
    expect(await reader.files("run-a")).toEqual(["metrics.json", "model/preprocess.json", "model/weights.json", "run.json"]);
    expect(await reader.read("run-a", "model/weights.json")).toEqual(await store.read("blend", versionPath(1, "runs/run-a/model/weights.json")));
    await expect(reader.files("run-z")).rejects.toThrow("Version blend/1 holds no run run-z");
  });
});
