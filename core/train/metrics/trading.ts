/**
 * Trading metrics of a classifier's predictions, read as positions.
 *
 * Definitions (sample i has prediction pred_i in {-1, 0, 1}, payoff_i, bar time and symbol):
 * - Trade pnl: pnl_i = pred_i * payoff_i. The payoff is the sample's forward log return over the
 *   horizon H (fwd_ret_h{H}), or its true label -1/0/1 as a unit payoff when returns are absent.
 *   Every sample with pred_i != 0 is one trade.
 * - n_trades = count(pred != 0); exposure = n_trades / n.
 * - win_rate = count(pnl > 0) / n_trades.
 * - profit_factor = sum(pnl > 0) / |sum(pnl < 0)|; Infinity when there are gains and no losses,
 *   0 when there are no gains. JSON cannot hold Infinity: pass it through {@linkcode finiteOrNull}.
 * - Bar return: a position is held H bars at size 1/H, so overlapping positions add up to one unit;
 *   its pnl is booked as pnl_i / H at the sample's own bar (same total, spread by the 1/H sizing).
 * - Portfolio bar return at a timestamp = mean of the bar returns of the symbols that have a sample
 *   at that timestamp. Portfolio bars are the distinct timestamps, ascending; n_bars counts them.
 * - total_return = sum of portfolio bar log returns; equity_t = exp(cumulative sum up to t).
 * - max_drawdown = max over t of 1 - equity_t / peak_t, with the peak starting at 1 so that a first
 *   loss counts; in [0, 1].
 * - sharpe = mean / std (sample std, ddof = 1) of portfolio bar returns * sqrt(bars_per_year), where
 *   bars_per_year = 365.25 days / median spacing of consecutive portfolio timestamps. 0 with fewer
 *   than 2 bars or when all bar returns are equal (std 0).
 * - sharpe_per_bar = mean / std (ddof = 1) of portfolio bar returns, not annualised; 0 where sharpe is.
 * - skew = m3 / m2^(3/2) and kurtosis = m4 / m2^2 (non-excess: 3 for a normal) of portfolio bar
 *   returns, with the biased central moments m_k = mean((r - mean)^k) (scipy.stats.skew and
 *   scipy.stats.kurtosis(fisher=False) defaults). NaN with fewer than 2 bars or equal bar returns.
 * - psr = probabilistic Sharpe ratio P(true Sharpe > 0) (Bailey and Lopez de Prado 2012) from
 *   sharpe_per_bar, skew, kurtosis and T = n_bars; see {@link ./sharpe_stats.ts}. NaN where skew is.
 * - Net position of a symbol at its k-th sample (time order) = (1/H) * sum of pred over its samples
 *   k-H+1..k. turnover = mean over all samples of |pos_k - pos_{k-1}| with pos_{-1} = 0, i.e. the
 *   per-symbol turnovers averaged with their bar counts as weights.
 *
 * Empty input gives 0 for every metric but skew, kurtosis and psr, which are NaN (undefined). Samples
 * may come in any order; within a symbol they are ordered by time here, and a symbol with two samples
 * at one time is an error.
 * @module
 */

import { probabilisticSharpe } from "./sharpe_stats.ts";

/** Predictions and what they would have earned, one entry per sample. */
export interface TradingInput {
  /** Position per sample: -1 short, 0 flat, 1 long (the predicted class label). */
  pred: ArrayLike<number>;
  /** Forward log return of the sample over the horizon, or its true label as a unit payoff. */
  payoff: ArrayLike<number>;
  /** Epoch milliseconds of the sample's bar. */
  time: ArrayLike<number>;
  /** Symbol index of the sample. */
  symbol: ArrayLike<number>;
  /** Horizon H in bars: each position is held H bars at size 1/H. */
  horizon: number;
}

/** Everything {@linkcode tradingMetrics} reports; see the module doc for the definitions. */
export interface TradingMetrics {
  /** Annualised Sharpe ratio of portfolio bar returns (sample std). */
  sharpe: number;
  /** Largest fall of equity from its running peak (starting at 1), in [0, 1]. */
  max_drawdown: number;
  /** Fraction of trades with positive pnl. */
  win_rate: number;
  /** Gross gains / gross losses; Infinity when there are gains but no losses. */
  profit_factor: number;
  /** Samples with a non-zero position. */
  n_trades: number;
  /** Mean absolute change of the net position per bar. */
  turnover: number;
  /** Sum of portfolio bar log returns. */
  total_return: number;
  /** Fraction of samples with a non-zero position. */
  exposure: number;
  /** Distinct timestamps (portfolio bars). */
  n_bars: number;
  /** Sharpe ratio of portfolio bar returns per bar, not annualised: what PSR and DSR read. */
  sharpe_per_bar: number;
  /** Sample skewness of portfolio bar returns; NaN with fewer than 2 bars or equal returns. */
  skew: number;
  /** Non-excess kurtosis of portfolio bar returns (3 for a normal); NaN where skew is. */
  kurtosis: number;
  /** Probabilistic Sharpe ratio: probability that the true Sharpe exceeds 0; NaN where skew is. */
  psr: number;
}

