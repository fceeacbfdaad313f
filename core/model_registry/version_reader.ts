import { NotFoundError } from "../errors.ts";
import type { RunReader } from "../platform.ts";
import { type RegistryReader, versionPath } from "./store.ts";

/**
 * A registered version's copied runs as a RunReader (`versions/<n>/runs/<id>/...`), so everything that loads a
 * run (loadRun, an ensemble's members, prepare.json for raw bars) works on the version unchanged, with no run
 * folder needed.
 */
export class VersionRunReader implements RunReader {
  constructor(private readonly reader: RegistryReader, readonly name: string, readonly version: number) {}

  async list(): Promise<string[]> {
    const ids = new Set<string>();
    for (const path of await this.all()) {
      const id = /^runs\/([^/]+)\/run\.json$/.exec(path)?.[1];
      if (id) ids.add(id);
    }
    return [...ids].sort();
  }

  async files(runId: string): Promise<string[]> {
    const prefix = `runs/${runId}/`;
    const paths = (await this.all()).filter((p) => p.startsWith(prefix)).map((p) => p.slice(prefix.length));
    if (!paths.length) throw new NotFoundError(`Version ${this.name}/${this.version} holds no run ${runId}`);
    return paths;
  }

  read(runId: string, path: string): Promise<Uint8Array> {
    return this.reader.read(this.name, versionPath(this.version, `runs/${runId}/${path}`));
  }

  /** The version's paths, relative to its folder. */
  private async all(): Promise<string[]> {
    const prefix = `${versionPath(this.version)}/`;
    return (await this.reader.files(this.name)).filter((p) => p.startsWith(prefix)).map((p) => p.slice(prefix.length));
  }
}
