import { z } from "zod";
import { ConfigError } from "../errors.ts";

/**
 * Names in the model registry: a registered model's name is a folder name (on disk, in IndexedDB keys
 * and in URLs), an alias a word that can never be read as a version number.
 */

/** What a model name may hold, for messages. */
export const MODEL_NAME_RULE = "up to 100 letters, digits, '.', '_' and '-', starting with a letter or digit";
/** What an alias may hold, for messages. */
export const ALIAS_RULE = "up to 64 letters, digits, '_' and '-', starting with a letter";

/** A registered model's name: its folder name, so no path separator, no leading dot, no space. */
export const ModelName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/, `a model name holds ${MODEL_NAME_RULE}`);

/** An alias (`champion`, `challenger`, any word): starts with a letter, so `NAME@3` is never a version. */
export const AliasName = z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, `an alias holds ${ALIAS_RULE}`);

/** Checks a model name, with a ConfigError giving the allowed set when it is not one. */
export function checkModelName(name: string): string {
  if (!ModelName.safeParse(name).success) {
    throw new ConfigError(`Model name ${JSON.stringify(name)} cannot be a registry folder: a name holds ${MODEL_NAME_RULE}`, { key: "name", value: name });
  }
  return name;
}

/** Checks an alias, with a ConfigError giving the allowed set when it is not one. */
export function checkAlias(alias: string): string {
  if (!AliasName.safeParse(alias).success) {
    throw new ConfigError(`Alias ${JSON.stringify(alias)} is not allowed: an alias holds ${ALIAS_RULE}`, { key: "alias", value: alias });
  }
  return alias;
}

/** A model reference: `NAME` (the model), `NAME@ALIAS` or `NAME/VERSION` (one version). */
export type ModelRef = { name: string; alias?: undefined; version?: undefined } | { name: string; alias: string; version?: undefined } | {
  name: string;
  alias?: undefined;
  version: number;
};

/**
 * Parses `NAME`, `NAME@ALIAS` or `NAME/VERSION`; with `needVersion`, a bare NAME is a ConfigError saying
 * what to add. Names and aliases are checked against their rules.
 *
 * @example
 * ```ts
 * parseModelRef("btc-h5@champion"); // { name: "btc-h5", alias: "champion" }
 * parseModelRef("btc-h5/3"); // { name: "btc-h5", version: 3 }
 * ```
 */
export function parseModelRef(text: string, options: { needVersion?: boolean } = {}): ModelRef {
  const at = text.indexOf("@"), slash = text.indexOf("/");
  if (at >= 0 && slash >= 0) throw new ConfigError(`Model reference "${text}" has both @ and /: give NAME@ALIAS or NAME/VERSION`, { value: text });
  if (at >= 0) return { name: checkModelName(text.slice(0, at)), alias: checkAlias(text.slice(at + 1)) };
  if (slash >= 0) {
    const name = checkModelName(text.slice(0, slash)), version = text.slice(slash + 1);
    if (!/^[1-9][0-9]{0,8}$/.test(version)) {
      throw new ConfigError(`Model reference "${text}": the version after / must be a whole number from 1, got "${version}"`, { value: text });
    }
    return { name, version: Number(version) };
  }
  if (options.needVersion) throw new ConfigError(`Model reference "${text}" names no version: give ${text}@ALIAS or ${text}/VERSION`, { value: text });
  return { name: checkModelName(text) };
}