/** Portfolio equity and drawdown per distinct timestamp, for charts. */
export interface EquityCurve {
  /** Distinct sample timestamps, ascending (epoch ms). */
  time: Float64Array;
  /** exp(cumulative bar log return); may reach Infinity for huge unit-payoff runs. */
  equity: Float64Array;
  /** 1 - equity / running peak (peak starting at 1), in [0, 1]. */
  drawdown: Float64Array;
}

const MS_PER_YEAR = 365.25 * 24 * 3600 * 1000;

/**
 * Sharpe, drawdown, win rate, profit factor, trades, turnover, total return and exposure of
 * predictions held for the horizon.
 *
 * @example
 * ```ts
 * const m = tradingMetrics({ pred: [1, -1], payoff: [0.02, 0.01], time: [0, 60_000], symbol: [0, 0], horizon: 1 });
 * m.win_rate; // 0.5
 * m.profit_factor; // 2
 * ```
 */
export function tradingMetrics(input: TradingInput): TradingMetrics {
  const { pred, payoff, horizon } = checkInput(input);
  const n = pred.length;
  let trades = 0, wins = 0, gains = 0, losses = 0;
  for (let i = 0; i < n; i++) {
    if (pred[i] === 0) continue;
    const pnl = pred[i] * payoff[i];
    trades++;
    if (pnl > 0) {
      wins++;
      gains += pnl;
    } else if (pnl < 0) losses -= pnl;
  }
  const profitFactor = gains === 0 ? 0 : losses === 0 ? Infinity : gains / losses;

  const bars = portfolioBars(input);
  const m = bars.ret.length;
  let total = 0;
  for (let t = 0; t < m; t++) total += bars.ret[t];
  const { drawdown } = curveFrom(bars.ret);
  let maxDrawdown = 0;
  for (let t = 0; t < m; t++) maxDrawdown = Math.max(maxDrawdown, drawdown[t]);

  const stats = barStats(bars.ret);
  return {
    sharpe: stats.srPerBar * annualisation(bars.time),
    max_drawdown: maxDrawdown,
    win_rate: trades > 0 ? wins / trades : 0,
    profit_factor: profitFactor,
    n_trades: trades,
    turnover: n > 0 ? positionChange(input, bars.order, horizon) / n : 0,
    total_return: total,
    exposure: n > 0 ? trades / n : 0,
    n_bars: m,
    sharpe_per_bar: stats.srPerBar,
    skew: stats.skew,
    kurtosis: stats.kurtosis,
    psr: probabilisticSharpe({ sr: stats.srPerBar, t: m, skew: stats.skew, kurtosis: stats.kurtosis }),
  };
}

/**
 * Portfolio equity and drawdown at each distinct timestamp.
 *
 * @example
 * ```ts
 * const c = equityCurve({ pred: [1, 1], payoff: [0.1, -0.1], time: [0, 1], symbol: [0, 0], horizon: 1 });
 * c.equity; // Float64Array [exp(0.1), 1]
 * ```
 */
export function equityCurve(input: TradingInput): EquityCurve {
  checkInput(input);
  const bars = portfolioBars(input);
  return { time: bars.time, ...curveFrom(bars.ret) };
}

/**
 * The number when finite, else null: the explicit JSON mapping for profit_factor (Infinity) and NaN.
 *
 * @example
 * ```ts
 * finiteOrNull(Infinity); // null
 * ```
 */
export function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

function checkInput(input: TradingInput): TradingInput {
  const { pred, payoff, time, symbol, horizon } = input;
  if (!Number.isInteger(horizon) || horizon < 1) throw new RangeError(`Horizon must be a positive integer, got ${horizon}`);
  const n = pred.length;
  for (const [name, arr] of [["payoff", payoff], ["time", time], ["symbol", symbol]] as const) {
    if (arr.length !== n) throw new RangeError(`${name} has ${arr.length} values, expected ${n} (one per prediction)`);
  }
  for (let i = 0; i < n; i++) {
    const p = pred[i];
    if (!(p === -1 || p === 0 || p === 1)) throw new RangeError(`pred[${i}] = ${p} is not a position; expected -1, 0 or 1`);
  }
  return input;
}

