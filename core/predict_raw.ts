import type { Frame } from "./data/frame.ts";
import { NotFoundError } from "./errors.ts";
import type { ByteSource, RunReader } from "./platform.ts";
import { barsToFrame } from "./prepare/apply.ts";
import { readBars } from "./prepare/bars.ts";
import { PrepareManifest } from "./prepare/manifest.ts";
import { readRunJson } from "./train/run_record.ts";

/** The file a run keeps when it was trained on splits made by `prepare`: the recipe that turns raw bars into its features. */
export const PREPARE_FILE = "prepare.json";

/** Whether a stored run (or a registered version's copy of it) keeps a prepare.json, so raw bars can be scored with it. */
export async function hasPrepareRecipe(reader: RunReader, runId: string): Promise<boolean> {
  return (await reader.files(runId)).includes(PREPARE_FILE);
}

/**
 * Raw OHLCV bars -> the unlabelled frame a run's model scores: the features, warm-up and scaler of the prepare.json
 * the run was trained with (`mf predict --raw`, the Predict page's "raw OHLCV bars"). A run without one is a
 * NotFoundError saying why.
 * @example const { windows, probs } = await predictFrame(loaded, await rawBarsFrame(store, runId, source));
 */
export async function rawBarsFrame(reader: RunReader, runId: string, input: ByteSource): Promise<Frame> {
  if (!(await hasPrepareRecipe(reader, runId))) {
    throw new NotFoundError(
      `Run ${runId} has no ${PREPARE_FILE}: it was not trained on splits made by mf prepare (or the app's prepare step), so raw bars cannot be turned into its features`,
    );
  }
  const manifest = await readRunJson(reader, runId, PREPARE_FILE, PrepareManifest);
  return barsToFrame(await readBars(input, manifest.config), manifest);
}
