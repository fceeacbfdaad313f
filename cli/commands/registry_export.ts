import { join } from "node:path";
import { ConfigError, NotFoundError } from "../../core/errors.ts";
import { EXPORT_FILE, exportVersion } from "../../core/model_registry/export_folder.ts";
import { importVersion } from "../../core/model_registry/import_folder.ts";
import { parseModelRef } from "../../core/model_registry/names.ts";
import { resolveVersion } from "../../core/model_registry/read.ts";
import { registry as plugins } from "../../models/index.ts";
import { required } from "../args.ts";
import { writeAtomic } from "../write_atomic.ts";
import { CREATED_BY, parseSub, parseTags, report } from "./registry_args.ts";

/** Usage of `mf registry export`. */
export const exportUsage = "mf registry export NAME@ALIAS|NAME/VERSION --out DIR\n" +
  "     (a self-contained folder: model.json + weights.bin or trees.json, preprocess.json, signature.json, README.md on scoring it without Model Factory)";
/** Usage of `mf registry import`. */
export const importUsage = "mf registry import DIR [--name NAME] [--alias A ...] [--tag k=v ...] [--description TEXT]\n" +
  "     (DIR: a folder written by mf registry export; it becomes the next version of NAME, by default the name it was exported under)";

/** `mf registry export`: one version as a folder that scores without the toolkit. */
export async function exportCommand(args: string[]): Promise<void> {
  const { values: f, positionals, store } = parseSub("export", args, { out: { type: "string" } }, ["NAME@ALIAS|NAME/VERSION"], exportUsage);
  if (f.help) return console.log(exportUsage);
  const out = required("registry export", "out", f.out);
  const ref = parseModelRef(positionals[0], { needVersion: true });
  const version = await resolveVersion(store, ref);
  const exported = await exportVersion(store, ref.name, version, plugins);
  await checkOut(out);
  const names = Object.keys(exported.files).sort();
  for (const name of names) await writeAtomic(join(out, name), exported.files[name]);
  const plain = exported.kind === "trees" || exported.customLayers.length === 0;
  const how = exported.kind === "trees"
    ? "trees.json (README.md: the format and a tree walk)"
    : plain
    ? "a tfjs layers model that plain tfjs loads (README.md: how)"
    : `a tfjs model with Model Factory's own layers (${exported.customLayers.join(", ")}): plain tfjs cannot load it without them`;
  report(f.json, `Exported ${ref.name}/${version} to ${out}: ${names.join(", ")}; ${how}`, {
    name: ref.name,
    version,
    out,
    kind: exported.kind,
    plain_tfjs: exported.kind === "network" ? plain : undefined,
    custom_layers: exported.customLayers,
    files: names,
  });
}

/** `mf registry import`: an exported folder becomes the next version of a registered model. */
export async function importCommand(args: string[]): Promise<void> {
  const flags = {
    name: { type: "string" },
    alias: { type: "string", multiple: true },
    tag: { type: "string", multiple: true },
    description: { type: "string" },
    note: { type: "string" },
  } as const;
  const { values: f, positionals, store } = parseSub("import", args, flags, ["DIR"], importUsage);
  if (f.help) return console.log(importUsage);
  const dir = positionals[0];
  const files: Record<string, Uint8Array> = {};
  try {
    for await (const entry of Deno.readDir(dir)) if (entry.isFile) files[entry.name] = await Deno.readFile(join(dir, entry.name));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) throw new NotFoundError(`No folder ${dir} to import`);
    throw error;
  }
  const result = await importVersion(store, files, dir, {
    name: f.name,
    aliases: f.alias,
    tags: parseTags(f.tag),
    description: f.description,
    note: f.note ?? "imported",
    createdBy: CREATED_BY,
  });
  report(
    f.json,
    `Imported ${dir} as ${result.name}/${result.version}${result.aliases.length ? ` (${result.aliases.map((a) => `@${a}`).join(", ")})` : ""} in ${
      store.location(result.name)
    }`,
    result,
  );
}

/** The export folder must be new, empty, or an earlier export (whose files are replaced): never someone's other files. */
async function checkOut(out: string): Promise<void> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(out)) names.push(entry.name);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return;
    throw error;
  }
  if (names.length && !names.includes(EXPORT_FILE)) {
    throw new ConfigError(`--out ${out} is a folder with other files (${names.slice(0, 5).join(", ")}); give a new or empty folder, or an earlier export`, {
      key: "out",
      value: out,
    });
  }
  // an earlier export of another kind (trees after a network) must not leave its model files behind
  for (const name of names) await Deno.remove(join(out, name), { recursive: true });
}
