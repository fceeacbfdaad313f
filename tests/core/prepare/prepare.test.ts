import { describe, expect, it } from "vitest";
import { NO_LABEL } from "../../../core/data/frame.ts";
import type { WriteColumn } from "../../../core/data/parquet_write.ts";
import { type Bars, readBars } from "../../../core/prepare/bars.ts";
import { PrepareConfig } from "../../../core/prepare/config.ts";
import { computeFeatures } from "../../../core/prepare/features.ts";
import { tripleBarrier } from "../../../core/prepare/labels.ts";
import { prepareBars } from "../../../core/prepare/prepare.ts";
import { assignSplits, DROPPED, planSplit } from "../../../core/prepare/split.ts";
import { createRng } from "../../../core/random.ts";
import { parquetSource } from "../../helpers.ts";

const BAR = 300_000;
const T0 = Date.UTC(2025, 0, 1);
const config = PrepareConfig.parse({
  features: { volatility: [6, 20], volume_z: [10], moments: [12], log_returns: [1, 3, 8] },
  labels: { horizons: [3, 7], k: { "3": 0.8, "7": 1.2 }, vol_window: 10 },
  split: { embargo: 4 },
});

/** Random-walk OHLCV bars for `symbols` symbols of `n` bars each, one segment per symbol. */
function randomBars(symbols: number, n: number, seed: number): Bars {
  const rng = createRng(seed);
  const rows = symbols * n;
  const f = () => new Float64Array(rows);
  const b = {
    source: "bars.parquet",
    rows,
    symbols: Array.from({ length: symbols }, (_, s) => `S${s}`),
    symbol: new Int32Array(rows),
    time: f(),
    open: f(),
    high: f(),
    low: f(),
    close: f(),
    volume: f(),
  };
  for (let s = 0; s < symbols; s++) {
    let price = 100;
    for (let t = 0; t < n; t++) {
      const i = s * n + t;
      const open = price;
      price *= Math.exp(0.004 * rng.normal());
      b.symbol[i] = s;
      b.time[i] = T0 + t * BAR;
      b.open[i] = open;
      b.close[i] = price;
      b.high[i] = Math.max(open, price) * Math.exp(0.002 * Math.abs(rng.normal()));
      b.low[i] = Math.min(open, price) * Math.exp(-0.002 * Math.abs(rng.normal()));
      b.volume[i] = 1000 * Math.exp(rng.normal());
    }
  }
  const segments = Int32Array.from({ length: 2 * symbols }, (_, k) => (k % 2 ? (k + 1) / 2 : k / 2) * n);
  return { ...b, segments, barMs: BAR, gaps: { count: 0 } };
}

describe("features", () => {
  it("are causal: changing any bar after row i never changes the features of row i", () => {
    const bars = randomBars(2, 400, 1);
    const base = computeFeatures(bars, config.features);
    for (const i of [50, 177, 399, 650]) {
      const changed = randomBars(2, 400, 1);
      for (const key of ["open", "high", "low", "close", "volume"] as const) for (let j = i + 1; j < bars.rows; j++) changed[key][j] *= 1.5;
      const after = computeFeatures(changed, config.features);
      base.columns.forEach((column, c) => {
        for (let r = 0; r <= i; r++) expect(Object.is(after.columns[c][r], column[r]), `${base.names[c]} row ${r} after changing rows > ${i}`).toBe(true);
      });
      // and the change does reach later rows, so the check above is not vacuous
      const changedLater = base.columns.some((column, c) => column.some((v, r) => r > i && !Object.is(after.columns[c][r], v)));
      expect(changedLater).toBe(true);
    }
  });

  it("never use a previous symbol's bars: each symbol's first rows are warm-up", () => {
    const bars = randomBars(2, 100, 2);
    const f = computeFeatures(bars, config.features);
    const vol20 = f.columns[f.names.indexOf("vol_20")];
    expect(Number.isNaN(vol20[100 + 19])).toBe(true); // row 19 of S1 has only 19 returns
    expect(Number.isFinite(vol20[100 + 20])).toBe(true);
  });
});

