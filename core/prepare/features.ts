import type { Bars } from "./bars.ts";
import type { FeatureConfig } from "./config.ts";
import { ema, rollingMeanStd, rollingMoments, wilder } from "./rolling.ts";
import { log, log1p, sinCosTurn } from "./portable_math.ts";

/** Computed features, column-major (one Float64Array per feature over all rows); NaN during warm-up. */
export interface Features {
  names: string[];
  columns: Float64Array[];
}

const DAY = 86_400_000;

/**
 * Computes every configured feature for every row, causally: row i uses bars up to and including i
 * of its own segment only. Rows whose features are not yet defined hold NaN (the warm-up).
 */
export function computeFeatures(bars: Bars, config: FeatureConfig): Features {
  const n = bars.rows;
  const names: string[] = [];
  const columns: Float64Array[] = [];
  const add = (name: string) => {
    const column = new Float64Array(n).fill(NaN);
    names.push(name);
    columns.push(column);
    return column;
  };
  const logClose = bars.close.map(log);
  const r1 = new Float64Array(n), logVolume = bars.volume.map(log1p), tmp = new Float64Array(n), tmp2 = new Float64Array(n);
  const segments = bars.segments;
  const each = (fn: (start: number, end: number) => void) => {
    for (let s = 0; s < segments.length; s += 2) fn(segments[s], segments[s + 1]);
  };
  each((start, end) => {
    r1[start] = NaN;
    for (let i = start + 1; i < end; i++) r1[i] = logClose[i] - logClose[i - 1];
  });
  // windows over r1 start one row later: r1 is undefined at a segment's first row
  const overReturns = (fn: (start: number, end: number) => void) => each((start, end) => end - start > 1 && fn(start + 1, end));

  for (const lag of config.log_returns) {
    const out = add(`ret_${lag}`);
    each((start, end) => {
      for (let i = start + lag; i < end; i++) out[i] = logClose[i] - logClose[i - lag];
    });
  }
  for (const w of config.volatility) {
    const out = add(`vol_${w}`);
    overReturns((start, end) => rollingMeanStd(r1, start, end, w, tmp, out));
  }
  if (config.range) {
    const hl = add("hl_range"), clv = add("close_location");
    for (let i = 0; i < n; i++) {
      const h = bars.high[i], l = bars.low[i];
      hl[i] = log(h / l);
      clv[i] = h > l ? (2 * (bars.close[i] - l)) / (h - l) - 1 : 0;
    }
  }
  for (const w of config.volume_z) {
    const out = add(`volume_z_${w}`);
    each((start, end) => {
      rollingMeanStd(logVolume, start, end, w, tmp, tmp2);
      for (let i = start; i < end; i++) out[i] = tmp2[i] > 1e-12 ? (logVolume[i] - tmp[i]) / tmp2[i] : tmp2[i] === tmp2[i] ? 0 : NaN;
    });
  }
  const [gain, loss, g, l] = config.rsi.length ? [0, 1, 2, 3].map(() => new Float64Array(n)) : [];
  for (const w of config.rsi) {
    const out = add(`rsi_${w}`);
    overReturns((start, end) => {
      for (let i = start; i < end; i++) [gain[i], loss[i]] = [Math.max(r1[i], 0), Math.max(-r1[i], 0)];
      wilder(gain, start, end, w, g);
      wilder(loss, start, end, w, l);
      for (let i = start; i < end; i++) out[i] = g[i] + l[i] > 0 ? (g[i] - l[i]) / (g[i] + l[i]) : g[i] === g[i] ? 0 : NaN; // (RSI - 50) / 50
    });
  }
  for (const span of config.ema_gaps) {
    const out = add(`ema_gap_${span}`);
    each((start, end) => {
      ema(logClose, start, end, span, tmp);
      for (let i = start; i < end; i++) out[i] = logClose[i] - tmp[i];
    });
  }
  if (config.macd) {
    const { fast, slow, signal } = config.macd;
    const macd = add("macd"), hist = add("macd_hist");
    each((start, end) => {
      ema(logClose, start, end, fast, tmp);
      ema(logClose, start, end, slow, tmp2);
      for (let i = start; i < end; i++) macd[i] = tmp[i] - tmp2[i];
      const first = start + slow - 1;
      if (first >= end) return;
      ema(macd, first, end, signal, tmp);
      for (let i = first; i < end; i++) hist[i] = macd[i] - tmp[i];
    });
  }
  for (const w of config.atr) {
    const out = add(`atr_${w}`);
    each((start, end) => {
      for (let i = start + 1; i < end; i++) {
        const pc = bars.close[i - 1];
        tmp2[i] = Math.max(bars.high[i] - bars.low[i], Math.abs(bars.high[i] - pc), Math.abs(bars.low[i] - pc));
      }
      if (end - start < 2) return;
      wilder(tmp2, start + 1, end, w, tmp);
      for (let i = start + 1; i < end; i++) out[i] = tmp[i] / bars.close[i];
    });
  }
  for (const w of config.moments) {
    const skew = add(`skew_${w}`), kurt = add(`kurt_${w}`);
    overReturns((start, end) => rollingMoments(r1, start, end, w, skew, kurt));
  }
  if (config.calendar) {
    const [ts, tc, ds, dc] = [add("tod_sin"), add("tod_cos"), add("dow_sin"), add("dow_cos")];
    for (let i = 0; i < n; i++) {
      const t = bars.time[i];
      const tod = (((t % DAY) + DAY) % DAY) / DAY;
      const dow = (((Math.floor(t / DAY) + 3) % 7) + 7) % 7 / 7; // 1970-01-01 was a Thursday: Monday = 0
      [[ts[i], tc[i]], [ds[i], dc[i]]] = [sinCosTurn(tod), sinCosTurn(dow)];
    }
  }
  return { names, columns };
}
