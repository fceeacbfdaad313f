import { dirname, join, relative, sep } from "node:path";
import { ConfigError, NotFoundError } from "../core/errors.ts";
import type { RunStore } from "../core/platform.ts";
import { localProbe } from "./process_probe.ts";
import { runJsonStatus } from "../core/train/liveness.ts";
import { Heartbeats } from "./run_heartbeat.ts";

/**
 * Runs on disk: `<root>/<run_id>/<path>`; every write goes to a temp file renamed into place. While this process
 * writes a run whose run.json says `running`, it keeps the run's heartbeat.json (cli/run_heartbeat.ts), so readers
 * can tell a run whose process died (core/train/liveness.ts).
 */
export class DiskRunStore implements RunStore {
  private readonly heartbeats: Heartbeats;

  constructor(readonly root: string, options: { heartbeatMs?: number } = {}) {
    this.heartbeats = new Heartbeats(
      { write: (id, path, data) => this.writeFile(id, path, data), removeFile: (id, path) => this.removeFile(id, path) },
      options.heartbeatMs,
    );
  }

  location(runId: string): string {
    return join(this.root, checkId(runId));
  }

  async write(runId: string, path: string, data: Uint8Array | string): Promise<void> {
    if (path !== "run.json") return this.writeFile(runId, path, data);
    const status = runJsonStatus(data);
    await this.heartbeats.before(runId, status);
    await this.writeFile(runId, path, data);
    await this.heartbeats.after(runId, status);
  }

  /**
   * Writes a whole run at once: into a hidden staging folder beside the runs, renamed into place when complete, so a
   * process killed midway leaves no half run under the run's id. A folder already there without run.json (a partial
   * copy left by an older crash) is replaced; a run that has run.json is never touched (AlreadyExists).
   */
  async writeRun(runId: string, files: Record<string, Uint8Array>): Promise<void> {
    const target = this.location(runId);
    await Deno.mkdir(this.root, { recursive: true });
    await this.sweepLeftovers();
    const stage = join(this.root, `${STAGING}${Deno.pid}-${crypto.randomUUID().slice(0, 8)}-${runId}`);
    try {
      for (const [path, data] of Object.entries(files)) {
        const file = join(stage, ...checkPath(path).split("/"));
        await Deno.mkdir(dirname(file), { recursive: true });
        await Deno.writeFile(file, data);
      }
      if (await exists(join(target, "run.json"))) throw new Deno.errors.AlreadyExists(`Run ${runId} is already in ${this.root}; it is left as it is`);
      if (await exists(target)) {
        // a partial folder: moved aside first (a rename onto a folder with files fails), removed once the run is in place
        const aside = join(this.root, `${REPLACED}${Deno.pid}-${crypto.randomUUID().slice(0, 8)}-${runId}`);
        await Deno.rename(target, aside);
        await Deno.rename(stage, target);
        await Deno.remove(aside, { recursive: true });
      } else await Deno.rename(stage, target);
    } catch (error) {
      await Deno.remove(stage, { recursive: true }).catch(ignoreNotFound);
      throw error;
    }
  }

  /** Whether the store holds a folder for `runId` (a run, a damaged run or a partial copy). */
  async has(runId: string): Promise<boolean> {
    return await exists(this.location(runId));
  }

  /** Whether the store holds a folder for `runId` that is not a run (no run.json): what a copy killed midway left. */
  async isPartial(runId: string): Promise<boolean> {
    return (await exists(this.location(runId))) && !(await exists(join(this.location(runId), "run.json")));
  }

  private async writeFile(runId: string, path: string, data: Uint8Array | string): Promise<void> {
    const target = this.target(runId, path);
    await Deno.mkdir(dirname(target), { recursive: true });
    const temp = `${target}.tmp-${crypto.randomUUID().slice(0, 8)}`;
    try {
      if (typeof data === "string") await Deno.writeTextFile(temp, data);
      else await Deno.writeFile(temp, data);
      await Deno.rename(temp, target);
    } catch (error) {
      await Deno.remove(temp).catch(() => undefined); // the temp file may not exist; the original error is what matters
      throw error;
    }
  }

