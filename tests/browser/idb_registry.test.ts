import { afterEach, describe, expect, it } from "vitest";
import { NotFoundError } from "../../core/errors.ts";
import { registerRun } from "../../core/model_registry/register.ts";
import { listModels } from "../../core/model_registry/list.ts";
import { readVersions } from "../../core/model_registry/read.ts";
import { IdbRegistryStore } from "../../web/idb_registry.ts";
import { twoRuns } from "../core/model_registry/fixtures.ts";

// The registry in real IndexedDB in headless Chromium, each test with its own database; the lock is a Web Lock.
let opened: IdbRegistryStore[] = [];
const open = async (runsDb = `t-${crypto.randomUUID()}`) => {
  const store = await IdbRegistryStore.open(runsDb);
  opened.push(store);
  return store;
};
afterEach(() => {
  opened.forEach((s) => s.close());
  opened = [];
});

describe("IdbRegistryStore", () => {
  it("keeps files by (model, path) in <db>-registry, lists only models with a record, and names a missing model or file", async () => {
    const store = await open("reg-a");
    expect(store.name).toBe("reg-a-registry");
    await store.write("m", "versions/1/version.json", "{}");
    expect(await store.list()).toEqual([]);
    await store.write("m", "registered_model.json", "{}");
    await store.write("b", "registered_model.json", new Uint8Array([1, 2]));
    expect(await store.list()).toEqual(["b", "m"]);
    expect(await store.files("m")).toEqual(["registered_model.json", "versions/1/version.json"]);
    expect([...await store.read("b", "registered_model.json")]).toEqual([1, 2]);
    expect(store.location("m")).toBe("indexeddb://reg-a-registry/m");
    await expect(store.files("none")).rejects.toBeInstanceOf(NotFoundError);
    await expect(store.read("m", "nope.json")).rejects.toThrow("Registered model m has no nope.json in indexeddb://reg-a-registry/m");
  });

  it("removes a file, or a folder with everything under it and nothing beside it", async () => {
    const store = await open();
    for (const path of ["versions/1/version.json", "versions/1/runs/r/run.json", "versions/10/version.json", "versions/1.json", "registered_model.json"]) {
      await store.write("m", path, "x");
    }
    await store.remove("m", "versions/1");
    expect(await store.files("m")).toEqual(["registered_model.json", "versions/1.json", "versions/10/version.json"]);
    await store.remove("m", "versions/1.json");
    await store.remove("m", "not/there");
    expect(await store.files("m")).toEqual(["registered_model.json", "versions/10/version.json"]);
  });

  it("runs work under one name's lock one at a time, across two connections, and a failing holder does not block the next", async () => {
    const db = `t-${crypto.randomUUID()}`;
    const [a, b] = [await open(db), await open(db)];
    const order: string[] = [];
    const hold = (store: IdbRegistryStore, id: string, fail = false) =>
      store.withLock("m", async () => {
        order.push(`${id}+`);
        await new Promise((done) => setTimeout(done, 10));
        order.push(`${id}-`);
        if (fail) throw new Error(`${id} failed`);
        return id;
      });
    const results = await Promise.allSettled([hold(a, "a"), hold(b, "b", true), hold(a, "c")]);
    expect(order).toEqual(["a+", "a-", "b+", "b-", "c+", "c-"]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
  });

  it("gives two registrations of one name at once versions 1 and 2, and the registry reads", async () => {
    const runs = await twoRuns();
    const db = `t-${crypto.randomUUID()}`;
    const [a, b] = [await open(db), await open(db)];
    const got = await Promise.all([
      registerRun(a, runs, "run-a", { name: "m", createdBy: "test" }),
      registerRun(b, runs, "run-b", { name: "m", aliases: ["champion"], createdBy: "test" }),
    ]);
    expect(got.map((r) => r.version).sort()).toEqual([1, 2]);
    const { models, problems } = await listModels(a);
    expect(problems).toEqual([]);
    expect(models.map((m) => [m.name, m.versions, m.aliases])).toEqual([["m", [1, 2], { champion: got[1].version }]]);
    expect((await readVersions(b, "m")).versions.map((v) => v.run_id).sort()).toEqual(["run-a", "run-b"]);
  });
});
