// deno-lint-ignore-file no-explicit-any -- parsed JSON of run files, read loosely by the tests
import type { Page } from "playwright";

/**
 * Every file of a run as the app stored it in IndexedDB (database "model-factory", object store
 * "files" keyed by [run id, path]), read inside the page: what a reload would find.
 */
export async function storedRunFiles(page: Page, runId: string): Promise<Record<string, Uint8Array>> {
  const files: Record<string, number[]> = await page.evaluate(async (id) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open("model-factory");
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const records = await new Promise<{ path: string; data: Uint8Array }[]>((resolve, reject) => {
      const get = db.transaction("files").objectStore("files").getAll(IDBKeyRange.bound([id, ""], [id, "\uffff"]));
      get.onsuccess = () => resolve(get.result);
      get.onerror = () => reject(get.error);
    });
    db.close();
    return Object.fromEntries(records.map((r) => [r.path, [...r.data]]));
  }, runId);
  return Object.fromEntries(Object.entries(files).map(([path, bytes]) => [path, Uint8Array.from(bytes)]));
}

/** A stored run's run.json, parsed. */
export async function storedRunJson(page: Page, runId: string): Promise<Record<string, any>> {
  const files = await storedRunFiles(page, runId);
  if (!files["run.json"]) throw new Error(`run ${runId} has no run.json in IndexedDB; files: ${Object.keys(files).join(", ") || "none"}`);
  return JSON.parse(new TextDecoder().decode(files["run.json"]));
}
