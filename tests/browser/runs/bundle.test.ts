import { describe, expect, it } from "vitest";
import { decodeBundle } from "../../../core/bundle/decode.ts";
import { MemoryRunStore } from "../../../core/memory_store.ts";
import { MemoryRegistryStore } from "../../../core/model_registry/memory_store.ts";
import { setAlias } from "../../../core/model_registry/aliases.ts";
import { registerRun } from "../../../core/model_registry/register.ts";
import { exportBundle, importBundle } from "../../../web/runs/bundle.ts";
import { fakeExperiment } from "../../fixtures/fake_experiment.ts";
import { twoRuns } from "../../core/model_registry/fixtures.ts";

// The app's bundle download and import with an experiments store beside the runs (IndexedDB in the app, memory here).
describe("the app's bundle", () => {
  it("carries the picked runs' experiments out and back in, leaving an identical one and never overwriting another version", async () => {
    const xp = await fakeExperiment({ labels: ["a", "b"], horizons: [5], seeds: [1] });
    const bytes = await exportBundle(xp.runs, xp.runIds.slice(0, 1), xp.experiments);
    expect(decodeBundle(bytes).header.experiments).toEqual([{ name: "baseline", files: ["experiment.json", "report.json", "report.md"] }]);
    // without an experiments store, or for runs of none, a bundle holds no experiments
    expect(decodeBundle(await exportBundle(xp.runs, xp.runIds)).header.experiments).toBeUndefined();
    expect(decodeBundle(await exportBundle(xp.runs, xp.runIds, new MemoryRunStore())).header.experiments).toBeUndefined();

    const file = new File([bytes as Uint8Array<ArrayBuffer>], "runs.mfbundle");
    const runs = new MemoryRunStore(), experiments = new MemoryRunStore();
    const first = await importBundle(runs, file, experiments);
    expect(first).toEqual({ imported: [xp.runIds[0]], skipped: [], experiments: { imported: ["baseline"], identical: [], skipped: [] } });
    for (const path of ["experiment.json", "report.json", "report.md"]) {
      expect(await experiments.read("baseline", path)).toEqual(await xp.experiments.read("baseline", path));
    }
    expect((await importBundle(runs, file, experiments)).experiments).toEqual({ imported: [], identical: ["baseline"], skipped: [] });
    await experiments.write("baseline", "report.md", "changed here");
    expect((await importBundle(runs, file, experiments)).experiments!.skipped).toEqual([
      "baseline: memory://baseline holds another version (report.md differs); left as it is",
    ]);
    expect(new TextDecoder().decode(await experiments.read("baseline", "report.md"))).toBe("changed here");
    // an import without an experiments store brings the runs only
    expect(await importBundle(new MemoryRunStore(), file)).toEqual({ imported: [xp.runIds[0]], skipped: [] });
  });

  it("carries the whole model registry out (a corrupt model left out) and back in, leaving an identical model and never overwriting another state", async () => {
    const runs = await twoRuns();
    const registry = new MemoryRegistryStore();
    await registerRun(registry, runs, "run-a", { name: "btc-h5", aliases: ["champion"], createdBy: "test" });
    await registerRun(registry, runs, "run-b", { name: "eth-h5", createdBy: "test" });
    await registry.write("broken", "registered_model.json", "{not json");
    const bytes = await exportBundle(runs, ["run-b"], undefined, registry);
    expect(decodeBundle(bytes).header.registry?.map((m) => m.name)).toEqual(["btc-h5", "eth-h5"]);
    // without a registry store a bundle holds none
    expect(decodeBundle(await exportBundle(runs, ["run-b"])).header.registry).toBeUndefined();

    const file = new File([bytes as Uint8Array<ArrayBuffer>], "runs.mfbundle");
    const into = new MemoryRegistryStore();
    const first = await importBundle(new MemoryRunStore(), file, undefined, into);
    expect(first.registry).toEqual({ imported: ["btc-h5", "eth-h5"], identical: [], skipped: [] });
    for (const path of await registry.files("btc-h5")) expect(await into.read("btc-h5", path)).toEqual(await registry.read("btc-h5", path));
    await setAlias(into, "eth-h5", "champion", 1);
    expect((await importBundle(new MemoryRunStore(), file, undefined, into)).registry).toEqual({
      imported: [],
      identical: ["btc-h5"],
      skipped: ["eth-h5: memory://registry/eth-h5 holds it in another state (registered_model.json differ); left as it is"],
    });
    expect(Object.keys(JSON.parse(new TextDecoder().decode(await into.read("eth-h5", "registered_model.json"))).aliases)).toEqual(["champion"]);
  });
});
