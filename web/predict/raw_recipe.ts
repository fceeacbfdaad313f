import { parseModelRef } from "../../core/model_registry/names.ts";
import { readVersion, resolveVersion } from "../../core/model_registry/read.ts";
import type { RegistryReader } from "../../core/model_registry/store.ts";
import { VersionRunReader } from "../../core/model_registry/version_reader.ts";
import type { RunReader } from "../../core/platform.ts";
import { hasPrepareRecipe, PREPARE_FILE } from "../../core/predict_raw.ts";

/**
 * Why a run or registered version cannot score raw bars, or "" when it can: it must keep the prepare.json of the splits it
 * was trained on (`mf prepare`, or the Train page's raw layout), which turns raw bars into its features.
 */
export async function rawBarsBlocker(
  chosen: { run: string } | { model: string },
  reader: RunReader | undefined,
  registry: RegistryReader | undefined,
): Promise<string> {
  if ("run" in chosen) {
    if (!reader) return "no run store";
    return (await hasPrepareRecipe(reader, chosen.run)) ? "" : `run ${chosen.run} has no ${PREPARE_FILE}: it was not trained on splits prepared from raw bars`;
  }
  if (!registry) return "no model registry";
  const ref = parseModelRef(chosen.model, { needVersion: true });
  const version = await readVersion(registry, ref.name, await resolveVersion(registry, ref));
  const copy = new VersionRunReader(registry, ref.name, version.version);
  return (await hasPrepareRecipe(copy, version.run_id))
    ? ""
    : `${ref.name}/${version.version} has no ${PREPARE_FILE}: its run was not trained on splits prepared from raw bars`;
}
