import { DataError } from "../core/errors.ts";

/** Reads a JSON file; a missing file or bad JSON is a DataError naming it. */
export async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) throw new DataError(`Config file not found: ${path}`, { file: path });
    throw error;
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new DataError(`${path} is not valid JSON: ${(error as Error).message}`, { file: path });
  }
}