interface Bars {
  /** Distinct timestamps, ascending. */
  time: Float64Array;
  /** Portfolio bar log return at each timestamp. */
  ret: Float64Array;
  /** Sample indices sorted by (symbol, time): each symbol's samples in time order. */
  order: Uint32Array;
}

function portfolioBars(input: TradingInput): Bars {
  const { pred, payoff, time, symbol, horizon } = input;
  const n = pred.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => symbol[a] - symbol[b] || time[a] - time[b]);
  for (let j = 1; j < n; j++) {
    const a = order[j - 1], b = order[j];
    if (symbol[a] === symbol[b] && time[a] === time[b]) {
      throw new RangeError(`Symbol ${symbol[a]} has two samples at time ${time[a]} (positions ${a} and ${b})`);
    }
  }

  // Group by timestamp; with unique (symbol, time), the samples at a timestamp are its symbols.
  const byTime = new Uint32Array(order).sort((a, b) => time[a] - time[b]);
  const times: number[] = [], rets: number[] = [];
  for (let j = 0; j < n;) {
    const t = time[byTime[j]];
    let sum = 0, count = 0;
    for (; j < n && time[byTime[j]] === t; j++, count++) sum += (pred[byTime[j]] * payoff[byTime[j]]) / horizon;
    times.push(t);
    rets.push(sum / count);
  }
  return { time: Float64Array.from(times), ret: Float64Array.from(rets), order };
}

function curveFrom(ret: Float64Array): { equity: Float64Array; drawdown: Float64Array } {
  const equity = new Float64Array(ret.length), drawdown = new Float64Array(ret.length);
  // Work in log space: exp(cum) overflows on long unit-payoff runs, but cum - peak does not.
  let cum = 0, peak = 0;
  for (let t = 0; t < ret.length; t++) {
    cum += ret[t];
    peak = Math.max(peak, cum);
    equity[t] = Math.exp(cum);
    drawdown[t] = -Math.expm1(cum - peak);
  }
  return { equity, drawdown };
}

/** Per-bar Sharpe ratio and the shape of the bar returns. */
function barStats(ret: Float64Array): { srPerBar: number; skew: number; kurtosis: number } {
  const m = ret.length;
  if (m < 2) return { srPerBar: 0, skew: NaN, kurtosis: NaN };
  let lo = ret[0], hi = ret[0], sum = 0;
  for (let t = 0; t < m; t++) {
    lo = Math.min(lo, ret[t]);
    hi = Math.max(hi, ret[t]);
    sum += ret[t];
  }
  // Equal returns have std 0 exactly; rounding in the mean would otherwise give a huge ratio.
  if (lo === hi) return { srPerBar: 0, skew: NaN, kurtosis: NaN };
  const mean = sum / m;
  let m2 = 0, m3 = 0, m4 = 0;
  for (let t = 0; t < m; t++) {
    const d = ret[t] - mean, d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  const std = Math.sqrt(m2 / (m - 1));
  m2 /= m;
  m3 /= m;
  m4 /= m;
  return { srPerBar: mean / std, skew: m3 / m2 ** 1.5, kurtosis: m4 / (m2 * m2) };
}

/** sqrt(bars per year), from the median spacing of the portfolio timestamps; 0 with fewer than 2 bars. */
function annualisation(time: Float64Array): number {
  const m = time.length;
  if (m < 2) return 0;
  // Timestamps are distinct and ascending, so every spacing is positive.
  const spacing = new Float64Array(m - 1);
  for (let t = 1; t < m; t++) spacing[t - 1] = time[t] - time[t - 1];
  return Math.sqrt(MS_PER_YEAR / median(spacing));
}

function median(v: Float64Array): number {
  const s = v.slice().sort();
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Sum over symbols and bars of |pos_k - pos_{k-1}|. */
function positionChange(input: TradingInput, order: Uint32Array, horizon: number): number {
  const { pred, symbol } = input;
  let total = 0;
  for (let j = 0; j < order.length; j++) {
    // pos_k - pos_{k-1} = (pred_k - pred_{k-H}) / H: one position enters, the one from H bars ago exits.
    const back = j - horizon;
    const exiting = back >= 0 && symbol[order[back]] === symbol[order[j]] ? pred[order[back]] : 0;
    total += Math.abs(pred[order[j]] - exiting) / horizon;
  }
  return total;
}
