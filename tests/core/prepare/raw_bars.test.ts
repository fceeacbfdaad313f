import { describe, expect, it } from "vitest";
import { looksLikeRawBars } from "../../../core/prepare/raw_bars.ts";

const BARS = ["datetime", "symbol", "open", "high", "low", "close", "volume"];

describe("looksLikeRawBars", () => {
  it("says yes for datetime, symbol and OHLCV, in any order and with extra columns", () => {
    expect(looksLikeRawBars(BARS)).toBe(true);
    expect(looksLikeRawBars(["volume", "trades", ...BARS.slice(0, 6)])).toBe(true);
  });

  it("says no when a bar column is missing or the file already has labels", () => {
    expect(looksLikeRawBars(BARS.filter((c) => c !== "volume"))).toBe(false);
    expect(looksLikeRawBars([...BARS, "label_h5"])).toBe(false);
    expect(looksLikeRawBars(["datetime", "symbol", "f_000", "label_h5"])).toBe(false);
  });

  it("reads the configured column names", () => {
    const names = { datetime: "ts", symbol: "ticker", open: "o", high: "h", low: "l", close: "c", volume: "v" };
    expect(looksLikeRawBars(["ts", "ticker", "o", "h", "l", "c", "v"], names)).toBe(true);
    expect(looksLikeRawBars(BARS, names)).toBe(false);
  });
});
