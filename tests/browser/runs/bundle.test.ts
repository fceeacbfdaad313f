import { describe, expect, it } from "vitest";
import { decodeBundle } from "../../../core/bundle/decode.ts";
import { MemoryRunStore } from "../../../core/memory_store.ts";
import { MemoryRegistryStore } from "../../../core/model_registry/memory_store.ts";
import { setAlias } from "../../../core/model_registry/aliases.ts";
import { registerRun } from "../../../core/model_registry/register.ts";
import type { JournalOp } from "../../../core/tune/journal.ts";
import { IdbJournalStore } from "../../../web/idb_journal.ts";
import { exportBundle, importBundle } from "../../../web/runs/bundle.ts";
import { fakeStudyJournal } from "../../fixtures/fake_study.ts";
import { fakeExperiment } from "../../fixtures/fake_experiment.ts";
import { twoRuns } from "../../core/model_registry/fixtures.ts";

// The app's bundle download and import with an experiments store beside the runs (IndexedDB in the app, memory here).
describe("the app's bundle", () => {
  it("carries the picked runs' experiments out and back in, leaving an identical one and never overwriting another version", async () => {
    const xp = await fakeExperiment({ labels: ["a", "b"], horizons: [5], seeds: [1] });
    const bytes = await exportBundle(xp.runs, xp.runIds.slice(0, 1), { experiments: xp.experiments });
    expect(decodeBundle(bytes).header.experiments).toEqual([{ name: "baseline", files: ["experiment.json", "report.json", "report.md"] }]);
    // without an experiments store, or for runs of none, a bundle holds no experiments
    expect(decodeBundle(await exportBundle(xp.runs, xp.runIds)).header.experiments).toBeUndefined();
    expect(decodeBundle(await exportBundle(xp.runs, xp.runIds, { experiments: new MemoryRunStore() })).header.experiments).toBeUndefined();

    const file = new File([bytes as Uint8Array<ArrayBuffer>], "runs.mfbundle");
    const runs = new MemoryRunStore(), experiments = new MemoryRunStore();
    const first = await importBundle(runs, file, { experiments });
    expect(first).toEqual({ imported: [xp.runIds[0]], skipped: [], experiments: { imported: ["baseline"], identical: [], skipped: [] } });
    for (const path of ["experiment.json", "report.json", "report.md"]) {
      expect(await experiments.read("baseline", path)).toEqual(await xp.experiments.read("baseline", path));
    }
    expect((await importBundle(runs, file, { experiments })).experiments).toEqual({ imported: [], identical: ["baseline"], skipped: [] });
    await experiments.write("baseline", "report.md", "changed here");
    expect((await importBundle(runs, file, { experiments })).experiments!.skipped).toEqual([
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
    const bytes = await exportBundle(runs, ["run-b"], { registry });
    expect(decodeBundle(bytes).header.registry?.map((m) => m.name)).toEqual(["btc-h5", "eth-h5"]);
    // without a registry store a bundle holds none
    expect(decodeBundle(await exportBundle(runs, ["run-b"])).header.registry).toBeUndefined();

    const file = new File([bytes as Uint8Array<ArrayBuffer>], "runs.mfbundle");
    const into = new MemoryRegistryStore();
    const first = await importBundle(new MemoryRunStore(), file, { registry: into });
    expect(first.registry).toEqual({ imported: ["btc-h5", "eth-h5"], identical: [], skipped: [] });
    for (const path of await registry.files("btc-h5")) expect(await into.read("btc-h5", path)).toEqual(await registry.read("btc-h5", path));
    await setAlias(into, "eth-h5", "champion", 1);
    expect((await importBundle(new MemoryRunStore(), file, { registry: into })).registry).toEqual({
      imported: [],
      identical: ["btc-h5"],
      skipped: ["eth-h5: memory://registry/eth-h5 holds it in another state (registered_model.json differ); left as it is"],
    });
    expect(Object.keys(JSON.parse(new TextDecoder().decode(await into.read("eth-h5", "registered_model.json"))).aliases)).toEqual(["champion"]);
  });

  it("carries the picked runs' studies out of IndexedDB (an unreadable one named) and into another database, keeping one changed there", async () => {
    const runs = await twoRuns();
    const write = (store: IdbJournalStore, name: string, text: string) =>
      store.transact(name, () => ({ ops: text.split("\n").slice(0, -1).map((line) => JSON.parse(line) as JournalOp), result: undefined }));
    const from = await IdbJournalStore.open(`bundle-${crypto.randomUUID()}`), into = await IdbJournalStore.open(`bundle-${crypto.randomUUID()}`);
    try {
      const lr = fakeStudyJournal({ name: "lr", trials: 4, runIds: ["run-b"] }), wide = fakeStudyJournal({ name: "wide", trials: 3, seed: 2 });
      await write(from, "lr", lr);
      await write(from, "wide", wide);
      await write(from, "bad", JSON.stringify({ op: "create_trial", number: 0, worker: "w", at: "2026-03-01T10:00:00.000Z" }) + "\n");
      const left: string[] = [];
      const picked = await exportBundle(runs, ["run-b"], { studies: from, onStudyLeftOut: (p) => left.push(p) });
      expect(decodeBundle(picked).header.studies?.map((s) => s.name)).toEqual(["lr"]);
      expect(left).toEqual([
        expect.stringMatching(/^Study bad is left out \(unreadable\): study bad journal line 1: the journal must start with create_study/),
      ]);
      const bytes = await exportBundle(runs, ["run-a", "run-b"], { studies: from });
      expect(decodeBundle(bytes).header.studies?.map((s) => s.name)).toEqual(["lr", "wide"]);

      const changed = wide.split("\n").slice(0, 3).join("\n") + "\n" + JSON.stringify({ op: "report", trial: 0, step: 7, value: 0.25 }) + "\n";
      await write(into, "wide", changed);
      const file = new File([bytes as Uint8Array<ArrayBuffer>], "runs.mfbundle");
      expect((await importBundle(new MemoryRunStore(), file, { studies: into })).studies).toEqual({
        imported: ["lr"],
        extended: [],
        identical: [],
        skipped: ["wide: the stored journal differs from the bundle's at line 4; the stored study is kept as it is"],
        damaged: [],
      });
      expect(await into.read("lr")).toBe(lr);
      expect(await into.read("wide")).toBe(changed);
      expect((await importBundle(new MemoryRunStore(), file, { studies: into })).studies).toMatchObject({ imported: [], identical: ["lr"] });
      // an import without a journal store brings no studies
      expect((await importBundle(new MemoryRunStore(), file)).studies).toBeUndefined();
    } finally {
      from.close();
      into.close();
    }
  });
});
