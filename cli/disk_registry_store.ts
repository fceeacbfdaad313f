import { join, relative, sep } from "node:path";
import { NotFoundError } from "../core/errors.ts";
import { checkModelName } from "../core/model_registry/names.ts";
import { MODEL_FILE, type RegistryStore } from "../core/model_registry/store.ts";
import { type LockOptions, withFileLock } from "./disk_lock.ts";
import { writeAtomic } from "./write_atomic.ts";

/** The lock file in a model's folder (see disk_lock.ts); never listed among the model's files. */
export const LOCK_FILE = ".lock";

/**
 * The model registry on disk: `<root>/<name>/` per model (`experiments/registry/` by default), every file
 * written to a temp file and renamed into place, every change made under `<root>/<name>/.lock`.
 */
export class DiskRegistryStore implements RegistryStore {
  constructor(readonly root: string, private readonly lockOptions: LockOptions = {}) {}

  location(name: string): string {
    return join(this.root, checkModelName(name));
  }

  async list(): Promise<string[]> {
    const names: string[] = [];
    try {
      for await (const entry of Deno.readDir(this.root)) {
        if (entry.isDirectory && !entry.name.startsWith(".") && (await exists(join(this.root, entry.name, MODEL_FILE)))) names.push(entry.name);
      }
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return [];
      throw error;
    }
    return names.sort();
  }

  async files(name: string): Promise<string[]> {
    const base = this.location(name);
    if (!(await exists(base))) throw new NotFoundError(`No registered model ${name} in ${this.root}`);
    const out: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      for await (const entry of Deno.readDir(dir)) {
        const full = join(dir, entry.name);
        if (entry.isDirectory) await walk(full);
        // the lock, a lock being broken and files being written are not the model's
        else if (!entry.name.startsWith(LOCK_FILE) && !entry.name.includes(".tmp-")) out.push(relative(base, full).split(sep).join("/"));
      }
    };
    await walk(base);
    return out.sort();
  }

  async read(name: string, path: string): Promise<Uint8Array> {
    try {
      return await Deno.readFile(this.target(name, path));
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) throw new NotFoundError(`Registered model ${name} has no ${path} (looked in ${this.location(name)})`);
      throw error;
    }
  }

  async write(name: string, path: string, data: Uint8Array | string): Promise<void> {
    await writeAtomic(this.target(name, path), typeof data === "string" ? new TextEncoder().encode(data) : data);
  }

  async remove(name: string, path: string): Promise<void> {
    await Deno.remove(this.target(name, path), { recursive: true }).catch((error) => {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    });
  }

  async withLock<T>(name: string, work: () => Promise<T>): Promise<T> {
    await Deno.mkdir(this.location(name), { recursive: true });
    return withFileLock(join(this.location(name), LOCK_FILE), work, this.lockOptions);
  }

  private target(name: string, path: string): string {
    if (!path || path.startsWith("/") || path.includes("\\") || path.split("/").some((part) => part === ".." || part === "." || part === "")) {
      throw new RangeError(`Registry file path "${path}" must be relative and stay inside the model's folder`);
    }
    return join(this.location(name), ...path.split("/"));
  }
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
