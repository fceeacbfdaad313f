import { ConfigError, NotFoundError } from "../errors.ts";
import { jsonText } from "../train/run_record.ts";
import { moveAlias } from "./aliases.ts";
import { aliasesOf, readModel, versionNumbers } from "./read.ts";
import { MODEL_FILE, type RegistryStore, VERSION_FILE, versionPath } from "./store.ts";

/** What a delete did: the version gone and the aliases removed with it (only with `force`). */
export interface Deleted {
  name: string;
  version: number;
  removed_aliases: string[];
}

/**
 * Deletes one version under the model's lock. While an alias points at it the delete is refused (a
 * ConfigError naming the aliases) unless `force`, which first removes those aliases, each recorded in the
 * history. The version's record goes before its files, so a delete cut short leaves no half version listed;
 * its number is never given again.
 *
 * @example
 * ```ts
 * await deleteVersion(store, "btc-h5", 2); // refused while btc-h5@champion is 2
 * ```
 */
export function deleteVersion(store: RegistryStore, name: string, version: number, options: { force?: boolean; now?: number } = {}): Promise<Deleted> {
  return store.withLock(name, async () => {
    let model = await readModel(store, name);
    const numbers = versionNumbers(await store.files(name));
    if (!numbers.includes(version)) {
      throw new NotFoundError(`Model "${name}" has no version ${version} (${numbers.length ? `versions: ${numbers.join(", ")}` : "it has no versions"})`);
    }
    const pointing = aliasesOf(model, version);
    if (pointing.length && !options.force) {
      throw new ConfigError(
        `Version ${name}/${version} is what ${pointing.map((a) => `${name}@${a}`).join(", ")} point${pointing.length === 1 ? "s" : ""} at: move or remove ${
          pointing.length === 1 ? "that alias" : "those aliases"
        } first, or delete with --force (which removes them)`,
        { value: `${name}/${version}` },
      );
    }
    if (pointing.length) {
      const at = new Date(options.now ?? Date.now()).toISOString();
      for (const alias of pointing) model = moveAlias(model, alias, null, `version ${version} deleted`, at);
      await store.write(name, MODEL_FILE, jsonText(model));
    }
    await store.remove(name, versionPath(version, VERSION_FILE));
    await store.remove(name, versionPath(version));
    return { name, version, removed_aliases: pointing };
  });
}
