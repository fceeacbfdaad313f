import { describe, expect, it } from "vitest";
import { canKeepFiles, forgetHandles, keepHandles, pickParquetHandles, reopenHandles } from "../../../web/data/file_handles.ts";

// Real IndexedDB and the origin private file system in headless Chromium: OPFS handles are the same
// FileSystemFileHandle a picker gives, so they go through IndexedDB and back as a picked file's would.
async function opfsFile(name: string, text: string): Promise<FileSystemFileHandle> {
  const root = await navigator.storage.getDirectory();
  const handle = await root.getFileHandle(name, { create: true });
  const writable = await handle.createWritable();
  await writable.write(text);
  await writable.close();
  return handle;
}

describe("file handles kept across reloads", () => {
  it("reopens kept files with their contents, and says which are gone", async () => {
    const key = `t-${crypto.randomUUID()}`;
    const a = await opfsFile(`${key}-train.parquet`, "train bytes");
    const b = await opfsFile(`${key}-val.parquet`, "val");
    await keepHandles(key, [a, b]);
    const back = await reopenHandles(key);
    expect(back.files.map((f) => f.name)).toEqual([`${key}-train.parquet`, `${key}-val.parquet`]);
    expect(await back.files[0].text()).toBe("train bytes");
    expect(back.needPermission).toEqual([]);
    await (await navigator.storage.getDirectory()).removeEntry(`${key}-val.parquet`);
    const after = await reopenHandles(key);
    expect(after.files.map((f) => f.name)).toEqual([`${key}-train.parquet`]);
    expect(after.lost).toHaveLength(1);
    expect(after.lost[0]).toMatch(new RegExp(`^${key}-val\\.parquet: `));
  });

  it("keeps one list per key, replaced by the next and gone when forgotten", async () => {
    const key = `t-${crypto.randomUUID()}`;
    await keepHandles(key, [await opfsFile(`${key}-1.parquet`, "1")]);
    await keepHandles(key, [await opfsFile(`${key}-2.parquet`, "2")]);
    expect((await reopenHandles(key)).files.map((f) => f.name)).toEqual([`${key}-2.parquet`]);
    await forgetHandles(key);
    expect(await reopenHandles(key)).toEqual({ files: [], needPermission: [], lost: [] });
  });

  it("treats a closed picker as no choice and any other failure as an error", async () => {
    expect(canKeepFiles({})).toBe(false);
    const abort = { showOpenFilePicker: () => Promise.reject(new DOMException("closed", "AbortError")) };
    expect(canKeepFiles(abort)).toBe(true);
    expect(await pickParquetHandles(true, abort)).toBeUndefined();
    const denied = { showOpenFilePicker: () => Promise.reject(new DOMException("blocked", "SecurityError")) };
    await expect(pickParquetHandles(false, denied)).rejects.toThrow("blocked");
  });
});
