import { describe, expect, it } from "vitest";
import { DataError, NotFoundError } from "../../../core/errors.ts";
import { listModels } from "../../../core/model_registry/list.ts";
import { MemoryRegistryStore } from "../../../core/model_registry/memory_store.ts";
import { readModel, readVersions, resolveVersion } from "../../../core/model_registry/read.ts";
import { registerRun } from "../../../core/model_registry/register.ts";
import { MODEL_FILE, versionPath } from "../../../core/model_registry/store.ts";
import { twoRuns } from "./fixtures.ts";

async function registry() {
  const runs = await twoRuns(), store = new MemoryRegistryStore();
  await registerRun(store, runs, "run-a", { name: "alpha", aliases: ["champion"], createdBy: "test" });
  await registerRun(store, runs, "run-b", { name: "alpha", createdBy: "test" });
  await registerRun(store, runs, "run-b", { name: "beta", createdBy: "test" });
  return store;
}

describe("resolveVersion", () => {
  it("finds NAME/VERSION and NAME@ALIAS", async () => {
    const store = await registry();
    expect(await resolveVersion(store, { name: "alpha", version: 2 })).toBe(2);
    expect(await resolveVersion(store, { name: "alpha", alias: "champion" })).toBe(1);
  });

  it("lists what exists when the name, alias or version is unknown", async () => {
    const store = await registry();
    await expect(resolveVersion(store, { name: "gamma", version: 1 })).rejects.toThrow('No registered model "gamma" (models: alpha, beta)');
    await expect(resolveVersion(store, { name: "alpha", alias: "prod" })).rejects.toThrow('Model "alpha" has no alias "prod" (aliases: champion -> 1)');
    await expect(resolveVersion(store, { name: "beta", alias: "prod" })).rejects.toThrow('Model "beta" has no alias "prod" (it has no aliases)');
    await expect(resolveVersion(store, { name: "alpha", version: 5 })).rejects.toThrow('Model "alpha" has no version 5 (versions: 1, 2)');
    await expect(resolveVersion(new MemoryRegistryStore(), { name: "x", version: 1 })).rejects.toThrow("the registry is empty");
    await expect(resolveVersion(store, { name: "alpha", version: 5 })).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe("a corrupt registry record", () => {
  it("is named, and the rest of the registry still reads", async () => {
    const store = await registry();
    await store.write("beta", MODEL_FILE, "{ not json");
    const { models, problems } = await listModels(store);
    expect(models.map((m) => m.name)).toEqual(["alpha"]);
    expect(models[0]).toMatchObject({ versions: [1, 2], aliases: { champion: 1 } });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`memory://registry/beta/${MODEL_FILE} is not valid JSON`);
    await expect(readModel(store, "beta")).rejects.toBeInstanceOf(DataError);
  });

  it("of one version is named; the model's other versions still read and resolve", async () => {
    const store = await registry();
    await store.write("alpha", versionPath(2, "version.json"), JSON.stringify({ name: "alpha", version: "two" }));
    const { versions, problems } = await readVersions(store, "alpha");
    expect(versions.map((v) => v.version)).toEqual([1]);
    expect(problems[0]).toMatch(/Registry record memory:\/\/registry\/alpha\/versions\/2\/version\.json is malformed/);
    expect(await resolveVersion(store, { name: "alpha", alias: "champion" })).toBe(1);
  });

  it("that names another version than its folder is refused", async () => {
    const store = await registry();
    const v1 = await store.read("alpha", versionPath(1, "version.json"));
    await store.write("alpha", versionPath(2, "version.json"), v1);
    expect((await readVersions(store, "alpha")).problems[0]).toMatch(/is alpha\/1, not alpha\/2/);
  });
});
