import { join } from "node:path";
import { DataError } from "../core/errors.ts";

/** The three split files: named one by one, or found as train*, val*, test* .parquet in --data. */
export async function splitPaths(f: { data?: string; train?: string; val?: string; test?: string }): Promise<Record<"train" | "val" | "test", string>> {
  const named = { train: f.train, val: f.val, test: f.test };
  if (!f.data) {
    const missing = Object.entries(named).filter(([, v]) => !v).map(([k]) => `--${k}`);
    if (missing.length) throw new DataError(`mf train: give --data DIR, or all of --train, --val, --test (missing ${missing.join(", ")})`);
    return named as Record<"train" | "val" | "test", string>;
  }
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(f.data)) if (entry.isFile) names.push(entry.name);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new DataError(`Data not found: ${f.data} (expected a directory of split files, or one .parquet file)`, { file: f.data });
    }
    throw error;
  }
  const out = {} as Record<"train" | "val" | "test", string>;
  for (const split of ["train", "val", "test"] as const) {
    if (named[split]) {
      out[split] = named[split]!;
      continue;
    }
    const matches = names.filter((n) => n.startsWith(split) && n.endsWith(".parquet")).sort();
    if (matches.length !== 1) {
      throw new DataError(
        `${f.data}: expected one ${split}*.parquet file, found ${matches.length ? matches.join(", ") : "none"} (files: ${names.join(", ") || "none"})`,
        { file: f.data },
      );
    }
    out[split] = join(f.data, matches[0]);
  }
  return out;
}
