import { afterEach, describe, expect, it, vi } from "vitest";
import { loadTrainSettings, saveTrainSettings, SETTINGS_KEY } from "../../../web/train/saved_settings.ts";

/** The part of Storage the settings use, in memory; `full` makes setItem throw as a full or blocked storage does. */
function memoryStorage(full = false): Storage {
  const items = new Map<string, string>();
  return {
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => {
      if (full) throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
      items.set(key, value);
    },
    removeItem: (key: string) => void items.delete(key),
    clear: () => items.clear(),
    key: (i: number) => [...items.keys()][i] ?? null,
    get length() {
      return items.size;
    },
  };
}

const settings = {
  model: "neural:mlp",
  layout: "splits" as const,
  params: { hidden: [32] },
  dataset: { horizon: 20 },
  trainer: { epochs: 5000, patience: 0 },
  files: ["train.parquet", "val.parquet", "test.parquet"],
};

afterEach(() => vi.restoreAllMocks());

describe("Train settings kept across reloads", () => {
  it("reads back what was saved", () => {
    const storage = memoryStorage();
    expect(loadTrainSettings(storage)).toBeUndefined();
    saveTrainSettings(settings, storage);
    expect(loadTrainSettings(storage)).toEqual(settings);
  });

  it("drops saved settings that do not read, with a warning naming the key", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const storage = memoryStorage();
    storage.setItem(SETTINGS_KEY, "{not json");
    expect(loadTrainSettings(storage)).toBeUndefined();
    storage.setItem(SETTINGS_KEY, JSON.stringify({ ...settings, layout: "sideways" }));
    expect(loadTrainSettings(storage)).toBeUndefined();
    expect(storage.getItem(SETTINGS_KEY)).toBeNull();
    expect(warn).toHaveBeenCalledTimes(2);
    expect(String(warn.mock.calls[1][0])).toContain(`localStorage ${SETTINGS_KEY}`);
  });

  it("warns instead of failing when the storage is full", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    expect(() => saveTrainSettings(settings, memoryStorage(true))).not.toThrow();
    expect(String(warn.mock.calls[0][0])).toContain("The quota has been exceeded.");
  });
});
