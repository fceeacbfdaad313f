import { PrepareConfig } from "./config.ts";

const LABEL = /^label_h\d+$/;

/** The bar column names of the default prepare config (datetime, symbol, open, high, low, close, volume). */
export const DEFAULT_BAR_COLUMNS: PrepareConfig["columns"] = PrepareConfig.parse({}).columns;

/**
 * Whether a file's columns are raw OHLCV bars, the input of `prepare`, rather than prepared splits: every bar column
 * (under the configured names) is there and no `label_h<H>` column is. A page uses it to offer the prepare step instead
 * of calling open/high/low/close/volume "5 features, no labels".
 * @example looksLikeRawBars(["datetime", "symbol", "open", "high", "low", "close", "volume"]) // true
 */
export function looksLikeRawBars(columns: readonly string[], names: PrepareConfig["columns"] = DEFAULT_BAR_COLUMNS): boolean {
  const present = new Set(columns);
  return Object.values(names).every((name) => present.has(name)) && !columns.some((c) => LABEL.test(c));
}
