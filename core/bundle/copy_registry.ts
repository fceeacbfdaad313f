import { modelFiles } from "../model_registry/read.ts";
import { MODEL_FILE, type RegistryReader, type RegistryStore } from "../model_registry/store.ts";

/** What copying registered models did: written, already there byte for byte, or left as they were with the reason. */
export interface RegistryCopyResult {
  imported: string[];
  identical: string[];
  /** `<name>: why`, for models the registry holds in another state (never overwritten). */
  skipped: string[];
}

/**
 * Copies registered models (a bundle's) into a registry, each under its lock. A model the registry does not
 * have is written whole, registered_model.json last, so one cut short is not listed. One it has with every
 * file equal is left and reported identical; one it has in another state (a version or alias more or less)
 * is never overwritten: it is skipped, naming the files that differ.
 *
 * @example
 * ```ts
 * const { imported, skipped } = await copyRegistry(new BundleRegistryReader(bundle), registryStore);
 * ```
 */
export async function copyRegistry(
  from: RegistryReader,
  to: RegistryStore,
  options: { onModel?: (name: string, outcome: "imported" | "identical" | "skipped", detail: string) => void } = {},
): Promise<RegistryCopyResult> {
  const result: RegistryCopyResult = { imported: [], identical: [], skipped: [] };
  for (const name of await from.list()) {
    await to.withLock(name, async () => {
      const paths = await from.files(name);
      const stored = await modelFiles(to, name);
      if (stored.includes(MODEL_FILE)) {
        const differ: string[] = [];
        for (const path of new Set([...paths, ...stored])) {
          if (!paths.includes(path)) differ.push(`${path} (only here)`);
          else if (!stored.includes(path)) differ.push(`${path} (not here)`);
          else if (!sameBytes(await to.read(name, path), await from.read(name, path))) differ.push(path);
        }
        if (differ.length === 0) {
          result.identical.push(name);
          options.onModel?.(name, "identical", `already in ${to.location(name)}, identical`);
        } else {
          const shown = differ.length > 4 ? [...differ.slice(0, 4), `${differ.length - 4} more`] : differ;
          const why = `${to.location(name)} holds it in another state (${shown.join(", ")} differ); left as it is`;
          result.skipped.push(`${name}: ${why}`);
          options.onModel?.(name, "skipped", why);
        }
        return;
      }
      for (const path of paths.filter((p) => p !== MODEL_FILE)) await to.write(name, path, await from.read(name, path));
      await to.write(name, MODEL_FILE, await from.read(name, MODEL_FILE));
      result.imported.push(name);
      options.onModel?.(name, "imported", `into ${to.location(name)}`);
    });
  }
  return result;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