  async appendLine(runId: string, path: string, line: string): Promise<void> {
    const target = this.target(runId, path);
    await Deno.mkdir(dirname(target), { recursive: true });
    await Deno.writeTextFile(target, `${line}\n`, { append: true });
  }

  async read(runId: string, path: string): Promise<Uint8Array> {
    try {
      return await Deno.readFile(this.target(runId, path));
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) throw new NotFoundError(`Run ${runId} has no ${path} (looked in ${this.location(runId)})`);
      throw error;
    }
  }

  async list(): Promise<string[]> {
    const ids: string[] = [];
    try {
      for await (const entry of Deno.readDir(this.root)) {
        // staging folders (hidden names) are not runs, even when they already hold a run.json
        if (entry.isDirectory && RUN_ID.test(entry.name) && (await exists(join(this.root, entry.name, "run.json")))) ids.push(entry.name);
      }
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return [];
      throw error;
    }
    return ids.sort();
  }

  async files(runId: string): Promise<string[]> {
    const base = this.location(runId);
    if (!(await exists(base))) throw new NotFoundError(`No run ${runId} in ${this.root}`);
    const out: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      for await (const entry of Deno.readDir(dir)) {
        const full = join(dir, entry.name);
        if (entry.isDirectory) await walk(full);
        else if (!entry.name.includes(".tmp-")) out.push(relative(base, full).split(sep).join("/"));
      }
    };
    await walk(base);
    return out.sort();
  }

  async remove(runId: string): Promise<void> {
    await Deno.remove(this.location(runId), { recursive: true });
  }

  /** Removes one file of a run; a file already gone is no error. */
  async removeFile(runId: string, path: string): Promise<void> {
    await Deno.remove(this.target(runId, path)).catch(ignoreNotFound);
  }

  /** Removes the staging folders of copies whose process (on this host) is gone: a `writeRun` killed midway. */
  async sweepLeftovers(): Promise<string[]> {
    const probe = localProbe();
    const removed: string[] = [];
    for await (const entry of Deno.readDir(this.root)) {
      const match = LEFTOVER.exec(entry.name);
      if (!entry.isDirectory || !match || Number(match[1]) === Deno.pid || (await probe.alive(Number(match[1]))) !== false) continue;
      await Deno.remove(join(this.root, entry.name), { recursive: true }).catch(ignoreNotFound);
      removed.push(entry.name);
    }
    return removed;
  }

  private target(runId: string, path: string): string {
    return join(this.location(runId), ...checkPath(path).split("/"));
  }
}

/** Hidden folder names of a run being copied in, and of a partial folder being replaced: `<prefix><pid>-<random>-<run id>`. */
const STAGING = ".staging-";
const REPLACED = ".replaced-";
const LEFTOVER = /^\.(?:staging|replaced)-(\d+)-[0-9a-f]{8}-/;
const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function checkPath(path: string): string {
  if (!path || path.startsWith("/") || path.split("/").some((part) => part === ".." || part === "")) {
    throw new RangeError(`Run file path "${path}" must be relative and stay inside the run`);
  }
  return path;
}

function ignoreNotFound(error: unknown): void {
  if (!(error instanceof Deno.errors.NotFound)) throw error;
}

/** A run id is a folder name the user may type: a bad one (a space, `..`, a path) is their mistake, reported as such. */
function checkId(runId: string): string {
  if (!RUN_ID.test(runId)) {
    throw new ConfigError(
      `Run id ${
        JSON.stringify(runId)
      } is not a run id: one holds only letters, digits, ".", "_" and "-" and starts with a letter or digit (give a run folder's path or the id of a run in the runs folder)`,
      { key: "run", value: runId },
    );
  }
  return runId;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}
