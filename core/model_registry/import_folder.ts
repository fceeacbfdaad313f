import { z } from "zod";
import { RunId } from "../bundle/format.ts";
import { DataError } from "../errors.ts";
import { RunRecord } from "../train/run_record.ts";
import { EXPORT_FILE, EXPORT_FORMAT } from "./export_folder.ts";
import { ModelVersion } from "./records.ts";
import { type Registered, registerFiles, type RegisterOptions } from "./register.ts";
import type { RegistryStore } from "./store.ts";

/** registry.json of an exported folder. */
const ExportRecord = z.looseObject({
  format: z.literal(EXPORT_FORMAT),
  name: z.string(),
  version: z.number().int(),
  /** The model's file names in the folder (model.json and weights.bin, or trees.json): plain names, never a path. */
  model_files: z.array(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "a plain file name")).min(1),
  record: ModelVersion,
  run: RunRecord.extend({ id: RunId }),
});

/**
 * Makes an exported folder (files by name, as `exportVersion` wrote them) a new version of a registered model:
 * of `options.name`, or of the name it was exported under. The lineage is kept, with `imported_from` naming
 * the model and version it was. A folder that is no export, or lacks one of its files, is a DataError naming
 * `folder` and the file.
 */
export async function importVersion(
  store: RegistryStore,
  files: Record<string, Uint8Array>,
  folder: string,
  options: Omit<RegisterOptions, "name"> & { name?: string },
): Promise<Registered> {
  const bytes = files[EXPORT_FILE];
  if (!bytes) throw new DataError(`${folder} has no ${EXPORT_FILE}: it is not a folder written by mf registry export`, { file: folder });
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch (cause) {
    throw new DataError(`${folder}/${EXPORT_FILE} is not valid JSON: ${(cause as Error).message}`, { file: `${folder}/${EXPORT_FILE}` });
  }
  const parsed = ExportRecord.safeParse(json);
  if (!parsed.success) throw new DataError(`${folder}/${EXPORT_FILE} is malformed:\n${z.prettifyError(parsed.error)}`, { file: `${folder}/${EXPORT_FILE}` });
  const exported = parsed.data;
  const needed = [...exported.model_files, "preprocess.json", ...(exported.record.prepare ? ["prepare.json"] : [])];
  const missing = needed.filter((name) => !files[name]);
  if (missing.length) throw new DataError(`${folder} lacks ${missing.join(", ")}, which its ${EXPORT_FILE} lists`, { file: folder });
  const { record, run } = exported;
  const at = new Date(options.now ?? Date.now()).toISOString();
  return registerFiles(store, {
    ...options,
    name: options.name ?? exported.name,
    tags: { ...record.tags, ...options.tags },
    runIds: [run.id],
    lineage: { ...record.lineage, imported_from: { name: exported.name, version: exported.version, at } },
    signature: record.signature,
    prepare: record.prepare,
    read: async (write) => {
      await write(run.id, "run.json", new TextEncoder().encode(JSON.stringify(run, null, 2) + "\n"));
      for (const name of exported.model_files) await write(run.id, `model/${name}`, files[name]);
      await write(run.id, "model/preprocess.json", files["preprocess.json"]);
      if (record.prepare) await write(run.id, "prepare.json", files["prepare.json"]);
    },
  });
}
