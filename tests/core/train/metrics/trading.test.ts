import { describe, expect, it } from "vitest";
import { normalCdf } from "../../../../core/train/metrics/sharpe_stats.ts";
import { equityCurve, finiteOrNull, type TradingInput, type TradingMetrics, tradingMetrics } from "../../../../core/train/metrics/trading.ts";

interface Case {
  name: string;
  horizon: number;
  pred: number[];
  payoff: number[];
  time: number[];
  symbol: number[];
  expected: Omit<TradingMetrics, "profit_factor"> & {
    profit_factor: number | "Infinity";
    curve: { time: number[]; equity: number[]; drawdown: number[] };
  };
}

// Loaded at runtime (vite handles .json) so the typecheck needs no resolveJsonModule.
const fixtureUrl = new URL("../../../fixtures/metrics/trading.json", import.meta.url).href;
const fixture: { cases: Case[] } = (await import(/* @vite-ignore */ fixtureUrl)).default;

const HOUR = 3_600_000;
const HOURS_PER_YEAR = 365.25 * 24;
const KEYS = ["sharpe", "max_drawdown", "win_rate", "profit_factor", "n_trades", "turnover", "total_return", "exposure", "n_bars"] as const;

/** Cases of sharpe_stats.json: trading inputs with the per-bar Sharpe and scipy's skew and kurtosis of their bar returns. */
interface ShapeCase {
  name: string;
  horizon: number;
  pred: number[];
  payoff: number[];
  time: number[];
  symbol: number[];
  expected: { sharpe_per_bar: number; skew: number | null; kurtosis: number | null; psr: number | null; n_bars: number };
}
const sharpeUrl = new URL("../../../fixtures/metrics/sharpe_stats.json", import.meta.url).href;
const sharpeFixture: { trading: ShapeCase[]; series: { name: string; returns: number[]; sample: { sr: number; skew: number; kurtosis: number } }[] } =
  (await import(/* @vite-ignore */ sharpeUrl)).default;

/** |a - b| <= rel * max(|a|, |b|), with a 1e-12 floor so values that should be 0 may round to ~1e-17. */
function expectClose(actual: number, expected: number, rel: number, what: string): void {
  if (!Number.isFinite(expected)) return void expect(actual, what).toBe(expected);
  const tol = Math.max(rel * Math.max(Math.abs(actual), Math.abs(expected)), 1e-12);
  expect(Math.abs(actual - expected), `${what}: got ${actual}, expected ${expected}`).toBeLessThanOrEqual(tol);
}

function inputOf(c: Pick<Case, "pred" | "payoff" | "time" | "symbol" | "horizon">): TradingInput {
  return {
    pred: Int8Array.from(c.pred),
    payoff: Float64Array.from(c.payoff),
    time: Float64Array.from(c.time),
    symbol: Int32Array.from(c.symbol),
    horizon: c.horizon,
  };
}

function expectMetrics(actual: TradingMetrics, expected: Case["expected"], label: string): void {
  for (const key of KEYS) {
    const want = expected[key] === "Infinity" ? Infinity : (expected[key] as number);
    expectClose(actual[key], want, 1e-9, `${label} ${key}`);
  }
}

/** Input from one row per sample: [pred, payoff, hour, symbol]. */
function rows(horizon: number, data: [number, number, number, number][]): TradingInput {
  return {
    pred: data.map((r) => r[0]),
    payoff: data.map((r) => r[1]),
    time: data.map((r) => r[2] * HOUR),
    symbol: data.map((r) => r[3]),
    horizon,
  };
}

