import { describe, expect, it } from "vitest";
import { synthBars } from "../../../core/data/synth_bars.ts";

const col = (name: string, columns = synthBars({ symbols: 2, rows: 500, seed: 3 })) =>
  Array.from(columns.find((c) => c.name === name)!.data as ArrayLike<number>);

describe("synthBars", () => {
  it("writes datetime, symbol and OHLCV per symbol, time-ordered without gaps, with valid prices", () => {
    const columns = synthBars({ symbols: 2, rows: 500, seed: 3 });
    expect(columns.map((c) => c.name)).toEqual(["datetime", "symbol", "open", "high", "low", "close", "volume"]);
    const time = col("datetime", columns), symbol = Array.from(columns[1].data as ArrayLike<string>);
    expect(time).toHaveLength(1000);
    expect([...new Set(symbol)]).toEqual(["SYM00", "SYM01"]);
    expect(time[1] - time[0]).toBe(300_000);
    expect(time[500]).toBe(time[0]);
    const [open, high, low, close, volume] = ["open", "high", "low", "close", "volume"].map((c) => col(c, columns));
    for (let i = 0; i < 1000; i++) {
      expect(high[i]).toBeGreaterThanOrEqual(Math.max(open[i], close[i]));
      expect(low[i]).toBeLessThanOrEqual(Math.min(open[i], close[i]));
      expect(low[i]).toBeGreaterThan(0);
      expect(volume[i]).toBeGreaterThan(0);
      // each bar opens at the previous close within a symbol
      if (i % 500) expect(open[i]).toBe(close[i - 1]);
    }
  });

  it("is seeded: the same seed gives the same bars, another seed others", () => {
    expect(col("close", synthBars({ rows: 300, seed: 5 }))).toEqual(col("close", synthBars({ rows: 300, seed: 5 })));
    expect(col("close", synthBars({ rows: 300, seed: 6 }))).not.toEqual(col("close", synthBars({ rows: 300, seed: 5 })));
  });

  it("has a persistent drift: the last 24 bars' return predicts the next 12 bars' direction", () => {
    const close = col("close", synthBars({ symbols: 1, rows: 40_000, seed: 9 }));
    let agree = 0, total = 0;
    for (let t = 24; t + 12 < close.length; t += 12) {
      const past = Math.log(close[t] / close[t - 24]), next = Math.log(close[t + 12] / close[t]);
      if (past !== 0 && next !== 0) [agree, total] = [agree + (Math.sign(past) === Math.sign(next) ? 1 : 0), total + 1];
    }
    // a pure random walk agrees half the time (0.5 +- 0.01 over ~3,300 pairs)
    expect(agree / total).toBeGreaterThan(0.55);
  });

  it("refuses a non-positive or fractional size, naming it", () => {
    expect(() => synthBars({ rows: 0 })).toThrow("synthBars: rows must be a positive integer, got 0");
    expect(() => synthBars({ symbols: 1.5 })).toThrow("symbols must be a positive integer, got 1.5");
  });
});
