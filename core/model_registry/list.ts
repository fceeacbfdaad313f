import { DataError } from "../errors.ts";
import { readModel, versionNumbers } from "./read.ts";
import type { RegistryReader } from "./store.ts";

/** One model in the registry's list. */
export interface ModelSummary {
  name: string;
  description: string;
  tags: Record<string, string>;
  /** Version numbers there, ascending. */
  versions: number[];
  /** alias -> version. */
  aliases: Record<string, number>;
  updated_at: string;
}

/**
 * Every registered model the reader holds, by name. A model whose record is corrupt is left out with a
 * line in `problems` naming its file, so the rest of the registry still reads.
 *
 * @example
 * ```ts
 * const { models, problems } = await listModels(store);
 * ```
 */
export async function listModels(reader: RegistryReader): Promise<{ models: ModelSummary[]; problems: string[] }> {
  const models: ModelSummary[] = [], problems: string[] = [];
  for (const name of await reader.list()) {
    try {
      const model = await readModel(reader, name);
      models.push({
        name,
        description: model.description,
        tags: model.tags,
        versions: versionNumbers(await reader.files(name)),
        aliases: model.aliases,
        updated_at: model.updated_at,
      });
    } catch (error) {
      if (!(error instanceof DataError)) throw error;
      problems.push(error.message);
    }
  }
  return { models, problems };
}
