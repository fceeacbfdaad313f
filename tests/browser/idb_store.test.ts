import { afterEach, describe, expect, it } from "vitest";
import { NotFoundError } from "../../core/errors.ts";
import { IdbRunStore } from "../../web/idb_store.ts";

// Real IndexedDB in headless Chromium; each test uses its own database.
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
let opened: IdbRunStore[] = [];
const open = async (name: string) => {
  const store = await IdbRunStore.open(name);
  opened.push(store);
  return store;
};
afterEach(() => {
  opened.forEach((s) => s.close());
  opened = [];
});

describe("IdbRunStore", () => {
  it("keeps files by (run id, path) and lists only runs with a run.json, oldest first", async () => {
    const store = await open(`t-${crypto.randomUUID()}`);
    await store.write("20250102-b", "run.json", "{}");
    await store.write("20250101-a", "run.json", "{}");
    await store.write("20250101-a", "model/weights.bin", new Uint8Array([1, 2, 3]));
    await store.write("orphan", "metrics.jsonl", "x");
    expect(await store.list()).toEqual(["20250101-a", "20250102-b"]);
    expect(await store.files("20250101-a")).toEqual(["model/weights.bin", "run.json"]);
    expect([...await store.read("20250101-a", "model/weights.bin")]).toEqual([1, 2, 3]);
    expect(store.location("20250101-a")).toMatch(/^indexeddb:\/\/.+\/20250101-a$/);
  });

  it("rejects a missing file with NotFoundError and overwrites whole files", async () => {
    const store = await open(`t-${crypto.randomUUID()}`);
    await expect(store.read("none", "run.json")).rejects.toBeInstanceOf(NotFoundError);
    await store.write("r", "run.json", '{"status":"running"}');
    await store.write("r", "run.json", '{"status":"finished"}');
    expect(text(await store.read("r", "run.json"))).toBe('{"status":"finished"}');
  });

  it("appends lines without losing any when appends race", async () => {
    const store = await open(`t-${crypto.randomUUID()}`);
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.appendLine("r", "metrics.jsonl", `{"epoch":${i}}`)));
    const lines = text(await store.read("r", "metrics.jsonl")).trim().split("\n");
    expect(lines.map((l) => JSON.parse(l).epoch).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it("removes one run and nothing else, and keeps runs across a reopen (a reload)", async () => {
    const name = `t-${crypto.randomUUID()}`;
    const store = await open(name);
    for (const id of ["a", "b"]) {
      await store.write(id, "run.json", id);
      await store.write(id, "model/model.json", id);
    }
    await store.remove("a");
    store.close();
    const again = await open(name);
    expect(await again.list()).toEqual(["b"]);
    expect(await again.files("a")).toEqual([]);
    expect(text(await again.read("b", "model/model.json"))).toBe("b");
  });
});
