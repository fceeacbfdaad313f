import { z } from "zod";

/** The Train page's settings as the page keeps them across reloads, and the names of the files they were used with. */
export const SavedTrainSettings = z.object({
  model: z.string(),
  layout: z.enum(["splits", "one", "raw"]),
  params: z.record(z.string(), z.unknown()),
  dataset: z.record(z.string(), z.unknown()),
  trainer: z.record(z.string(), z.unknown()),
  /** The prepare settings of raw bars (the raw layout's forms), when they were edited. */
  prepare: z.record(z.string(), z.unknown()).optional(),
  /** The files last opened (a page cannot reopen them by itself: it says which to pick again). */
  files: z.array(z.string()),
});
/** Parsed saved settings. */
export type SavedTrainSettings = z.output<typeof SavedTrainSettings>;

/** The localStorage key (one per origin, like the run store's database). */
export const SETTINGS_KEY = "model-factory:train-settings";

/** The settings saved by the last visit, or undefined when none were saved or what was saved does not read (it is then dropped, with a warning). */
export function loadTrainSettings(storage: Storage | undefined = globalThis.localStorage): SavedTrainSettings | undefined {
  const text = storage?.getItem(SETTINGS_KEY);
  if (!text) return undefined;
  let parsed;
  try {
    parsed = SavedTrainSettings.safeParse(JSON.parse(text));
  } catch (error) {
    parsed = { success: false as const, error };
  }
  if (parsed.success) return parsed.data;
  console.warn(`Saved Train settings (localStorage ${SETTINGS_KEY}) do not read and are dropped: ${(parsed.error as Error).message}`);
  storage?.removeItem(SETTINGS_KEY);
  return undefined;
}

/** Saves the Train page's settings; a full or blocked storage costs only this convenience, so it warns instead of failing the page. */
export function saveTrainSettings(settings: SavedTrainSettings, storage: Storage | undefined = globalThis.localStorage): void {
  try {
    storage?.setItem(SETTINGS_KEY, JSON.stringify(settings));
  } catch (error) {
    console.warn(`Train settings not saved (localStorage ${SETTINGS_KEY}): ${(error as Error).message}`);
  }
}