describe("triple-barrier labels", () => {
  /** Straightforward reference: sigma from an explicit window, barriers scanned bar by bar. */
  function reference(bars: Bars, H: number, k: number, w: number) {
    const out: { label: number; ret: number }[] = [];
    for (let i = 0; i < bars.rows; i++) {
      const s = bars.symbol[i];
      const start = bars.symbol.indexOf(s);
      const end = bars.symbol.lastIndexOf(s) + 1;
      if (i - start < w || i + H >= end) {
        out.push({ label: NO_LABEL, ret: NaN });
        continue;
      }
      const r = Array.from({ length: w }, (_, m) => Math.log(bars.close[i - m] / bars.close[i - m - 1]));
      const mean = r.reduce((a, b) => a + b) / w;
      const sigma = Math.sqrt(r.reduce((a, b) => a + (b - mean) ** 2, 0) / w);
      const up = Math.log(bars.close[i]) + k * sigma * Math.sqrt(H), down = Math.log(bars.close[i]) - k * sigma * Math.sqrt(H);
      let label = 0, exit = i + H;
      for (let j = i + 1; j <= i + H; j++) {
        const hu = Math.log(bars.high[j]) >= up, hd = Math.log(bars.low[j]) <= down;
        if (hu || hd) {
          label = hu && hd ? (bars.close[j] >= bars.open[j] ? 1 : -1) : hu ? 1 : -1;
          exit = j;
          break;
        }
      }
      out.push({ label, ret: Math.log(bars.close[exit] / bars.close[i]) });
    }
    return out;
  }

  for (const [seed, H, k] of [[3, 5, 1.0], [4, 20, 1.5], [5, 1, 0.5]] as const) {
    it(`equal a brute-force reference on random paths (H=${H}, k=${k})`, () => {
      const bars = randomBars(3, 300, seed);
      const got = tripleBarrier(bars, { horizon: H, k, volWindow: 10 });
      const want = reference(bars, H, k, 10);
      let touched = 0;
      want.forEach((w, i) => {
        // sigma from running sums can differ from the direct one in the last bits; a tie at a barrier is vanishingly rare
        expect(got.label[i], `row ${i}`).toBe(w.label);
        if (w.label === NO_LABEL) expect(Number.isNaN(got.fwdReturn[i])).toBe(true);
        else expect(got.fwdReturn[i]).toBeCloseTo(w.ret, 6);
        if (w.label === 1 || w.label === -1) touched++;
      });
      expect(touched).toBeGreaterThan(50);
    });
  }

  it("are null where the future is shorter than H: the last H bars of each symbol", () => {
    const bars = randomBars(2, 60, 6);
    const { label } = tripleBarrier(bars, { horizon: 7, k: 1, volWindow: 5 });
    for (const end of [60, 120]) {
      for (let i = end - 7; i < end; i++) expect(label[i]).toBe(NO_LABEL);
      expect(label[end - 8]).not.toBe(NO_LABEL);
    }
  });
});

describe("splits", () => {
  const bars = randomBars(3, 1000, 7);
  const plan = planSplit(bars, { ...config.split, purge: 7 }, 7);
  const split = assignSplits(bars, plan);

  it("use the same time boundaries for every symbol", () => {
    for (let i = 0; i < bars.rows; i++) {
      if (split[i] === DROPPED) continue;
      const expected = bars.time[i] < plan.valStart ? 0 : bars.time[i] < plan.testStart ? 1 : 2;
      expect(split[i]).toBe(expected);
    }
  });

  it("purge max(H) bars before each boundary, so no kept label looks into the next split", () => {
    for (let i = 0; i < bars.rows; i++) {
      if (split[i] === DROPPED || split[i] === 2) continue;
      const boundary = split[i] === 0 ? plan.valStart : plan.testStart;
      const sameSymbolAhead = i + 7 < bars.rows && bars.symbol[i + 7] === bars.symbol[i];
      if (sameSymbolAhead) expect(bars.time[i + 7], `row ${i}`).toBeLessThan(boundary);
    }
    // exactly purge + embargo rows dropped at each of the 2 boundaries of each of the 3 symbols
    expect(split.filter((s) => s === DROPPED).length).toBe(3 * 2 * (7 + 4));
  });

  it("embargo the first bars after each boundary", () => {
    for (let s = 0; s < 3; s++) {
      const rows = Array.from({ length: 1000 }, (_, t) => s * 1000 + t);
      const firstVal = rows.find((i) => bars.time[i] >= plan.valStart)!;
      for (let j = firstVal; j < firstVal + 4; j++) expect(split[j]).toBe(DROPPED);
      expect(split[firstVal + 4]).toBe(1);
    }
  });
});

