import type { Windows } from "../data/windows.ts";
import { argmaxClasses, type ClassificationMetrics, classificationMetrics } from "./metrics/classification.ts";
import { finiteOrNull, type TradingInput, type TradingMetrics, tradingMetrics } from "./metrics/trading.ts";

/** Classification and trading metrics of a set of samples; JSON-safe (non-finite numbers become null). */
export type Metrics = Omit<ClassificationMetrics, never> & { [K in keyof TradingMetrics]: number | null };

/** Metrics of one split: overall, and the same for every symbol. */
export type SplitMetrics = Metrics & { per_symbol: Record<string, Metrics> };

/**
 * Scores predicted probabilities (n x 3) of a split's samples: every classification and trading
 * metric overall and per symbol. Trading uses the frame's forward returns, or the label as a unit
 * payoff when the file has none.
 */
export function evaluate(windows: Windows, probs: Float32Array, horizon: number): SplitMetrics {
  const n = windows.size;
  const { frame } = windows;
  const yTrue = windows.classes();
  const input = tradingInput(windows, probs, horizon);
  const overall = score(yTrue, probs, input);
  const per_symbol: Record<string, Metrics> = {};
  for (let s = 0; s < frame.symbols.length; s++) {
    const idx: number[] = [];
    for (let k = 0; k < n; k++) if (input.symbol[k] === s) idx.push(k);
    if (idx.length === 0) continue;
    const sub = (a: ArrayLike<number>) => Float64Array.from(idx, (k) => a[k]);
    const subProbs = new Float32Array(idx.length * 3);
    idx.forEach((k, i) => subProbs.set(probs.subarray(k * 3, k * 3 + 3), i * 3));
    per_symbol[frame.symbols[s]] = score(Int8Array.from(idx, (k) => yTrue[k]), subProbs, {
      pred: sub(input.pred),
      payoff: sub(input.payoff),
      time: sub(input.time),
      symbol: Int32Array.from(idx, () => s),
      horizon,
    });
  }
  return { ...overall, per_symbol };
}

/** What trading metrics and the equity curve are computed from: predicted positions and their payoffs, per sample. */
export function tradingInput(windows: Windows, probs: Float32Array, horizon: number): TradingInput & { symbol: Int32Array } {
  const n = windows.size;
  if (probs.length !== n * 3) throw new RangeError(`Expected ${n} x 3 probabilities for ${windows.frame.source}, got ${probs.length} values`);
  const { frame, ends } = windows;
  return {
    pred: Int8Array.from(argmaxClasses(probs, n), (c) => c - 1),
    payoff: Float64Array.from(ends, (row) => payoffAt(frame.fwdReturn, frame.label!, row)),
    time: Float64Array.from(ends, (row) => frame.time[row]),
    symbol: Int32Array.from(ends, (row) => frame.symbol[row]),
    horizon,
  };
}

function payoffAt(fwd: Float32Array | undefined, label: Int8Array, row: number): number {
  // a missing forward return (null in the file, or no column at all) falls back to the label as a unit payoff
  const r = fwd?.[row];
  return r !== undefined && r - r === 0 ? r : label[row];
}

function score(yTrue: ArrayLike<number>, probs: Float32Array, trading: TradingInput): Metrics {
  const t = tradingMetrics(trading);
  const safe = Object.fromEntries(Object.entries(t).map(([k, v]) => [k, finiteOrNull(v)])) as { [K in keyof TradingMetrics]: number | null };
  return { ...classificationMetrics(yTrue, probs), ...safe };
}