describe("tradingMetrics against the independent numpy reference", () => {
  it("has the fixture cases", () => expect(fixture.cases.length).toBeGreaterThanOrEqual(9));

  for (const c of fixture.cases) {
    it(`every metric matches the reference: ${c.name}`, () => {
      expectMetrics(tradingMetrics(inputOf(c)), c.expected, c.name);
    });
  }

  it("equityCurve matches the reference curve on every case", () => {
    for (const c of fixture.cases) {
      const curve = equityCurve(inputOf(c));
      expect(Array.from(curve.time), c.name).toEqual(c.expected.curve.time);
      c.expected.curve.equity.forEach((e, t) => expectClose(curve.equity[t], e, 1e-9, `${c.name} equity[${t}]`));
      c.expected.curve.drawdown.forEach((d, t) => expectClose(curve.drawdown[t], d, 1e-9, `${c.name} drawdown[${t}]`));
    }
  });

  it("gives the same metrics whatever order the samples come in", () => {
    const c = fixture.cases.find((x) => x.name.startsWith("ret payoff, 4 symbols"))!;
    // A fixed reversal-and-interleave permutation: symbols no longer contiguous, times descending.
    const n = c.pred.length;
    const perm = Array.from({ length: n }, (_, i) => (i % 2 ? i >> 1 : n - 1 - (i >> 1)));
    const shuffled: Case = {
      ...c,
      pred: perm.map((i) => c.pred[i]),
      payoff: perm.map((i) => c.payoff[i]),
      time: perm.map((i) => c.time[i]),
      symbol: perm.map((i) => c.symbol[i]),
    };
    expectMetrics(tradingMetrics(inputOf(shuffled)), c.expected, "shuffled");
  });
});

describe("sharpe_per_bar, skew, kurtosis and psr against scipy (sharpe_stats.json)", () => {
  it("has skewed, fat-tailed and degenerate cases", () => {
    expect(sharpeFixture.trading.some((c) => c.expected.skew !== null && c.expected.skew < -1)).toBe(true);
    expect(sharpeFixture.trading.some((c) => c.expected.kurtosis !== null && c.expected.kurtosis > 10)).toBe(true);
    expect(sharpeFixture.trading.some((c) => c.expected.skew === null)).toBe(true);
  });

  for (const c of sharpeFixture.trading) {
    it(`matches the reference: ${c.name}`, () => {
      const m = tradingMetrics(inputOf(c));
      expect(m.n_bars).toBe(c.expected.n_bars);
      expectClose(m.sharpe_per_bar, c.expected.sharpe_per_bar, 1e-10, "sharpe_per_bar");
      for (const key of ["skew", "kurtosis", "psr"] as const) {
        const want = c.expected[key];
        if (want === null) expect(m[key], key).toBeNaN();
        else expectClose(m[key], want, 1e-9, key);
      }
    });
  }

  it("reads the moments of a return series as the PSR/DSR fixture does (one symbol, H = 1, always long)", () => {
    for (const c of sharpeFixture.series) {
      const n = c.returns.length;
      const m = tradingMetrics({
        pred: new Int8Array(n).fill(1),
        payoff: c.returns,
        time: Float64Array.from({ length: n }, (_, i) => i * HOUR),
        symbol: new Int32Array(n),
        horizon: 1,
      });
      expectClose(m.sharpe_per_bar, c.sample.sr, 1e-10, `${c.name} sr`);
      expectClose(m.skew, c.sample.skew, 1e-9, `${c.name} skew`);
      expectClose(m.kurtosis, c.sample.kurtosis, 1e-9, `${c.name} kurtosis`);
    }
  });

  it("annualises sharpe_per_bar into sharpe with the bar spacing", () => {
    const c = sharpeFixture.trading[0];
    const m = tradingMetrics(inputOf(c));
    expectClose(m.sharpe, m.sharpe_per_bar * Math.sqrt(HOURS_PER_YEAR), 1e-12, "sharpe");
  });
});