describe("prepareBars", () => {
  it("fits the scaler on train rows only", () => {
    const a = prepareBars(randomBars(2, 800, 8), config);
    const changed = randomBars(2, 800, 8);
    const valStart = Date.parse(a.manifest.split.val_start);
    for (let i = 0; i < changed.rows; i++) {
      if (changed.time[i] >= valStart) { for (const key of ["open", "high", "low", "close", "volume"] as const) changed[key][i] *= 3; }
    }
    const b = prepareBars(changed, config);
    expect(b.manifest.scaler).toEqual(a.manifest.scaler);
    const c = prepareBars(randomBars(2, 800, 9), config);
    expect(c.manifest.scaler.center).not.toEqual(a.manifest.scaler.center);
  });

  it("writes features standardised on train, labels and forward returns per horizon, and drops the warm-up", () => {
    const { tables, manifest } = prepareBars(randomBars(2, 800, 10), config);
    const names = tables.train.columns.map((c) => c.name);
    expect(names.slice(0, 2)).toEqual(["datetime", "symbol"]);
    expect(names).toContain("label_h3");
    expect(names).toContain("fwd_ret_h7");
    const ret1 = tables.train.columns.find((c) => c.name === "ret_1")!.data as Float32Array;
    const mean = ret1.reduce((a, b) => a + b, 0) / ret1.length;
    expect(Math.abs(mean)).toBeLessThan(1e-4);
    for (const table of Object.values(tables)) {
      for (const c of table.columns) if (c.type === "float32" && !c.nullable) expect([...(c.data as Float32Array)].every(Number.isFinite)).toBe(true);
    }
    expect(manifest.warmup_rows_dropped).toBe(2 * 47); // the longest look-back, ema_gap_48 (defined from its 48th row), per symbol
    expect(manifest.splits.train.rows + manifest.splits.val.rows + manifest.splits.test.rows).toBe(2 * 800 - 2 * 47 - 2 * 2 * (7 + 4));
  });
});

describe("readBars", () => {
  const columns = (rows: [string, number, number][]): WriteColumn[] => [
    { name: "datetime", type: "timestamp_ms", data: rows.map((r) => T0 + r[1] * BAR) },
    { name: "symbol", type: "string", data: rows.map((r) => r[0]) },
    ...["open", "high", "low", "close"].map((name): WriteColumn => ({ name, type: "float64", data: rows.map((r) => r[2]) })),
    { name: "volume", type: "float64", data: rows.map(() => 1) },
  ];

  it("reports duplicate timestamps and non-positive prices with the first offending row", async () => {
    await expect(readBars(parquetSource("dup.parquet", columns([["A", 0, 1], ["A", 0, 2]])), config)).rejects.toThrow(
      /two rows for symbol A at 2025-01-01T00:00:00.000Z/,
    );
    await expect(readBars(parquetSource("neg.parquet", columns([["A", 0, 1], ["A", 1, 0], ["A", 2, -1]])), config)).rejects.toThrow(
      /Column "open" in neg.parquet is 0; prices must be positive \(row 1, A at/,
    );
  });

  it("reports gaps, and cuts the series there when asked", async () => {
    const src = parquetSource("gap.parquet", columns([["A", 0, 1], ["A", 1, 1], ["A", 5, 1], ["A", 6, 1], ["B", 0, 1], ["B", 1, 1]]));
    const kept = await readBars(src, config);
    expect(kept.gaps).toEqual({ count: 1, first: { symbol: "A", after: "2025-01-01T00:05:00.000Z", missing_bars: 3 } });
    expect([...kept.segments]).toEqual([0, 4, 4, 6]);
    const cut = await readBars(src, { ...config, gaps: "cut" });
    expect([...cut.segments]).toEqual([0, 2, 2, 4, 4, 6]);
  });

  it("names missing columns and the mapping to fix it", async () => {
    const src = parquetSource("x.parquet", columns([["A", 0, 1]]).filter((c) => c.name !== "volume"));
    await expect(readBars(src, config)).rejects.toThrow(/x.parquet lacks bar column\(s\) volume; columns: datetime, symbol, open, high, low, close/);
  });
});
