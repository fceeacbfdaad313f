import { ConfigError, NotFoundError } from "../errors.ts";
import { jsonText } from "../train/run_record.ts";
import { checkAlias } from "./names.ts";
import { readModel, versionNumbers } from "./read.ts";
import type { AliasMove, RegisteredModel } from "./records.ts";
import { MODEL_FILE, type RegistryStore } from "./store.ts";

/** When and why a change is made: the note kept in the alias history, and the time (ms since the epoch, default now). */
export interface ChangeOptions {
  note?: string;
  now?: number;
}

/**
 * The model with `alias` pointing at `to` (or removed, with `to` null) and the move appended to its history.
 * Pure: the caller writes the record, in one atomic write, so the alias and its history never disagree.
 */
export function moveAlias(model: RegisteredModel, alias: string, to: number | null, note: string, at: string): RegisteredModel {
  checkAlias(alias);
  const from = model.aliases[alias] ?? null;
  const aliases = { ...model.aliases };
  if (to === null) delete aliases[alias];
  else aliases[alias] = to;
  const move: AliasMove = { alias, from, to, at, note };
  return { ...model, aliases, history: [...model.history, move], updated_at: at };
}

/**
 * Points `alias` at `version` (moving it if it pointed elsewhere) and records the move in the history,
 * under the model's lock. An unknown version is a NotFoundError listing the versions there.
 *
 * @example
 * ```ts
 * await setAlias(store, "btc-h5", "champion", 3, { note: "beat v2 on Sharpe" });
 * ```
 */
export async function setAlias(store: RegistryStore, name: string, alias: string, version: number, options: ChangeOptions = {}): Promise<AliasMove> {
  checkAlias(alias);
  return store.withLock(name, async () => {
    const model = await readModel(store, name);
    const numbers = versionNumbers(await store.files(name));
    if (!numbers.includes(version)) {
      throw new NotFoundError(`Model "${name}" has no version ${version} (${numbers.length ? `versions: ${numbers.join(", ")}` : "it has no versions"})`);
    }
    const next = moveAlias(model, alias, version, options.note ?? "", new Date(options.now ?? Date.now()).toISOString());
    await store.write(name, MODEL_FILE, jsonText(next));
    return next.history.at(-1)!;
  });
}

/** Removes `alias` and records it (to: null) in the history; an alias the model lacks is a NotFoundError listing its aliases. */
export async function removeAlias(store: RegistryStore, name: string, alias: string, options: ChangeOptions = {}): Promise<AliasMove> {
  checkAlias(alias);
  return store.withLock(name, async () => {
    const model = await readModel(store, name);
    if (model.aliases[alias] === undefined) {
      const have = Object.entries(model.aliases).map(([a, v]) => `${a} -> ${v}`);
      throw new NotFoundError(`Model "${name}" has no alias "${alias}" (${have.length ? `aliases: ${have.join(", ")}` : "it has no aliases"})`);
    }
    const next = moveAlias(model, alias, null, options.note ?? "", new Date(options.now ?? Date.now()).toISOString());
    await store.write(name, MODEL_FILE, jsonText(next));
    return next.history.at(-1)!;
  });
}

/** Checks that no alias is given twice. */
export function uniqueAliases(aliases: readonly string[]): string[] {
  const seen = new Set<string>();
  for (const alias of aliases) {
    checkAlias(alias);
    if (seen.has(alias)) throw new ConfigError(`Alias "${alias}" is given twice`, { key: "alias", value: alias });
    seen.add(alias);
  }
  return [...seen];
}
