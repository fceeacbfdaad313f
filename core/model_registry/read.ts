import { z } from "zod";
import { DataError, NotFoundError } from "../errors.ts";
import type { ModelRef } from "./names.ts";
import { ModelVersion, RegisteredModel } from "./records.ts";
import { MODEL_FILE, type RegistryReader, VERSION_FILE, versionPath } from "./store.ts";

const decoder = new TextDecoder();

/** Reads one JSON file of a model with `schema`; a malformed file is a DataError naming where it is. */
export async function readRegistryJson<S extends z.ZodType>(reader: RegistryReader, name: string, path: string, schema: S): Promise<z.output<S>> {
  const where = `${reader.location(name)}/${path}`;
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(await reader.read(name, path)));
  } catch (cause) {
    if (cause instanceof NotFoundError) throw cause;
    throw new DataError(`Registry record ${where} is not valid JSON: ${(cause as Error).message}`, { file: where });
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new DataError(`Registry record ${where} is malformed:\n${z.prettifyError(parsed.error)}`, { file: where });
  return parsed.data;
}

/** The model's files, or an empty list when the store has no such model. */
export async function modelFiles(reader: RegistryReader, name: string): Promise<string[]> {
  try {
    return await reader.files(name);
  } catch (error) {
    if (error instanceof NotFoundError) return [];
    throw error;
  }
}

/** The version numbers whose version.json is in `files` (a version cut short before its record was written is not one), ascending. */
export function versionNumbers(files: readonly string[]): number[] {
  const out = new Set<number>();
  for (const path of files) {
    const m = /^versions\/([1-9][0-9]*)\/([^/]+)$/.exec(path);
    if (m && m[2] === VERSION_FILE) out.add(Number(m[1]));
  }
  return [...out].sort((a, b) => a - b);
}

/** The highest version number any folder under versions/ has, complete or not (0 when none). */
export function highestVersionFolder(files: readonly string[]): number {
  let high = 0;
  for (const path of files) {
    const m = /^versions\/([1-9][0-9]*)\//.exec(path);
    if (m) high = Math.max(high, Number(m[1]));
  }
  return high;
}

/** Names of the models a reader holds, for "what exists" in messages. */
async function namesText(reader: RegistryReader): Promise<string> {
  const names = await reader.list();
  return names.length ? `models: ${names.join(", ")}` : "the registry is empty";
}

/** A model's record; an unknown name is a NotFoundError listing the models there, a corrupt record a DataError naming its file. */
export async function readModel(reader: RegistryReader, name: string): Promise<RegisteredModel> {
  const files = await modelFiles(reader, name);
  if (!files.includes(MODEL_FILE)) throw new NotFoundError(`No registered model "${name}" (${await namesText(reader)})`);
  return readRegistryJson(reader, name, MODEL_FILE, RegisteredModel);
}

/** A model's versions that read, and a line naming each version record that does not (the rest still read). */
export async function readVersions(reader: RegistryReader, name: string): Promise<{ versions: ModelVersion[]; problems: string[] }> {
  const versions: ModelVersion[] = [], problems: string[] = [];
  for (const n of versionNumbers(await modelFiles(reader, name))) {
    try {
      versions.push(await readVersion(reader, name, n));
    } catch (error) {
      if (!(error instanceof DataError)) throw error;
      problems.push(error.message);
    }
  }
  return { versions, problems };
}

/** Version `n`'s record; a record that names another model or number is a DataError too. */
export async function readVersion(reader: RegistryReader, name: string, version: number): Promise<ModelVersion> {
  const path = versionPath(version, VERSION_FILE);
  const record = await readRegistryJson(reader, name, path, ModelVersion);
  if (record.name !== name || record.version !== version) {
    throw new DataError(`Registry record ${reader.location(name)}/${path} is ${record.name}/${record.version}, not ${name}/${version}`, { file: path });
  }
  return record;
}

/**
 * The version a reference points at: `NAME/VERSION` or `NAME@ALIAS`. An unknown model, alias or version
 * is a NotFoundError listing what exists (models, aliases with their versions, version numbers).
 */
export async function resolveVersion(reader: RegistryReader, ref: ModelRef): Promise<number> {
  const model = await readModel(reader, ref.name);
  const numbers = versionNumbers(await reader.files(ref.name));
  const have = numbers.length ? `versions: ${numbers.join(", ")}` : "it has no versions";
  if (ref.alias !== undefined) {
    const target = model.aliases[ref.alias];
    if (target === undefined) {
      const aliases = Object.entries(model.aliases).map(([a, v]) => `${a} -> ${v}`);
      throw new NotFoundError(`Model "${ref.name}" has no alias "${ref.alias}" (${aliases.length ? `aliases: ${aliases.join(", ")}` : "it has no aliases"})`);
    }
    if (!numbers.includes(target)) throw new NotFoundError(`Alias ${ref.name}@${ref.alias} points at version ${target}, which is not there (${have})`);
    return target;
  }
  if (ref.version === undefined) throw new TypeError(`resolveVersion: "${ref.name}" names no version`);
  if (!numbers.includes(ref.version)) throw new NotFoundError(`Model "${ref.name}" has no version ${ref.version} (${have})`);
  return ref.version;
}

/** The aliases pointing at `version`, sorted. */
export function aliasesOf(model: RegisteredModel, version: number): string[] {
  return Object.entries(model.aliases).filter(([, v]) => v === version).map(([a]) => a).sort();
}
