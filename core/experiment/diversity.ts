/**
 * How differently several runs predict the same samples: the Pearson correlation of their signals
 * and how often their predicted classes agree, on the (symbol, time) rows that every run has.
 *
 * Definitions (run r has class probabilities p_r at each of its rows, class order short, neutral, long):
 * - Rows are joined on (symbol, time) and only the rows present in every run are kept (runs with
 *   different window lengths drop different first rows per symbol). n_shared counts them.
 * - signal_r = p_r(long) - p_r(short) per shared row, in float64.
 * - correlation[a][b] = Pearson correlation of signal_a and signal_b over the shared rows; null when
 *   either signal is constant there or fewer than 2 rows are shared (1 on the diagonal otherwise).
 * - agreement[a][b] = fraction of shared rows where the argmax classes of a and b are equal, ties
 *   going to the lowest class index as in {@linkcode argmaxClasses}; null with no shared rows.
 * @module
 */

import { argmaxClasses } from "../train/metrics/classification.ts";

/** One run's predictions: a row per sample, with its symbol name, bar time and n x 3 probabilities. */
export interface RunPredictions {
  /** Epoch milliseconds of each row's bar. */
  time: ArrayLike<number>;
  /** Symbol name of each row. */
  symbol: ArrayLike<string>;
  /** n x 3 row-major probabilities, class order short, neutral, long. */
  probs: ArrayLike<number>;
}

/** Correlation and agreement matrices, rows and columns in the order the runs were given. */
export interface PredictionDiversity {
  /** Rows present in every run. */
  n_shared: number;
  /** Pearson correlation of the runs' signals (prob_long - prob_short); null where undefined. */
  correlation: (number | null)[][];
  /** Fraction of shared rows where two runs predict the same class; null with no shared rows. */
  agreement: (number | null)[][];
}

/**
 * Correlation of signals and agreement of predicted classes of several runs on their shared rows.
 * `names` (one per run) only label error messages.
 *
 * @example
 * ```ts
 * const a = { time: [0, 1], symbol: ["BTC", "BTC"], probs: [0.6, 0.2, 0.2, 0.1, 0.2, 0.7] };
 * const b = { time: [1], symbol: ["BTC"], probs: [0.2, 0.3, 0.5] };
 * predictionDiversity([a, b]); // { n_shared: 1, correlation: [[null, null], [null, null]], agreement: [[1, 1], [1, 1]] }
 * ```
 */
export function predictionDiversity(runs: readonly RunPredictions[], names?: readonly string[]): PredictionDiversity {
  const label = (r: number) => names?.[r] ?? `run ${r}`;
  const rowsOf = runs.map((run, r) => rowIndex(run, label(r)));
  // Shared keys in the first run's row order: any order gives the same statistics, this one is stable.
  const shared: string[] = [];
  if (runs.length > 0) {
    for (const key of rowsOf[0].keys()) if (rowsOf.every((rows) => rows.has(key))) shared.push(key);
  }
  const n = shared.length;
  const signals = runs.map((run, r) => {
    const rows = rowsOf[r];
    return Float64Array.from(shared, (key) => {
      const i = rows.get(key)!;
      return run.probs[i * 3 + 2] - run.probs[i * 3];
    });
  });
  const classes = runs.map((run, r) => {
    const rows = rowsOf[r];
    const picked = new Float64Array(n * 3);
    shared.forEach((key, j) => {
      const i = rows.get(key)!;
      for (let k = 0; k < 3; k++) picked[j * 3 + k] = run.probs[i * 3 + k];
    });
    return argmaxClasses(picked, n);
  });

  const k = runs.length;
  const correlation = square(k, (a, b) => pearson(signals[a], signals[b]));
  const agreement = square(k, (a, b) => {
    if (n === 0) return null;
    let same = 0;
    for (let j = 0; j < n; j++) if (classes[a][j] === classes[b][j]) same++;
    return same / n;
  });
  return { n_shared: n, correlation, agreement };
}

/** Row of each (symbol, time) key; a key seen twice is an error. */
function rowIndex(run: RunPredictions, name: string): Map<string, number> {
  const n = run.time.length;
  if (run.symbol.length !== n) throw new RangeError(`Predictions of ${name}: ${run.symbol.length} symbols for ${n} times`);
  if (run.probs.length !== n * 3) throw new RangeError(`Predictions of ${name}: expected ${n} x 3 probabilities, got ${run.probs.length} values`);
  const rows = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    // NUL cannot occur in a symbol name read from a file column, so the key is unambiguous.
    const key = `${run.symbol[i]}\u0000${run.time[i]}`;
    if (rows.has(key)) {
      throw new RangeError(`Predictions of ${name}: symbol ${run.symbol[i]} has two rows at time ${run.time[i]} (rows ${rows.get(key)} and ${i})`);
    }
    rows.set(key, i);
  }
  return rows;
}

/** A symmetric k x k matrix, each pair computed once. */
function square(k: number, f: (a: number, b: number) => number | null): (number | null)[][] {
  const out = Array.from({ length: k }, () => new Array<number | null>(k).fill(null));
  for (let a = 0; a < k; a++) {
    for (let b = a; b < k; b++) out[a][b] = out[b][a] = f(a, b);
  }
  return out;
}

function pearson(x: Float64Array, y: Float64Array): number | null {
  const n = x.length;
  if (n < 2) return null;
  let mx = 0, my = 0, xConst = true, yConst = true;
  for (let i = 0; i < n; i++) {
    mx += x[i];
    my += y[i];
    xConst &&= x[i] === x[0];
    yConst &&= y[i] === y[0];
  }
  // A constant signal has variance 0 exactly; rounding in the mean would otherwise make it look tiny but real.
  if (xConst || yConst) return null;
  mx /= n;
  my /= n;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - mx, dy = y[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  // Rounding can carry |r| a hair past 1 for identical signals.
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}
