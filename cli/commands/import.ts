import { basename, join } from "node:path";
import { copyRuns } from "../../core/bundle/copy_runs.ts";
import { decodeBundle } from "../../core/bundle/decode.ts";
import { BUNDLE_FILE } from "../../core/bundle/format.ts";
import { bundleBytes } from "../../core/bundle/html.ts";
import { BundleRunReader } from "../../core/bundle/reader.ts";
import { ConfigError, NotFoundError } from "../../core/errors.ts";
import { parseFlags } from "../args.ts";
import { DiskRunStore } from "../disk_store.ts";

const flags = { runs: { type: "string" }, json: { type: "boolean" } } as const;

/** Usage of `mf import`. */
export const importUsage = `mf import BUNDLE [--runs experiments/runs] [--json]
     (BUNDLE: an exported site folder, a single-file export (.html) or a bundle file (${BUNDLE_FILE}, or the app's
      download); runs whose id is already in --runs are skipped, never overwritten)`;

/** `mf import`: copies the runs of a bundle into a runs folder. */
export async function importCommand(args: string[]): Promise<void> {
  const positional = args[0] !== undefined && !args[0].startsWith("-");
  const path = positional ? args[0] : undefined;
  const rest = positional ? args.slice(1) : args;
  const f = parseFlags("import", rest, flags);
  if (f.help) return console.log(importUsage);
  if (!path) throw new ConfigError(`mf import: name the bundle to import: ${importUsage.split("\n")[0]}`, { key: "BUNDLE" });
  const file = await bundlePath(path);
  const bytes = await bundleBytes(await Deno.readFile(file), file);
  const reader = new BundleRunReader(decodeBundle(bytes, file));
  const root = f.runs ?? join("experiments", "runs");
  const ids = await reader.list();
  console.log(
    `Importing ${ids.length} run(s) from ${file} into ${root} (made ${reader.header.created_at} by ${reader.header.created_by}${
      reader.header.contents.models ? "" : "; without model files, so these runs cannot predict"
    })`,
  );
  const result = await copyRuns(reader, new DiskRunStore(root), {
    onRun: (id, copied) => console.log(`  ${copied ? "imported" : "skipped "} ${id}${copied ? "" : " (already there, left as it is)"}`),
  });
  console.log(`Imported ${result.imported.length} run(s), skipped ${result.skipped.length}.`);
  if (f.json) console.log(JSON.stringify({ imported: result.imported, skipped: result.skipped, runs: root }));
}

/** The bundle file of a path: the path itself, or runs.mfbundle in an exported site folder. */
async function bundlePath(path: string): Promise<string> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) throw new NotFoundError(`No bundle at ${path}`);
    throw error;
  }
  if (!info.isDirectory) return path;
  const inside = join(path, BUNDLE_FILE);
  if (await Deno.stat(inside).then(() => true, () => false)) return inside;
  throw new NotFoundError(
    `${path} is a folder without ${BUNDLE_FILE}: give an exported site folder, a single-file export or a bundle file (${basename(path)} is none of these)`,
  );
}