describe("tradingMetrics by hand", () => {
  it("computes every metric of a 4-bar hourly single-symbol run with H=1", () => {
    // pnl = pred * payoff = [0.02, -0.01, -0.03, 0]; H=1 so bar returns equal pnl.
    // Trades 3 (pred != 0), one win -> win_rate 1/3; gains 0.02 / losses 0.04 -> profit factor 0.5.
    // Cumulative log return 0.02, 0.01, -0.02, -0.02; peak 0.02 -> max drawdown 1 - exp(-0.04).
    // Mean -0.005; deviations 0.025, -0.005, -0.025, 0.005 -> sample variance 0.0013 / 3.
    // Hourly bars -> 8766 bars per year. Positions 1, 1, -1, 0 -> changes 1, 0, 2, 1 -> turnover 1.
    const m = tradingMetrics(rows(1, [[1, 0.02, 0, 0], [1, -0.01, 1, 0], [-1, 0.03, 2, 0], [0, 0.05, 3, 0]]));
    expectClose(m.sharpe, (-0.005 / Math.sqrt(0.0013 / 3)) * Math.sqrt(HOURS_PER_YEAR), 1e-12, "sharpe");
    expectClose(m.sharpe, -22.4885, 1e-5, "sharpe, as a number");
    expectClose(m.max_drawdown, 1 - Math.exp(-0.04), 1e-12, "max_drawdown");
    expectClose(m.win_rate, 1 / 3, 1e-15, "win_rate");
    expectClose(m.profit_factor, 0.5, 1e-12, "profit_factor");
    expect(m.n_trades).toBe(3);
    expect(m.turnover).toBe(1);
    expectClose(m.total_return, -0.02, 1e-12, "total_return");
    expect(m.exposure).toBe(0.75);
    expect(m.n_bars).toBe(4);
    // Per bar: -0.005 / sqrt(0.0013 / 3). Deviations +-0.025, +-0.005: m3 = 0, so skew 0;
    // m2 = 0.0013 / 4, m4 = 2 (0.025^4 + 0.005^4) / 4 -> kurtosis = m4 / m2^2.
    const sr = -0.005 / Math.sqrt(0.0013 / 3);
    expectClose(m.sharpe_per_bar, sr, 1e-12, "sharpe_per_bar");
    expect(Math.abs(m.skew)).toBeLessThan(1e-12);
    const kurt = ((2 * (0.025 ** 4 + 0.005 ** 4)) / 4) / (0.0013 / 4) ** 2;
    expectClose(m.kurtosis, kurt, 1e-9, "kurtosis");
    // PSR = Phi(SR sqrt(T - 1) / sqrt(1 - 0 + (kurtosis - 1) / 4 SR^2)) with T = 4.
    expectClose(m.psr, normalCdf((sr * Math.sqrt(3)) / Math.sqrt(1 + ((kurt - 1) / 4) * sr * sr)), 1e-12, "psr");
  });

  it("sizes positions 1/H so that H overlapping positions add up to one unit", () => {
    // H=2, pred 1, 1, 1, 0 -> net positions 1/2, 1, 1, 1/2 -> changes 1/2, 1/2, 0, 1/2 -> turnover 1.5 / 4.
    // Bar returns are pnl / 2: 0.01, 0.02, -0.01, 0 -> total 0.02.
    const m = tradingMetrics(rows(2, [[1, 0.02, 0, 0], [1, 0.04, 1, 0], [1, -0.02, 2, 0], [0, 0.1, 3, 0]]));
    expect(m.turnover).toBe(0.375);
    expectClose(m.total_return, 0.02, 1e-12, "total_return");
    expectClose(m.max_drawdown, 1 - Math.exp(-0.01), 1e-12, "max_drawdown");
  });

  it("averages the symbols present at each timestamp into one portfolio bar", () => {
    // Hour 0: only symbol 0, bar 0.04. Hour 1: symbols 0 and 1, bars -0.02 and 0.06 -> mean 0.02.
    const input = rows(1, [[1, 0.04, 0, 0], [-1, 0.02, 1, 0], [1, 0.06, 1, 1]]);
    const curve = equityCurve(input);
    expect(Array.from(curve.time)).toEqual([0, HOUR]);
    expectClose(curve.equity[0], Math.exp(0.04), 1e-12, "equity[0]");
    expectClose(curve.equity[1], Math.exp(0.06), 1e-12, "equity[1]");
    const m = tradingMetrics(input);
    expect(m.n_bars).toBe(2);
    expectClose(m.total_return, 0.06, 1e-12, "total_return");
    // Bars 0.04 and 0.02: mean 0.03, sample std sqrt(2 * 0.01^2) = 0.01 * sqrt(2).
    expectClose(m.sharpe, (0.03 / (0.01 * Math.SQRT2)) * Math.sqrt(HOURS_PER_YEAR), 1e-12, "sharpe");
    // Turnover: symbol 0 changes 1 then 2, symbol 1 changes 1 -> 4 over 3 bars.
    expectClose(m.turnover, 4 / 3, 1e-15, "turnover");
  });

  it("counts a first loss as drawdown because the peak starts at 1", () => {
    const m = tradingMetrics(rows(1, [[1, -0.1, 0, 0]]));
    expectClose(m.max_drawdown, 1 - Math.exp(-0.1), 1e-12, "max_drawdown");
    expect(m.sharpe).toBe(0); // one bar: no std
  });

  it("annualises with the median spacing, not the mean, so gaps do not change it", () => {
    // Hourly bars with one 100-hour gap: median spacing stays 1 hour.
    const data: [number, number, number, number][] = [[1, 0.01, 0, 0], [1, -0.02, 1, 0], [1, 0.03, 2, 0], [1, 0.01, 102, 0]];
    const withGap = tradingMetrics(rows(1, data)).sharpe;
    const regular = tradingMetrics(rows(1, data.map((r, i) => [r[0], r[1], i, r[3]]))).sharpe;
    expectClose(withGap, regular, 1e-15, "sharpe");
  });

  it("returns Sharpe 0 when every bar return is equal", () => {
    // 0.1 / 3 has no exact mean in binary; the naive std would be ~1e-18 and Sharpe ~1e16.
    const m = tradingMetrics(rows(3, Array.from({ length: 10 }, (_, i) => [1, 0.1, i, 0] as [number, number, number, number])));
    expect(m.sharpe).toBe(0);
  });

  it("profit factor is Infinity with gains and no losses, 0 with no gains, and finiteOrNull maps it for JSON", () => {
    const allWins = tradingMetrics(rows(1, [[1, 0.01, 0, 0], [-1, -0.01, 1, 0]]));
    expect(allWins.profit_factor).toBe(Infinity);
    expect(finiteOrNull(allWins.profit_factor)).toBeNull();
    expect(finiteOrNull(NaN)).toBeNull();
    expect(finiteOrNull(2.5)).toBe(2.5);
    expect(tradingMetrics(rows(1, [[1, -0.01, 0, 0]])).profit_factor).toBe(0);
    expect(tradingMetrics(rows(1, [[0, 0.01, 0, 0]])).profit_factor).toBe(0);
  });

  it("keeps drawdown finite when equity overflows on a long unit-payoff run", () => {
    // 1000 winning unit payoffs: exp(1000) is Infinity, then one loss of 1 -> drawdown 1 - exp(-1).
    const data = Array.from({ length: 1001 }, (_, i) => [1, i < 1000 ? 1 : -1, i, 0] as [number, number, number, number]);
    const m = tradingMetrics(rows(1, data));
    expectClose(m.max_drawdown, 1 - Math.exp(-1), 1e-12, "max_drawdown");
    expect(equityCurve(rows(1, data)).equity[999]).toBe(Infinity);
  });

  it("returns 0 for every metric on empty input, and NaN for the undefined skew, kurtosis and psr", () => {
    const m = tradingMetrics({ pred: [], payoff: [], time: [], symbol: [], horizon: 5 });
    for (const key of KEYS) expect(m[key], key).toBe(0);
    expect(m.sharpe_per_bar).toBe(0);
    for (const key of ["skew", "kurtosis", "psr"] as const) expect(m[key], key).toBeNaN();
    expect(equityCurve({ pred: [], payoff: [], time: [], symbol: [], horizon: 5 }).time.length).toBe(0);
  });
});

describe("tradingMetrics input checks", () => {
  const ok = rows(1, [[1, 0.01, 0, 0], [0, 0.02, 1, 0]]);

  it("rejects arrays whose lengths disagree with pred", () => {
    expect(() => tradingMetrics({ ...ok, time: [0] })).toThrow(new RangeError("time has 1 values, expected 2 (one per prediction)"));
  });

  it("rejects a prediction that is not -1, 0 or 1, naming its position", () => {
    expect(() => tradingMetrics({ ...ok, pred: [1, 2] })).toThrow(/pred\[1\] = 2/);
  });

  it("rejects a horizon that is not a positive integer", () => {
    expect(() => tradingMetrics({ ...ok, horizon: 0 })).toThrow(RangeError);
    expect(() => equityCurve({ ...ok, horizon: 1.5 })).toThrow(/Horizon must be a positive integer, got 1.5/);
  });

  it("rejects two samples of one symbol at the same time", () => {
    expect(() => tradingMetrics({ ...ok, time: [0, 0] })).toThrow(/Symbol 0 has two samples at time 0/);
  });
});
