/**
 * Synthetic raw OHLCV bars, the input of `prepare`: per symbol a log-price random walk whose next return has a
 * persistent drift (a slow AR(1) state, so past returns and EMA gaps tell the direction a little) and clustered
 * volatility (an AR(1) log-volatility state, so recent ranges tell whether a barrier will be hit), with highs,
 * lows and a volume that grows with the bar's move. Seeded: the same options give the same bits
 * on every engine (the draws and `portableExp` use exactly rounded arithmetic only; Math.exp differs between V8 versions).
 * @module
 */
import { createRng } from "../random.ts";
import { portableExp } from "./synth.ts";
import type { WriteColumn } from "./parquet_write.ts";

/** Options for {@linkcode synthBars}; every field has a default. */
export interface SynthBarsOptions {
  /** Number of symbols (default 2), named SYM00, SYM01, ... */
  symbols?: number;
  /** Bars per symbol (default 3,000). */
  rows?: number;
  /** Seed (default 7). */
  seed?: number;
  /** Bar spacing in minutes (default 5). */
  barMinutes?: number;
  /** Time of the first bar, epoch ms (default 2025-01-01T00:00Z). */
  startMs?: number;
}

/** Typical per-bar volatility of the walk (0.2%). */
const BASE_VOL = 0.002;
/** Drift persistence per bar (half-life ~35 bars) and its stationary size in units of volatility. */
const DRIFT_PHI = 0.98, DRIFT_SD = 0.35;
/** Log-volatility persistence (half-life ~14 bars) and spread. */
const VOL_PHI = 0.95, VOL_SD = 0.4;

/**
 * Raw bars as Parquet columns: `datetime` (timestamp ms), `symbol`, `open`, `high`, `low`, `close`, `volume`
 * (float64), sorted by symbol then time, one bar every `barMinutes` without gaps.
 * @example writeParquet(synthBars({ symbols: 2, rows: 3000, seed: 7 }))
 */
export function synthBars(options: SynthBarsOptions = {}): WriteColumn[] {
  const { symbols = 2, rows = 3000, seed = 7, barMinutes = 5, startMs = Date.UTC(2025, 0, 1) } = options;
  for (const [key, value] of Object.entries({ symbols, rows, barMinutes })) {
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`synthBars: ${key} must be a positive integer, got ${value}`);
  }
  const rng = createRng(seed);
  const n = symbols * rows;
  const time = new Float64Array(n), open = new Float64Array(n), high = new Float64Array(n), low = new Float64Array(n);
  const close = new Float64Array(n), volume = new Float64Array(n);
  const names: string[] = new Array(n);
  const barMs = barMinutes * 60_000;
  const driftNoise = DRIFT_SD * Math.sqrt(1 - DRIFT_PHI ** 2), volNoise = VOL_SD * Math.sqrt(1 - VOL_PHI ** 2);
  for (let s = 0; s < symbols; s++) {
    const name = `SYM${String(s).padStart(2, "0")}`;
    let price = 100 * (1 + s), drift = 0, logVol = 0;
    for (let t = 0; t < rows; t++) {
      const i = s * rows + t;
      const sigma = BASE_VOL * portableExp(logVol - VOL_SD ** 2 / 2);
      const move = sigma * (drift + rng.normal());
      const o = price;
      price = o * portableExp(move);
      time[i] = startMs + t * barMs;
      names[i] = name;
      open[i] = o;
      close[i] = price;
      high[i] = Math.max(o, price) * portableExp(0.3 * sigma * Math.abs(rng.normal()));
      low[i] = Math.min(o, price) * portableExp(-0.3 * sigma * Math.abs(rng.normal()));
      volume[i] = 1000 * portableExp(0.4 * rng.normal() + Math.abs(move) / BASE_VOL / 2);
      drift = DRIFT_PHI * drift + driftNoise * rng.normal();
      logVol = VOL_PHI * logVol + volNoise * rng.normal();
    }
  }
  return [
    { name: "datetime", type: "timestamp_ms", data: time },
    { name: "symbol", type: "string", data: names },
    { name: "open", type: "float64", data: open },
    { name: "high", type: "float64", data: high },
    { name: "low", type: "float64", data: low },
    { name: "close", type: "float64", data: close },
    { name: "volume", type: "float64", data: volume },
  ];
}
