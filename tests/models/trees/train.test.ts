import { describe, expect, it } from "vitest";
import { MemoryRunStore } from "../../../core/memory_store.ts";
import type { ModelPlugin } from "../../../core/model.ts";
import { train } from "../../../core/train/trainer.ts";
import { tfjsBackend } from "../../../models/tfjs/backend.ts";
import { forest } from "../../../models/forest/forest.ts";
import { gbdt } from "../../../models/gbdt/gbdt.ts";
import { sources } from "./data.ts";

let clock = 1_700_000_000_000;
const run = (plugin: ModelPlugin, trainer: object, params: object = {}) => {
  const store = new MemoryRunStore();
  return train({ plugin, params, sources: sources(), trainer: { backend: "cpu", ...trainer } }, {
    store,
    clock: { now: () => (clock += 1000) },
    startBackend: tfjsBackend(),
  }).then((r) => ({
    ...r,
    store,
  }));
};

describe("tree models through the trainer", () => {
  it("trains trees:gbdt with early stopping, stores its JSON trees, and learns the synthetic signal", async () => {
    const { record, test, store, runId } = await run(gbdt, { epochs: 200, patience: 8, min_delta: 0 }, { learning_rate: 0.3 });
    expect(record).toMatchObject({ model: "trees:gbdt", status: "finished", stop_reason: "early_stopping" });
    expect(record.epochs_run).toBe(record.best_epoch! + 9);
    const files = await store.files(runId);
    expect(files).toContain("model/trees.json");
    expect(files).toContain("feature_importance.json");
    const saved = JSON.parse(new TextDecoder().decode(await store.read(runId, "model/trees.json")));
    expect(saved.best_iteration).toBe(record.best_epoch);
    expect(saved.trees).toHaveLength((record.best_epoch! + 1) * 3);
    expect(test!.f1_macro).toBeGreaterThan(0.45);
  });

  it("trains trees:forest", async () => {
    const { record, test } = await run(forest, { epochs: 3, patience: 0 }, { trees_per_round: 5, max_depth: 8 });
    expect(record).toMatchObject({ model: "trees:forest", status: "finished", epochs_run: 3 });
    expect(test!.f1_macro).toBeGreaterThan(0.45);
  });
});
