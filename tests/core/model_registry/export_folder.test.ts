import { describe, expect, it } from "vitest";
import { ConfigError, DataError } from "../../../core/errors.ts";
import { customLayerClasses, EXPORT_FILE, exportVersion } from "../../../core/model_registry/export_folder.ts";
import { importVersion } from "../../../core/model_registry/import_folder.ts";
import { MemoryRegistryStore } from "../../../core/model_registry/memory_store.ts";
import { readVersion } from "../../../core/model_registry/read.ts";
import { registerRun } from "../../../core/model_registry/register.ts";
import { MemoryRunStore } from "../../../core/memory_store.ts";
import { jsonText } from "../../../core/train/run_record.ts";
import { plugins, twoRuns, writeEnsemble, writeFakeRun } from "./fixtures.ts";

const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** A run whose model is a tree ensemble's trees.json (the fake plugin is not asked: trees need no plugin to export). */
async function treeRun(runs: MemoryRunStore, id: string) {
  await writeFakeRun(runs, id, { prepare: true, noModel: true });
  await runs.write(id, "model/trees.json", jsonText({ format: "model-factory/trees@1", trees: [] }));
  await runs.write(id, "model/preprocess.json", jsonText({ features: ["f_000"], horizon: 5, seq_len: 2, label_column: "label_h5", nan_policy: "error" }));
}

describe("customLayerClasses", () => {
  it("finds the toolkit's own layer classes (Mf...) anywhere in a topology, and nothing in a plain one", () => {
    const plain = { modelTopology: { class_name: "Sequential", config: { layers: [{ class_name: "Dense" }, { class_name: "Dropout" }] } } };
    const custom = {
      modelTopology: { class_name: "Functional", config: { layers: [{ class_name: "MfFusedLstm" }, { class_name: "Dense" }, { class_name: "MfLastStep" }] } },
    };
    expect(customLayerClasses(encode(plain))).toEqual([]);
    expect(customLayerClasses(encode(custom))).toEqual(["MfFusedLstm", "MfLastStep"]);
  });
});

describe("exportVersion and importVersion", () => {
  it("writes the model, preprocess, signature, prepare.json, registry.json and a README, and imports them back as a new version with the lineage", async () => {
    const runs = new MemoryRunStore(), store = new MemoryRegistryStore();
    await treeRun(runs, "trees-run");
    await registerRun(store, runs, "trees-run", { name: "gb", tags: { team: "x" }, createdBy: "test" });
    const { files, kind, customLayers } = await exportVersion(store, "gb", 1, plugins);
    expect(kind).toBe("trees");
    expect(customLayers).toEqual([]);
    expect(Object.keys(files).sort()).toEqual(["README.md", "prepare.json", "preprocess.json", EXPORT_FILE, "signature.json", "trees.json"]);
    expect(JSON.parse(text(files["signature.json"]))).toMatchObject({
      name: "gb",
      version: 1,
      features: ["f_000"],
      horizon: 5,
      window_length: 2,
      classes: [-1, 0, 1],
    });
    expect(text(files["README.md"])).toContain("## The trees and how to score with them");
    const target = new MemoryRegistryStore();
    const imported = await importVersion(target, files, "exported", { createdBy: "test", aliases: ["champion"], now: Date.UTC(2026, 1, 1) });
    expect(imported).toEqual({ name: "gb", version: 1, aliases: ["champion"] });
    const v = await readVersion(target, "gb", 1);
    expect(v.lineage.imported_from).toEqual({ name: "gb", version: 1, at: "2026-02-01T00:00:00.000Z" });
    expect(v.lineage.run_id).toBe("trees-run");
    expect(v.tags).toEqual({ team: "x" });
    expect(await target.read("gb", "versions/1/runs/trees-run/model/trees.json")).toEqual(files["trees.json"]);
    expect(await target.read("gb", "versions/1/runs/trees-run/prepare.json")).toEqual(files["prepare.json"]);
  });

  it("refuses an ensemble (its members run through the toolkit) and a folder that is no export", async () => {
    const runs = await twoRuns(), store = new MemoryRegistryStore();
    await writeEnsemble(runs, "ens", ["run-a", "run-b"]);
    await registerRun(store, runs, "ens", { name: "blend", createdBy: "test" });
    await expect(exportVersion(store, "blend", 1, plugins)).rejects.toThrow(/blend\/1 is an ensemble .*mf predict --model blend\/1/);
    await expect(exportVersion(store, "blend", 1, plugins)).rejects.toBeInstanceOf(ConfigError);
    await expect(importVersion(store, {}, "somewhere", { createdBy: "test" })).rejects.toThrow(/somewhere has no registry.json/);
    const runs2 = new MemoryRunStore();
    await treeRun(runs2, "t");
    await registerRun(store, runs2, "t", { name: "gb", createdBy: "test" });
    const { files } = await exportVersion(store, "gb", 1, plugins);
    delete files["trees.json"];
    await expect(importVersion(store, files, "cut", { createdBy: "test" })).rejects.toThrow("cut lacks trees.json, which its registry.json lists");
    await expect(importVersion(store, { [EXPORT_FILE]: encode({ format: "other" }) }, "odd", { createdBy: "test" })).rejects.toBeInstanceOf(DataError);
  });
});
