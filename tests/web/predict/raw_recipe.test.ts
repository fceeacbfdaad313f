import { describe, expect, it } from "vitest";
import { MemoryRegistryStore } from "../../../core/model_registry/memory_store.ts";
import { registerRun } from "../../../core/model_registry/register.ts";
import { rawBarsBlocker } from "../../../web/predict/raw_recipe.ts";
import { twoRuns } from "../../core/model_registry/fixtures.ts";

describe("rawBarsBlocker", () => {
  it("lets a run with prepare.json score raw bars and says why a run without one cannot", async () => {
    const runs = await twoRuns();
    await runs.write("run-a", "prepare.json", "{}");
    expect(await rawBarsBlocker({ run: "run-a" }, runs, undefined)).toBe("");
    expect(await rawBarsBlocker({ run: "run-b" }, runs, undefined)).toBe(
      "run run-b has no prepare.json: it was not trained on splits prepared from raw bars",
    );
  });

  it("reads a registered version's own copy of its run, by alias or version", async () => {
    const runs = await twoRuns();
    await runs.write("run-a", "prepare.json", "{}");
    const registry = new MemoryRegistryStore();
    await registerRun(registry, runs, "run-a", { name: "m", aliases: ["champion"], createdBy: "test", now: Date.UTC(2026, 0, 1) });
    await registerRun(registry, runs, "run-b", { name: "m", createdBy: "test", now: Date.UTC(2026, 0, 2) });
    // the runs folder may be gone: only the registry is read
    expect(await rawBarsBlocker({ model: "m@champion" }, undefined, registry)).toBe("");
    expect(await rawBarsBlocker({ model: "m/2" }, undefined, registry)).toBe(
      "m/2 has no prepare.json: its run was not trained on splits prepared from raw bars",
    );
  });
});
