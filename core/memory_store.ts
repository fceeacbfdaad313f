import { NotFoundError } from "./errors.ts";
import type { RunStore } from "./platform.ts";

/** A RunStore in memory: for tests, and for a page that keeps nothing. */
export class MemoryRunStore implements RunStore {
  private readonly runs = new Map<string, Map<string, Uint8Array>>();

  location(runId: string): string {
    return `memory://${runId}`;
  }

  async write(runId: string, path: string, data: Uint8Array | string): Promise<void> {
    this.run(runId, true).set(path, typeof data === "string" ? new TextEncoder().encode(data) : data.slice());
  }

  async appendLine(runId: string, path: string, line: string): Promise<void> {
    const files = this.run(runId, true);
    const old = files.get(path) ?? new Uint8Array(0);
    const add = new TextEncoder().encode(`${line}\n`);
    const next = new Uint8Array(old.length + add.length);
    next.set(old);
    next.set(add, old.length);
    files.set(path, next);
  }

  async read(runId: string, path: string): Promise<Uint8Array> {
    const data = this.run(runId, false).get(path);
    if (!data) throw new NotFoundError(`Run ${runId} has no ${path}`);
    return data.slice();
  }

  async list(): Promise<string[]> {
    return [...this.runs.keys()].filter((id) => this.runs.get(id)!.has("run.json")).sort();
  }

  async files(runId: string): Promise<string[]> {
    return [...this.run(runId, false).keys()].sort();
  }

  async remove(runId: string): Promise<void> {
    this.runs.delete(runId);
  }

  private run(runId: string, create: boolean): Map<string, Uint8Array> {
    let files = this.runs.get(runId);
    if (!files) {
      if (!create) throw new NotFoundError(`No run ${runId}`);
      this.runs.set(runId, files = new Map());
    }
    return files;
  }
}
