import { join } from "node:path";
import { z } from "zod";
import { DataError } from "../core/errors.ts";
import { CellClaim, type ClaimReader, type ClaimStore } from "../core/experiment/claims.ts";
import { type LockOptions, withFileLock } from "./disk_lock.ts";

/** The claims lock is held for a read and a few small writes: a holder silent for 2 minutes is dead; waiters outlast that. */
const CLAIMS_LOCK: LockOptions = { staleMs: 120_000, timeoutMs: 300_000 };
/** The exclusive lock covers a report rewrite, which reads every run: allow it 10 minutes, and wait longer than that. */
const EXCLUSIVE_LOCK: LockOptions = { staleMs: 600_000, timeoutMs: 900_000 };

/**
 * An experiment's claims on disk: `<folder>/<key>.json`, one file per cell, shared by every worker that sees the
 * folder (a shared filesystem across nodes). Each transaction runs under `<folder>/claims.lock` (O_EXCL, stale
 * locks of dead holders broken: cli/disk_lock.ts) and reads only the claims it asks for. Every claim is first written
 * to a temp file (created with O_EXCL) and synced; a new one is then hard-linked into place, which fails if a claim
 * of that name exists (an exclusive create that appears whole), a changed one renamed over the old. So a reader
 * sees a whole claim or none. `exclusive` work runs under `<folder>/report.lock`.
 */
export class DiskClaimStore implements ClaimStore {
  constructor(readonly folder: string) {}

  async list(): Promise<CellClaim[]> {
    return [...(await this.#read()).values()];
  }

  async transact<T>(decide: (claims: ClaimReader) => Promise<{ write: CellClaim[]; result: T }>): Promise<T> {
    await Deno.mkdir(this.folder, { recursive: true });
    return await withFileLock(join(this.folder, "claims.lock"), async () => {
      const seen = new Map<string, CellClaim | undefined>();
      const reader: ClaimReader = {
        get: async (key) => {
          if (!seen.has(key)) seen.set(key, await this.#readOne(key));
          return seen.get(key);
        },
      };
      const { write, result } = await decide(reader);
      for (const claim of write) {
        const path = this.#path(claim.key);
        const bytes = new TextEncoder().encode(JSON.stringify(claim, null, 2) + "\n");
        // a key read as absent is created exclusively: a claim that appeared meanwhile (a worker outside the lock) fails loudly
        const exists = seen.has(claim.key) ? seen.get(claim.key) !== undefined : (await this.#readOne(claim.key)) !== undefined;
        if (exists) await replaceSynced(path, bytes);
        else await createSynced(path, bytes);
      }
      return result;
    }, CLAIMS_LOCK);
  }

  async exclusive<T>(work: () => Promise<T>): Promise<T> {
    await Deno.mkdir(this.folder, { recursive: true });
    return await withFileLock(join(this.folder, "report.lock"), work, EXCLUSIVE_LOCK);
  }

  async tryExclusive<T>(work: () => Promise<T>): Promise<{ result: T } | undefined> {
    await Deno.mkdir(this.folder, { recursive: true });
    let got = false;
    try {
      // no wait: a lock held by a live worker times out at once (a dead holder's is broken as usual)
      return await withFileLock(join(this.folder, "report.lock"), async () => ((got = true), { result: await work() }), { ...EXCLUSIVE_LOCK, timeoutMs: 0 });
    } catch (error) {
      if (!got && error instanceof Deno.errors.TimedOut) return undefined; // busy: another worker is writing
      throw error;
    }
  }

  async #readOne(key: string): Promise<CellClaim | undefined> {
    const path = this.#path(key);
    try {
      return parseClaim(await Deno.readTextFile(path), path);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return undefined;
      throw error;
    }
  }

  async #read(): Promise<Map<string, CellClaim>> {
    const out = new Map<string, CellClaim>();
    let entries: Deno.DirEntry[];
    try {
      entries = await Array.fromAsync(Deno.readDir(this.folder));
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return out;
      throw error;
    }
    for (const entry of entries.filter((e) => e.isFile && e.name.endsWith(".json")).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(this.folder, entry.name);
      let text: string;
      try {
        text = await Deno.readTextFile(path);
      } catch (error) {
        if (error instanceof Deno.errors.NotFound) continue; // replaced between the listing and the read: the rename left the new one
        throw error;
      }
      const claim = parseClaim(text, path);
      if (`${claim.key}.json` !== entry.name) {
        throw new DataError(`Claim ${path} names the key "${claim.key}"; a claim's file is named by its key`, { file: path });
      }
      out.set(claim.key, claim);
    }
    return out;
  }

  #path(key: string): string {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(key)) throw new RangeError(`Claim key "${key}" may hold only letters, digits, ".", "_" and "-"`);
    return join(this.folder, `${key}.json`);
  }
}

function parseClaim(text: string, path: string): CellClaim {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new DataError(`Claim ${path} is not valid JSON (${(cause as Error).message}); remove it if no worker holds that cell`, { file: path });
  }
  const parsed = CellClaim.safeParse(value);
  if (!parsed.success) throw new DataError(`Claim ${path} is malformed:\n${z.prettifyError(parsed.error)}`, { file: path });
  return parsed.data;
}

/** Creates a file that must not exist, whole: written and synced aside, then linked into place (link fails if the name exists). */
async function createSynced(path: string, bytes: Uint8Array): Promise<void> {
  const temp = `${path}.tmp-${crypto.randomUUID().slice(0, 8)}`;
  try {
    await writeSynced(temp, bytes);
    await Deno.link(temp, path);
  } finally {
    // absent only if writing it failed, and that error is the one to see
    await Deno.remove(temp).catch((error) => {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    });
  }
}

/** Writes a new file (O_CREAT|O_EXCL) and syncs it. */
async function writeSynced(path: string, bytes: Uint8Array): Promise<void> {
  const file = await Deno.open(path, { createNew: true, write: true });
  try {
    await writeAll(file, bytes);
    await file.syncData();
  } finally {
    file.close();
  }
}

/** Replaces a file through a synced temp file renamed over it. */
async function replaceSynced(path: string, bytes: Uint8Array): Promise<void> {
  const temp = `${path}.tmp-${crypto.randomUUID().slice(0, 8)}`;
  try {
    await writeSynced(temp, bytes);
    await Deno.rename(temp, path);
  } catch (error) {
    await Deno.remove(temp).catch(() => undefined); // the temp file may not exist; the original error is what matters
    throw error;
  }
}

async function writeAll(file: Deno.FsFile, bytes: Uint8Array): Promise<void> {
  for (let written = 0; written < bytes.length;) written += await file.write(bytes.subarray(written));
}

/** Whether a claim's holder process, on this host, is gone (no /proc entry); false where there is no /proc to ask. */
export async function holderGone(claim: CellClaim): Promise<boolean> {
  if (claim.pid === undefined) return false;
  const exists = (p: string) => Deno.stat(p).then(() => true, (error) => (error instanceof Deno.errors.NotFound ? false : Promise.reject(error)));
  if (!(await exists("/proc/self"))) return false;
  return !(await exists(`/proc/${claim.pid}`));
}
