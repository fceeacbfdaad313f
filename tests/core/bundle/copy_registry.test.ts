import { describe, expect, it } from "vitest";
import { copyRegistry } from "../../../core/bundle/copy_registry.ts";
import { decodeBundle } from "../../../core/bundle/decode.ts";
import { encodeBundle } from "../../../core/bundle/encode.ts";
import { BundleRegistryReader } from "../../../core/bundle/registry.ts";
import { setAlias } from "../../../core/model_registry/aliases.ts";
import { loadVersion } from "../../../core/model_registry/load.ts";
import { MemoryRegistryStore } from "../../../core/model_registry/memory_store.ts";
import { readModel } from "../../../core/model_registry/read.ts";
import { registerRun } from "../../../core/model_registry/register.ts";
import { BACKEND, plugins, twoRuns } from "../model_registry/fixtures.ts";

async function bundled() {
  const runs = await twoRuns(), registry = new MemoryRegistryStore();
  await registerRun(registry, runs, "run-a", { name: "alpha", aliases: ["champion"], createdBy: "test" });
  await registerRun(registry, runs, "run-b", { name: "beta", createdBy: "test" });
  const bundle = decodeBundle(await encodeBundle(runs, ["run-a"], { createdBy: "test", registry: { reader: registry, names: ["alpha", "beta"] } }));
  return { registry, reader: new BundleRegistryReader(bundle) };
}

describe("copyRegistry", () => {
  it("writes models the registry lacks, whole, and they load from there", async () => {
    const { registry, reader } = await bundled();
    const target = new MemoryRegistryStore();
    const lines: string[] = [];
    const result = await copyRegistry(reader, target, { onModel: (name, outcome) => lines.push(`${name} ${outcome}`) });
    expect(result).toEqual({ imported: ["alpha", "beta"], identical: [], skipped: [] });
    expect(lines).toEqual(["alpha imported", "beta imported"]);
    expect(await target.files("alpha")).toEqual(await registry.files("alpha"));
    expect((await readModel(target, "alpha")).aliases).toEqual({ champion: 1 });
    const loaded = await loadVersion(target, { name: "alpha", alias: "champion" }, plugins, BACKEND);
    expect(loaded.version.run_id).toBe("run-a");
  });

  it("leaves a model that is there byte for byte, and never overwrites one in another state", async () => {
    const { reader } = await bundled();
    const target = new MemoryRegistryStore();
    await copyRegistry(reader, target);
    await target.write("beta", "versions/1/version.json", (await target.read("beta", "versions/1/version.json")).slice());
    await setAlias(target, "alpha", "challenger", 1);
    const before = await target.read("alpha", "registered_model.json");
    const result = await copyRegistry(reader, target);
    expect(result.identical).toEqual(["beta"]);
    expect(result.imported).toEqual([]);
    expect(result.skipped).toHaveLength(1);
    expect(result.skipped[0]).toMatch(/^alpha: memory:\/\/registry\/alpha holds it in another state \(registered_model\.json differ\); left as it is$/);
    expect(await target.read("alpha", "registered_model.json")).toEqual(before);
  });
});
