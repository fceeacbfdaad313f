import { NO_LABEL } from "../data/frame.ts";
import type { Bars } from "./bars.ts";
import { rollingMeanStd } from "./rolling.ts";
import { exp, log } from "./portable_math.ts";

/** Triple-barrier labels of one horizon and the realised log return at exit. */
export interface BarrierLabels {
  horizon: number;
  /** -1/0/1, NO_LABEL where the segment's future is shorter than H or the volatility is not yet defined. */
  label: Int8Array;
  /** log(close at exit / close at i); NaN where the label is null. */
  fwdReturn: Float32Array;
}

/**
 * Triple-barrier labels: barriers at +/- k x sigma_i x sqrt(H) in log price around close_i, where
 * sigma_i is the rolling std of 1-bar log returns over `volWindow` bars up to i (known at i's close).
 * Scanning bars i+1..i+H, the first bar whose high reaches the upper barrier gives +1, whose low
 * reaches the lower gives -1; a bar that reaches both counts as the one its close moves toward
 * (close >= open: upper, else lower). No touch: 0 at the vertical barrier. The exit return is
 * log(close_exit / close_i), the exit being the touching bar or bar i+H.
 */
export function tripleBarrier(bars: Bars, options: { horizon: number; k: number; volWindow: number }): BarrierLabels {
  const { horizon: H, k, volWindow } = options;
  const n = bars.rows;
  const label = new Int8Array(n).fill(NO_LABEL);
  const fwdReturn = new Float32Array(n).fill(NaN);
  const r1 = new Float64Array(n), mean = new Float64Array(n), sigma = new Float64Array(n).fill(NaN);
  const scale = k * Math.sqrt(H);
  for (let s = 0; s < bars.segments.length; s += 2) {
    const start = bars.segments[s], end = bars.segments[s + 1];
    for (let i = start + 1; i < end; i++) r1[i] = log(bars.close[i] / bars.close[i - 1]);
    if (end - start > 1) rollingMeanStd(r1, start + 1, end, volWindow, mean, sigma);
    for (let i = start; i + H < end; i++) {
      if (!(sigma[i] >= 0)) continue;
      const c = bars.close[i];
      const up = c * exp(scale * sigma[i]), down = c * exp(-scale * sigma[i]);
      let exit = i + H, hit = 0;
      for (let j = i + 1; j <= i + H; j++) {
        const upper = bars.high[j] >= up, lower = bars.low[j] <= down;
        if (upper || lower) {
          hit = upper && lower ? (bars.close[j] >= bars.open[j] ? 1 : -1) : upper ? 1 : -1;
          exit = j;
          break;
        }
      }
      label[i] = hit;
      fwdReturn[i] = log(bars.close[exit] / c);
    }
  }
  return { horizon: H, label, fwdReturn };
}
