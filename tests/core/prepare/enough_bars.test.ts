import { describe, expect, it } from "vitest";
import type { Bars } from "../../../core/prepare/bars.ts";
import { PrepareConfig } from "../../../core/prepare/config.ts";
import { prepareBars } from "../../../core/prepare/prepare.ts";
import { DataError } from "../../../core/errors.ts";

const BAR = 300_000;

/** `n` smooth bars of one symbol (every feature defined after its warm-up). */
function bars(n: number): Bars {
  const f = (fill: (i: number) => number) => Float64Array.from({ length: n }, (_, i) => fill(i));
  const close = f((i) => 100 * Math.exp(0.01 * Math.sin(i / 3)));
  return {
    source: "bars.parquet",
    rows: n,
    symbols: ["A"],
    symbol: new Int32Array(n),
    time: f((i) => Date.UTC(2025, 0, 1) + i * BAR),
    open: close,
    high: f((i) => close[i] * 1.002),
    low: f((i) => close[i] * 0.998),
    close,
    volume: f(() => 10),
    segments: Int32Array.of(0, n),
    barMs: BAR,
    gaps: { count: 0 },
  };
}

// warm-up 20 bars (the 20-bar volatility), horizons 3 and 7 (purge 7 by default), embargo 4, fractions 70/15/15
const config = PrepareConfig.parse({
  features: { volatility: [20], volume_z: [], rsi: [], ema_gaps: [], atr: [], moments: [], log_returns: [1], macd: null, range: false, calendar: false },
  labels: { horizons: [3, 7], k: { "3": 1, "7": 1 }, vol_window: 10 },
  split: { embargo: 4 },
});

describe("prepareBars on too few bars", () => {
  it("fails naming the empty split and the bars the settings need (warm-up, purge, embargo, horizon), instead of writing empty splits", () => {
    const error = (() => {
      try {
        prepareBars(bars(50), config);
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error).toBeInstanceOf(DataError);
    expect(error!.message).toMatch(/^bars\.parquet: too few bars for these settings: the (train|val|test) split has no/);
    // train needs warm-up + purge + 1, val embargo + purge + 1, test embargo + horizon + 1
    expect(error!.message).toMatch(/\(train >= 28, val >= 12, test >= 12 bars\)/);
    expect(error!.message).toMatch(
      /a feature warm-up of 20 bars, the purge \(7\) before and the embargo \(4\) after each split boundary, and the horizon \(7\)/,
    );
    expect(error!.message).toMatch(/The longest symbol here, A, has 50 bars$/);
  });

  it("accepts the number of bars it names as the minimum", () => {
    const need = Number(
      /needs at least (\d+) bars/.exec((() => {
        try {
          prepareBars(bars(50), config);
        } catch (e) {
          return (e as Error).message;
        }
        return "";
      })())?.[1],
    );
    expect(need).toBeGreaterThan(50);
    const { tables } = prepareBars(bars(need), config);
    for (const split of ["train", "val", "test"] as const) expect(tables[split].rows, split).toBeGreaterThan(0);
  });
});
