// Files a page opened, reopened after a reload where the browser allows it: File System Access handles
// (Chromium's showOpenFilePicker, or a dropped file's handle) are structured-cloneable, so IndexedDB keeps them.
// Reading a kept handle needs read permission again in a new session; asking for it needs a click.

/** The permission calls of a FileSystemHandle that lib.dom does not declare yet (Chromium has them). */
interface PermissionedHandle extends FileSystemFileHandle {
  queryPermission?(descriptor: { mode: "read" }): Promise<PermissionState>;
  requestPermission?(descriptor: { mode: "read" }): Promise<PermissionState>;
}

/** window.showOpenFilePicker, where the browser has it. */
type OpenFilePicker = (options: {
  multiple?: boolean;
  types?: { description: string; accept: Record<string, string[]> }[];
  id?: string;
}) => Promise<FileSystemFileHandle[]>;

/** What a reopen found: the files it could read, and those that need a click to be allowed again (or are gone). */
export interface Reopened {
  files: File[];
  /** Handles whose read permission must be asked for again (a user gesture), by file name. */
  needPermission: string[];
  /** Names of kept files that could not be read (moved, deleted), each with why. */
  lost: string[];
}

const DB = "model-factory-file-handles";
const STORE = "handles";

/** Whether this browser can pick files as handles that survive a reload. */
export function canKeepFiles(scope: object = globalThis): boolean {
  return typeof (scope as { showOpenFilePicker?: unknown }).showOpenFilePicker === "function";
}

/** Asks the user for Parquet files through the browser's file picker, as handles (undefined when the user cancels). */
export async function pickParquetHandles(multiple: boolean, scope: object = globalThis): Promise<FileSystemFileHandle[] | undefined> {
  const picker = (scope as { showOpenFilePicker: OpenFilePicker }).showOpenFilePicker;
  try {
    return await picker({ multiple, id: "model-factory-data", types: [{ description: "Parquet", accept: { "application/octet-stream": [".parquet"] } }] });
  } catch (error) {
    // closing the picker is the user's answer, not a failure
    if ((error as DOMException)?.name === "AbortError") return undefined;
    throw error;
  }
}

/** Keeps `handles` under `key` (a page's data layout), replacing what was kept there. */
export async function keepHandles(key: string, handles: FileSystemFileHandle[]): Promise<void> {
  const db = await open();
  try {
    await request(db.transaction(STORE, "readwrite").objectStore(STORE).put(handles, key));
  } finally {
    db.close();
  }
}

/** Forgets the handles kept under `key` (files opened the ordinary way replace them). */
export async function forgetHandles(key: string): Promise<void> {
  const db = await open();
  try {
    await request(db.transaction(STORE, "readwrite").objectStore(STORE).delete(key));
  } finally {
    db.close();
  }
}

/**
 * The files kept under `key`, read again. With `ask` (only from a click) a handle whose permission lapsed is
 * asked for it; without, it is listed in `needPermission` so the page can offer that click.
 */
export async function reopenHandles(key: string, ask = false): Promise<Reopened> {
  const db = await open();
  let handles: PermissionedHandle[];
  try {
    handles = ((await request(db.transaction(STORE).objectStore(STORE).get(key))) as PermissionedHandle[] | undefined) ?? [];
  } finally {
    db.close();
  }
  const out: Reopened = { files: [], needPermission: [], lost: [] };
  for (const handle of handles) {
    let state = (await handle.queryPermission?.({ mode: "read" })) ?? "granted";
    if (state === "prompt" && ask) state = (await handle.requestPermission?.({ mode: "read" })) ?? state;
    if (state !== "granted") {
      out.needPermission.push(handle.name);
      continue;
    }
    try {
      out.files.push(await handle.getFile());
    } catch (error) {
      out.lost.push(`${handle.name}: ${(error as Error).message}`);
    }
  }
  return out;
}

function open(): Promise<IDBDatabase> {
  const opening = indexedDB.open(DB, 1);
  opening.onupgradeneeded = () => opening.result.createObjectStore(STORE);
  return request(opening);
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}
