import { describe, expect, it } from "vitest";
import { MemoryRegistryStore } from "../../../core/model_registry/memory_store.ts";

describe("MemoryRegistryStore", () => {
  it("lists only models with a record, and removes a folder with everything under it", async () => {
    const store = new MemoryRegistryStore();
    await store.write("m", "versions/1/version.json", "{}");
    expect(await store.list()).toEqual([]);
    await store.write("m", "registered_model.json", "{}");
    await store.write("m", "versions/10/version.json", "{}");
    expect(await store.list()).toEqual(["m"]);
    await store.remove("m", "versions/1");
    expect(await store.files("m")).toEqual(["registered_model.json", "versions/10/version.json"]);
  });

  it("runs work under one name's lock one at a time, and a failing holder does not block the next", async () => {
    const store = new MemoryRegistryStore();
    const order: string[] = [];
    const hold = (id: string, fail = false) =>
      store.withLock("m", async () => {
        order.push(`${id}+`);
        await new Promise((done) => setTimeout(done, 5));
        order.push(`${id}-`);
        if (fail) throw new Error(`${id} failed`);
        return id;
      });
    const results = await Promise.allSettled([hold("a"), hold("b", true), hold("c")]);
    expect(order).toEqual(["a+", "a-", "b+", "b-", "c+", "c-"]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
  });
});
