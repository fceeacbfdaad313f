import { NotFoundError } from "../errors.ts";
import { readModel } from "../model_registry/read.ts";
import { MODEL_FILE, type RegistryReader } from "../model_registry/store.ts";
import type { FilesTable, RunFile } from "./files.ts";
import type { BundleHeader, BundleRegisteredModel } from "./format.ts";
import { checkKeyedSection } from "./keyed_files.ts";

/**
 * The model registry in a bundle: each registered model's folder (registered_model.json and every version's
 * files, model copies included) carried byte for byte in the `registry` section, listed in the header's
 * `registry`. Packed from any RegistryReader (the disk registry, IndexedDB), read back by BundleRegistryReader.
 */

/**
 * Reads the named models' files for packing, each checked to have a readable registered_model.json (a corrupt
 * one is a DataError naming it: list the registry with listModels first to leave those out).
 *
 * @example
 * ```ts
 * const { entries, files } = await readRegistry(registryStore, ["btc-h5"]);
 * ```
 */
export async function readRegistry(
  reader: RegistryReader,
  names: readonly string[],
  onModel?: (name: string, paths: string[]) => void,
): Promise<{ entries: BundleRegisteredModel[]; files: RunFile[] }> {
  const entries: BundleRegisteredModel[] = [], files: RunFile[] = [];
  for (const name of [...new Set(names)].sort()) {
    await readModel(reader, name);
    const paths = await reader.files(name);
    for (const path of paths) files.push({ id: name, path, data: await reader.read(name, path) });
    entries.push({ name, files: paths });
    onModel?.(name, paths);
  }
  return { entries, files };
}

/** The checks decodeBundle makes of the registry section (see checkKeyedSection); undefined for a bundle without one. */
export function checkRegistry(header: BundleHeader, section: Uint8Array | undefined, name: string): FilesTable | undefined {
  return checkKeyedSection(header.registry ?? [], section, name, { key: "model", section: "registry", required: MODEL_FILE });
}

/** A bundle's registered models as a RegistryReader: each model's files as its registry folder had them. For the viewer and import. */
export class BundleRegistryReader implements RegistryReader {
  private readonly models: Map<string, string[]>;

  constructor(private readonly bundle: { name: string; header: BundleHeader; registry?: FilesTable }) {
    this.models = new Map((bundle.header.registry ?? []).map((m) => [m.name, [...m.files].sort()]));
  }

  location(name: string): string {
    return `${this.bundle.name}#registry/${name}`;
  }

  async list(): Promise<string[]> {
    return [...this.models.keys()].sort();
  }

  async files(name: string): Promise<string[]> {
    return [...this.paths(name)];
  }

  async read(name: string, path: string): Promise<Uint8Array> {
    if (!this.paths(name).includes(path)) throw new NotFoundError(`Registered model ${name} has no ${path} in ${this.bundle.name}`);
    // decodeBundle checked that the section holds every listed file
    return this.bundle.registry!.get(name, path)!;
  }

  private paths(name: string): string[] {
    const paths = this.models.get(name);
    if (!paths) throw new NotFoundError(`No registered model ${name} in ${this.bundle.name}`);
    return paths;
  }
}
