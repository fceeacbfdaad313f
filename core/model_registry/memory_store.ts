import { NotFoundError } from "../errors.ts";
import { MODEL_FILE, type RegistryStore } from "./store.ts";

/** A registry in memory: for tests, and for a page that keeps nothing. Its lock queues work per model name. */
export class MemoryRegistryStore implements RegistryStore {
  private readonly models = new Map<string, Map<string, Uint8Array>>();
  private readonly locks = new Map<string, Promise<unknown>>();

  location(name: string): string {
    return `memory://registry/${name}`;
  }

  async list(): Promise<string[]> {
    return [...this.models.keys()].filter((name) => this.models.get(name)!.has(MODEL_FILE)).sort();
  }

  async files(name: string): Promise<string[]> {
    const files = this.models.get(name);
    if (!files?.size) throw new NotFoundError(`No registered model ${name} in memory`);
    return [...files.keys()].sort();
  }

  async read(name: string, path: string): Promise<Uint8Array> {
    const data = this.models.get(name)?.get(path);
    if (!data) throw new NotFoundError(`Registered model ${name} has no ${path}`);
    return data.slice();
  }

  async write(name: string, path: string, data: Uint8Array | string): Promise<void> {
    if (!this.models.has(name)) this.models.set(name, new Map());
    this.models.get(name)!.set(path, typeof data === "string" ? new TextEncoder().encode(data) : data.slice());
  }

  async remove(name: string, path: string): Promise<void> {
    const files = this.models.get(name);
    for (const key of [...(files?.keys() ?? [])]) if (key === path || key.startsWith(`${path}/`)) files!.delete(key);
  }

  withLock<T>(name: string, work: () => Promise<T>): Promise<T> {
    const before = this.locks.get(name) ?? Promise.resolve();
    // the next holder waits for this one however it ends (the stored promise never rejects); the result goes to the caller
    const run = before.then(work);
    this.locks.set(name, run.catch(() => undefined));
    return run;
  }
}
