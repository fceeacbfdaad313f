import { describe, expect, it } from "vitest";
import { ConfigError, NotFoundError } from "../../../core/errors.ts";
import { moveAlias, removeAlias, setAlias } from "../../../core/model_registry/aliases.ts";
import { MemoryRegistryStore } from "../../../core/model_registry/memory_store.ts";
import { readModel, resolveVersion } from "../../../core/model_registry/read.ts";
import { registerRun } from "../../../core/model_registry/register.ts";
import { twoRuns } from "./fixtures.ts";

/** A model "m" with versions 1 (run-a) and 2 (run-b), champion on 1. */
async function twoVersions() {
  const runs = await twoRuns(), store = new MemoryRegistryStore();
  await registerRun(store, runs, "run-a", { name: "m", aliases: ["champion"], createdBy: "test", now: Date.UTC(2026, 0, 1) });
  await registerRun(store, runs, "run-b", { name: "m", createdBy: "test", now: Date.UTC(2026, 0, 2) });
  return store;
}

describe("aliases", () => {
  it("move atomically: the alias and its history change in one record write", async () => {
    const store = await twoVersions();
    const move = await setAlias(store, "m", "champion", 2, { note: "v2 beat v1 on Sharpe", now: Date.UTC(2026, 0, 3) });
    expect(move).toEqual({ alias: "champion", from: 1, to: 2, at: "2026-01-03T00:00:00.000Z", note: "v2 beat v1 on Sharpe" });
    const model = await readModel(store, "m");
    expect(model.aliases.champion).toBe(2);
    expect(model.history.at(-1)).toEqual(move);
    expect(await resolveVersion(store, { name: "m", alias: "champion" })).toBe(2);
  });

  it("keep every move in the history, oldest first: set, moved, moved back, removed", async () => {
    const store = await twoVersions();
    await setAlias(store, "m", "challenger", 2, { note: "try" });
    await setAlias(store, "m", "champion", 2);
    await setAlias(store, "m", "champion", 1, { note: "rolled back" });
    await removeAlias(store, "m", "challenger", { note: "done" });
    const history = (await readModel(store, "m")).history.map(({ alias, from, to, note }) => [alias, from, to, note]);
    expect(history).toEqual([
      ["champion", null, 1, "registered"],
      ["challenger", null, 2, "try"],
      ["champion", 1, 2, ""],
      ["champion", 2, 1, "rolled back"],
      ["challenger", 2, null, "done"],
    ]);
    expect((await readModel(store, "m")).aliases).toEqual({ champion: 1 });
  });

  it("refuse a version that is not there, an alias the model lacks, and an alias name outside the allowed set", async () => {
    const store = await twoVersions();
    await expect(setAlias(store, "m", "champion", 9)).rejects.toThrow(/Model "m" has no version 9 \(versions: 1, 2\)/);
    await expect(removeAlias(store, "m", "staging")).rejects.toThrow(/Model "m" has no alias "staging" \(aliases: champion -> 1\)/);
    await expect(removeAlias(store, "m", "staging")).rejects.toBeInstanceOf(NotFoundError);
    await expect(setAlias(store, "m", "my alias", 1)).rejects.toBeInstanceOf(ConfigError);
    await expect(setAlias(store, "nope", "champion", 1)).rejects.toThrow(/No registered model "nope" \(models: m\)/);
    // nothing was recorded by the refused changes
    expect((await readModel(store, "m")).history).toHaveLength(1);
  });

  it("moveAlias is pure: the record given is left as it was", async () => {
    const store = await twoVersions();
    const model = await readModel(store, "m");
    const next = moveAlias(model, "champion", 2, "n", "2026-02-01T00:00:00.000Z");
    expect(model.aliases.champion).toBe(1);
    expect(model.history).toHaveLength(1);
    expect(next.history).toHaveLength(2);
    expect(next.updated_at).toBe("2026-02-01T00:00:00.000Z");
  });
});
