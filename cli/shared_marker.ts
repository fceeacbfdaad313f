import { hostname } from "node:os";
import { join, resolve } from "node:path";
import { ConfigError } from "../core/errors.ts";
import { writeAtomic } from "./write_atomic.ts";

/** A marker's file name starts with this (a file, not a folder: a runs folder holds only runs' folders). */
const PREFIX = ".mf-shared-";

/** What a marker holds: who wrote it, where, when. */
interface Marker {
  token: string;
  host: string;
  folder: string;
  at: string;
}

/** A fresh marker token for one submission. */
export function markerToken(): string {
  return crypto.randomUUID().replaceAll("-", "").slice(0, 16);
}

/**
 * Writes the submission's marker into every folder its workers must share (the runs folder, the experiment's or
 * the study's folder): `<folder>/.mf-shared-<token>`. A worker that does not find it sees other files than the
 * submitting process did (a node-local path on a cluster), and stops before training (checkMarkers).
 */
export async function writeMarkers(folders: readonly string[], token: string): Promise<void> {
  for (const folder of folders) {
    const marker: Marker = { token, host: hostname(), folder: resolve(folder), at: new Date().toISOString() };
    await writeAtomic(join(folder, PREFIX + token), new TextEncoder().encode(JSON.stringify(marker) + "\n"));
  }
}

/**
 * Checks that this worker sees the submission's marker in every folder: one ConfigError naming the folder, this
 * host and task, and the host that wrote the marker, when it does not (the folder is not shared between them).
 */
export async function checkMarkers(folders: readonly string[], token: string, who: string): Promise<void> {
  for (const folder of folders) {
    const path = join(folder, PREFIX + token);
    let text: string | undefined;
    try {
      text = await Deno.readTextFile(path);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
    const marker = text === undefined ? undefined : (JSON.parse(text) as Marker);
    if (marker?.token === token) continue;
    const others = await otherMarkers(folder);
    throw new ConfigError(
      `${who} does not see the folder the submitting process wrote: ${resolve(folder)} on ${hostname()} has no marker ${token} (${path})` +
        `${others ? `; it holds only other submissions' markers (${others})` : ""}. The workers and the submitting process must share this folder ` +
        `(a shared filesystem such as NFS mounted at the same path on every node, not a node-local disk); see docs/scale-out.md`,
      { key: "shared-marker", value: token },
    );
  }
}

async function otherMarkers(folder: string): Promise<string> {
  try {
    const names = (await Array.fromAsync(Deno.readDir(folder))).filter((e) => e.isFile && e.name.startsWith(PREFIX)).map((e) => e.name.slice(PREFIX.length))
      .sort();
    return names.length > 3 ? `${names.slice(0, 3).join(", ")}, ...` : names.join(", ");
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return "";
    throw error;
  }
}
