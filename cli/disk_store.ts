import { dirname, join, relative, sep } from "node:path";
import { NotFoundError } from "../core/errors.ts";
import type { RunStore } from "../core/platform.ts";

/** Runs on disk: `<root>/<run_id>/<path>`; every write goes to a temp file renamed into place. */
export class DiskRunStore implements RunStore {
  constructor(readonly root: string) {}

  location(runId: string): string {
    return join(this.root, checkId(runId));
  }

  async write(runId: string, path: string, data: Uint8Array | string): Promise<void> {
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
        if (entry.isDirectory && (await exists(join(this.root, entry.name, "run.json")))) ids.push(entry.name);
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

  private target(runId: string, path: string): string {
    if (!path || path.startsWith("/") || path.split("/").some((part) => part === ".." || part === "")) {
      throw new RangeError(`Run file path "${path}" must be relative and stay inside the run`);
    }
    return join(this.location(runId), ...path.split("/"));
  }
}

function checkId(runId: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(runId)) throw new RangeError(`Run id "${runId}" may hold only letters, digits, ".", "_" and "-"`);
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
