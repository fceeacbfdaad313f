import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../core/errors.ts";
import { setAlias } from "../../../core/model_registry/aliases.ts";
import { deleteVersion } from "../../../core/model_registry/delete.ts";
import { MemoryRegistryStore } from "../../../core/model_registry/memory_store.ts";
import { readModel, readVersions } from "../../../core/model_registry/read.ts";
import { registerRun } from "../../../core/model_registry/register.ts";
import { twoRuns } from "./fixtures.ts";

async function threeVersions() {
  const runs = await twoRuns(), store = new MemoryRegistryStore();
  for (const run of ["run-a", "run-b", "run-a"]) await registerRun(store, runs, run, { name: "m", createdBy: "test" });
  await setAlias(store, "m", "champion", 2);
  await setAlias(store, "m", "challenger", 2);
  return { runs, store };
}

describe("deleteVersion", () => {
  it("removes a version no alias points at, with all its files", async () => {
    const { store } = await threeVersions();
    expect(await deleteVersion(store, "m", 3)).toEqual({ name: "m", version: 3, removed_aliases: [] });
    expect((await readVersions(store, "m")).versions.map((v) => v.version)).toEqual([1, 2]);
    expect((await store.files("m")).some((p) => p.startsWith("versions/3/"))).toBe(false);
  });

  it("is refused while an alias points at the version, naming the aliases; nothing changes", async () => {
    const { store } = await threeVersions();
    const refused = deleteVersion(store, "m", 2);
    await expect(refused).rejects.toBeInstanceOf(ConfigError);
    await expect(deleteVersion(store, "m", 2)).rejects.toThrow(/Version m\/2 is what m@challenger, m@champion point at: .*--force/);
    expect((await readVersions(store, "m")).versions.map((v) => v.version)).toEqual([1, 2, 3]);
  });

  it("with force removes those aliases first, each recorded in the history", async () => {
    const { store } = await threeVersions();
    expect((await deleteVersion(store, "m", 2, { force: true })).removed_aliases).toEqual(["challenger", "champion"]);
    const model = await readModel(store, "m");
    expect(model.aliases).toEqual({});
    expect(model.history.slice(-2).map(({ alias, from, to, note }) => ({ alias, from, to, note }))).toEqual([
      { alias: "challenger", from: 2, to: null, note: "version 2 deleted" },
      { alias: "champion", from: 2, to: null, note: "version 2 deleted" },
    ]);
  });

  it("refuses a version that is not there, and never gives the deleted number again", async () => {
    const { runs, store } = await threeVersions();
    await expect(deleteVersion(store, "m", 7)).rejects.toThrow(/no version 7 \(versions: 1, 2, 3\)/);
    await deleteVersion(store, "m", 3);
    expect((await registerRun(store, runs, "run-b", { name: "m", createdBy: "test" })).version).toBe(4);
  });
});
