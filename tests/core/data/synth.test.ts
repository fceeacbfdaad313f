import { beforeAll, describe, expect, it } from "vitest";
import { writeParquet } from "../../../core/data/parquet_write.ts";
import {
  SYNTH_BAR_MS,
  SYNTH_DEFAULT_SIGNAL,
  SYNTH_DEFAULT_VOL_SIGNAL,
  SYNTH_START_MS,
  SYNTH_STRONG_SIGNAL,
  synthSplits,
  type SynthTable,
} from "../../../core/data/synth.ts";

type Split = "train" | "val" | "test";
const SPLITS: Split[] = ["train", "val", "test"];

function column(table: SynthTable, name: string): ArrayLike<unknown> {
  const found = table.columns.find((c) => c.name === name);
  if (!found) throw new Error(`no column ${name}`);
  return found.data as ArrayLike<unknown>;
}

function numbers(table: SynthTable, name: string): Float64Array {
  const data = column(table, name);
  return Float64Array.from({ length: data.length }, (_, i) => (data[i] === null ? Number.NaN : Number(data[i])));
}

/** Row ranges [start, end) of each symbol in a split (rows are sorted by symbol). */
function symbolRuns(table: SynthTable): Map<string, [number, number]> {
  const symbol = column(table, "symbol") as ArrayLike<string>;
  const runs = new Map<string, [number, number]>();
  for (let i = 0; i < table.rows; i++) {
    const run = runs.get(symbol[i]);
    if (run) {
      expect(run[1], `symbol ${symbol[i]} rows are contiguous`).toBe(i);
      run[1] = i + 1;
    } else {
      runs.set(symbol[i], [i, i + 1]);
    }
  }
  return runs;
}

const small = { symbols: 3, rows: 2000, features: 12, horizons: [5, 20] };

describe("synthSplits", () => {
  it("emits datetime, symbol, features, then label/fwd_ret per horizon, with the documented types", () => {
    const { train } = synthSplits({ ...small, horizons: [3, 7] });
    const names = train.columns.map((c) => c.name);
    expect(names).toEqual([
      "datetime",
      "symbol",
      ...Array.from({ length: 12 }, (_, f) => `f_${String(f).padStart(3, "0")}`),
      "label_h3",
      "fwd_ret_h3",
      "label_h7",
      "fwd_ret_h7",
    ]);
    const types = Object.fromEntries(train.columns.map((c) => [c.name, [c.type, c.nullable ?? false]]));
    expect(types.datetime).toEqual(["timestamp_ms", false]);
    expect(types.symbol).toEqual(["string", false]);
    expect(types.f_000).toEqual(["float32", false]);
    expect(types.label_h3).toEqual(["int8", true]);
    expect(types.fwd_ret_h7).toEqual(["float32", true]);
    for (const c of train.columns) expect(c.data.length).toBe(train.rows);
    for (const c of train.columns.filter((c) => c.name.startsWith("f_"))) expect(c.data).toBeInstanceOf(Float32Array);
  });

  it("sorts rows by symbol then time on one shared 5-minute grid starting 2024-01-01", () => {
    const splits = synthSplits(small);
    for (const split of SPLITS) {
      const table = splits[split];
      const time = numbers(table, "datetime");
      const runs = symbolRuns(table);
      expect([...runs.keys()]).toEqual(["SYM00", "SYM01", "SYM02"]);
      const grids = [...runs.values()].map(([start, end]) => Array.from(time.subarray(start, end)));
      for (const grid of grids) {
        expect(grid).toEqual(grids[0]);
        for (let i = 1; i < grid.length; i++) expect(grid[i] - grid[i - 1]).toBe(SYNTH_BAR_MS);
      }
    }
    expect(numbers(splits.train, "datetime")[0]).toBe(SYNTH_START_MS);
    expect(new Date(SYNTH_START_MS).toISOString()).toBe("2024-01-01T00:00:00.000Z");
  });

  it("splits by time with exactly max(H) bars purged before each boundary, for every symbol", () => {
    const splits = synthSplits(small);
    const last = (split: Split, symbol: string) => numbers(splits[split], "datetime")[symbolRuns(splits[split]).get(symbol)![1] - 1];
    const first = (split: Split, symbol: string) => numbers(splits[split], "datetime")[symbolRuns(splits[split]).get(symbol)![0]];
    for (const symbol of ["SYM00", "SYM01", "SYM02"]) {
      // Bars between the last of one split and the first of the next: the gap of max(H) = 20.
      expect((first("val", symbol) - last("train", symbol)) / SYNTH_BAR_MS - 1).toBe(20);
      expect((first("test", symbol) - last("val", symbol)) / SYNTH_BAR_MS - 1).toBe(20);
    }
    // 2000 bars at [0.7, 0.15, 0.15]: boundaries at bars 1400 and 1700.
    expect(splits.train.rows).toBe(3 * (1400 - 20));
    expect(splits.val.rows).toBe(3 * (1700 - 1400 - 20));
    expect(splits.test.rows).toBe(3 * (2000 - 1700));
    expect(first("test", "SYM00")).toBe(SYNTH_START_MS + 1700 * SYNTH_BAR_MS);
  });

  it("nulls labels and forward returns exactly in each symbol's last H bars, all inside test", () => {
    const splits = synthSplits(small);
    for (const h of [5, 20]) {
      for (const split of SPLITS) {
        const table = splits[split];
        const labels = column(table, `label_h${h}`);
        const fwd = numbers(table, `fwd_ret_h${h}`);
        const wrong: string[] = [];
        for (const [start, end] of symbolRuns(table).values()) {
          for (let i = start; i < end; i++) {
            const shouldBeNull = split === "test" && i >= end - h;
            const ok = shouldBeNull
              ? labels[i] === null && Number.isNaN(fwd[i])
              : (labels[i] === -1 || labels[i] === 0 || labels[i] === 1) && Number.isFinite(fwd[i]);
            if (!ok) wrong.push(`${split} h${h} row ${i}: label ${labels[i]}, fwd_ret ${fwd[i]}`);
          }
        }
        expect(wrong).toEqual([]);
      }
    }
  });

  it("labels by the sign of the forward return, 0 only inside the barrier", () => {
    const { train } = synthSplits(small);
    for (const h of [5, 20]) {
      const labels = numbers(train, `label_h${h}`);
      const fwd = numbers(train, `fwd_ret_h${h}`);
      let flatAbs = 0;
      let flat = 0;
      let moveAbs = 0;
      let moves = 0;
      for (let i = 0; i < train.rows; i++) {
        if (labels[i] === 1) expect(fwd[i]).toBeGreaterThan(0);
        if (labels[i] === -1) expect(fwd[i]).toBeLessThan(0);
        if (labels[i] === 0) (flatAbs += Math.abs(fwd[i])), flat++;
        else (moveAbs += Math.abs(fwd[i])), moves++;
      }
      expect(flatAbs / flat).toBeLessThan((0.5 * moveAbs) / moves);
    }
  });

  it("is deterministic for a seed, byte for byte once written, and differs across seeds", () => {
    const bytes = (seed: number) => writeParquet(synthSplits({ ...small, seed }).val.columns);
    const a = bytes(11);
    expect(bytes(11)).toEqual(a);
    expect(bytes(12)).not.toEqual(a);
    const f = (seed: number) => Array.from(numbers(synthSplits({ ...small, seed }).train, "f_000").subarray(0, 50));
    expect(f(11)).not.toEqual(f(12));
  });

  it("keeps features roughly standardised", () => {
    const { train } = synthSplits({ ...small, rows: 20000, features: 40 });
    for (const c of train.columns.filter((c) => c.name.startsWith("f_"))) {
      const x = c.data as Float32Array;
      let sum = 0;
      let sq = 0;
      for (let i = 0; i < x.length; i++) (sum += x[i]), (sq += x[i] * x[i]);
      const mean = sum / x.length;
      const sd = Math.sqrt(sq / x.length - mean * mean);
      // Persistent noise columns wander, so allow a loose band around N(0, 1).
      expect(Math.abs(mean), c.name).toBeLessThan(0.35);
      expect(sd, c.name).toBeGreaterThan(0.6);
      expect(sd, c.name).toBeLessThan(1.4);
    }
  });

  it("rejects options it cannot honour", () => {
    expect(() => synthSplits({ rows: 100, horizons: [5, 20] })).toThrow(/use more rows/);
    expect(() => synthSplits({ fractions: [0.5, 0.3, 0.3] })).toThrow(/summing to 1/);
    expect(() => synthSplits({ horizons: [5, 5] })).toThrow(/distinct/);
    expect(() => synthSplits({ horizons: [0] })).toThrow(RangeError);
    expect(() => synthSplits({ features: 0 })).toThrow(/Option features is 0/);
    expect(() => synthSplits({ seed: 0.5 })).toThrow(RangeError);
    expect(() => synthSplits({ signal: -0.1 })).toThrow(/Option signal is -0.1; expected a number in \[0, 4\]/);
    expect(() => synthSplits({ signal: 4.5 })).toThrow(/Option signal is 4.5/);
    expect(() => synthSplits({ signal: Number.NaN })).toThrow(/Option signal is NaN/);
    expect(() => synthSplits({ volSignal: -0.5 })).toThrow(/Option volSignal is -0.5; expected a number in \[0, 2\]/);
    expect(() => synthSplits({ volSignal: Number.NaN })).toThrow(/Option volSignal is NaN/);
  });

  it("switches the volatility state off when signal is given alone, and on by default or when volSignal is given", () => {
    const options = { symbols: 2, rows: 1500, features: 6, seed: 5 };
    const bytes = (extra: { signal?: number; volSignal?: number }) => writeParquet(synthSplits({ ...options, ...extra }).train.columns);
    expect(bytes({ signal: SYNTH_DEFAULT_SIGNAL })).toEqual(bytes({ signal: SYNTH_DEFAULT_SIGNAL, volSignal: 0 }));
    expect(bytes({})).toEqual(bytes({ signal: SYNTH_DEFAULT_SIGNAL, volSignal: SYNTH_DEFAULT_VOL_SIGNAL }));
    expect(bytes({})).toEqual(bytes({ volSignal: SYNTH_DEFAULT_VOL_SIGNAL }));
    expect(bytes({})).not.toEqual(bytes({ signal: SYNTH_DEFAULT_SIGNAL }));
  });

  it("makes moves, not their direction, more predictable as volSignal grows, with balanced classes", () => {
    const options = { symbols: 3, rows: 20000, features: 12, horizons: [5], signal: 0 };
    const results = [0, 0.7, 1.5].map((volSignal) => {
      const { train, test } = synthSplits({ ...options, volSignal });
      const labels = numbers(test, "label_h5").filter((v) => !Number.isNaN(v));
      for (const cls of [-1, 0, 1]) {
        const share = labels.filter((v) => v === cls).length / labels.length;
        expect(share, `volSignal ${volSignal} class ${cls}`).toBeGreaterThan(0.27);
        expect(share, `volSignal ${volSignal} class ${cls}`).toBeLessThan(0.39);
      }
      return moveAndDirection(train, test, "label_h5");
    });
    // Move AUCs 0.51, 0.62, 0.71 and direction AUCs 0.48-0.53 when written.
    expect(results[0].moveAuc).toBeLessThan(0.54);
    expect(results[1].moveAuc).toBeGreaterThan(results[0].moveAuc + 0.08);
    expect(results[2].moveAuc).toBeGreaterThan(results[1].moveAuc + 0.05);
    for (const r of results) expect(Math.abs(r.directionAuc - 0.5)).toBeLessThan(0.04);
  });

  it("makes the label depend more on the features as the drift signal grows, from none at 0, with balanced classes", () => {
    const options = { symbols: 3, rows: 20000, features: 12, horizons: [5] };
    const f1 = [0, 0.3, 1].map((signal) => {
      const { train, test } = synthSplits({ ...options, signal });
      const labels = numbers(test, "label_h5").filter((v) => !Number.isNaN(v));
      for (const cls of [-1, 0, 1]) {
        const share = labels.filter((v) => v === cls).length / labels.length;
        expect(share, `signal ${signal} class ${cls}`).toBeGreaterThan(0.27);
        expect(share, `signal ${signal} class ${cls}`).toBeLessThan(0.39);
      }
      return linearTercileF1(train, test, "label_h5");
    });
    // Chance macro-F1 with three balanced classes is ~1/3.
    expect(f1[0]).toBeLessThan(0.36);
    expect(f1[1]).toBeGreaterThan(f1[0] + 0.03);
    expect(f1[2]).toBeGreaterThan(f1[1] + 0.05);
  });

  describe("on the defaults (3 symbols x 41,000 bars x 107 features)", () => {
    let splits: ReturnType<typeof synthSplits>;
    beforeAll(() => {
      splits = synthSplits();
    });

    it("has the expected shape", () => {
      // Boundaries at bars 28,700 and 34,850, 20 bars purged before each.
      expect(splits.train.rows).toBe(3 * 28680);
      expect(splits.val.rows).toBe(3 * 6130);
      expect(splits.test.rows).toBe(3 * 6150);
      expect(splits.train.columns).toHaveLength(2 + 107 + 4);
      expect(splits.train.columns.at(-1)?.name).toBe("fwd_ret_h20");
    });

    it("keeps each class between 25% and 40% in every split and horizon", () => {
      for (const split of SPLITS) {
        for (const h of [5, 20]) {
          const labels = numbers(splits[split], `label_h${h}`);
          const known = labels.filter((v) => !Number.isNaN(v));
          for (const cls of [-1, 0, 1]) {
            const share = known.filter((v) => v === cls).length / known.length;
            expect(share, `${split} h${h} class ${cls}`).toBeGreaterThan(0.25);
            expect(share, `${split} h${h} class ${cls}`).toBeLessThan(0.4);
          }
        }
      }
    });

    it("uses the default mix: one row's features tell a move from a 0 label well and its direction barely", () => {
      const explicit = synthSplits({ signal: SYNTH_DEFAULT_SIGNAL, volSignal: SYNTH_DEFAULT_VOL_SIGNAL }).test;
      const returns = [numbers(splits.test, "fwd_ret_h5"), numbers(explicit, "fwd_ret_h5")];
      expect(returns[0].every((v, i) => Object.is(v, returns[1][i]))).toBe(true);
      const h5 = moveAndDirection(splits.train, splits.test, "label_h5");
      const h20 = moveAndDirection(splits.train, splits.test, "label_h20");
      const drift = linearTercileF1(splits.train, splits.test, "label_h5");
      // Move AUC 0.65, direction AUC 0.51, macro-F1 0.41 (H=5) and 0.39 (H=20), drift score 0.34 when written.
      expect(h5.moveAuc).toBeGreaterThan(0.62);
      expect(h5.directionAuc).toBeLessThan(0.55);
      expect(h5.moveAuc - 0.5).toBeGreaterThan(4 * (h5.directionAuc - 0.5));
      // The trainer's logistic regression, GBDT and MLP reach a test macro-F1 of ~0.40 here (H=5), most of it from the 0 class.
      expect(h5.f1).toBeGreaterThan(0.37);
      expect(h5.f1).toBeLessThan(0.45);
      expect(h20.f1).toBeGreaterThan(0.34);
      expect(h20.f1).toBeLessThan(h5.f1);
      // A score of the label itself, which ranks by direction, stays near chance (1/3).
      expect(drift).toBeLessThan(0.37);
    });
  });

  describe("at the strong signal on the default shape", () => {
    it("is learnable from one row's features, but far from perfectly", () => {
      const splits = synthSplits({ signal: SYNTH_STRONG_SIGNAL });
      // A linear score fitted by least squares on train, cut at train's class shares,
      // stands in for the multinomial logistic regression that reaches ~0.54 (H=5) in scikit-learn.
      const h5 = linearTercileF1(splits.train, splits.test, "label_h5");
      const h20 = linearTercileF1(splits.train, splits.test, "label_h20");
      expect(h5).toBeGreaterThan(0.5);
      expect(h5).toBeLessThan(0.62);
      expect(h20).toBeGreaterThan(0.42);
      expect(h20).toBeLessThan(h5);
    });
  });
});

/** Test-split scores of a linear fit and the labels they belong to (every other labelled row). */
type Scorer = (table: SynthTable) => { score: number[]; y: number[] };

/**
 * A least-squares linear score on standardised features, fitted on `train`'s rows (every other labelled one)
 * to `target(label)`, skipping those where it is null.
 */
function linearFit(train: SynthTable, label: string, target: (y: number) => number | null): Scorer {
  const features = train.columns.filter((c) => c.name.startsWith("f_")).map((c) => c.name);
  const p = features.length + 1;
  const design = (table: SynthTable) => {
    const y = numbers(table, label);
    // Every other row is plenty for a 108-parameter fit and halves the test's run time.
    const rows = [...y.keys()].filter((i) => i % 2 === 0 && !Number.isNaN(y[i]));
    const cols = features.map((name) => column(table, name) as Float32Array);
    return { y, rows, cols };
  };
  const tr = design(train);
  const fitRows = tr.rows.filter((i) => target(tr.y[i]) !== null);
  const mean = tr.cols.map((x) => fitRows.reduce((s, i) => s + x[i], 0) / fitRows.length);
  const sd = tr.cols.map((x, j) => Math.sqrt(fitRows.reduce((s, i) => s + (x[i] - mean[j]) ** 2, 0) / fitRows.length));
  const v = new Float64Array(p);
  const rowVector = (cols: Float32Array[], i: number) => {
    for (let j = 0; j < cols.length; j++) v[j] = (cols[j][i] - mean[j]) / sd[j];
    v[p - 1] = 1;
  };
  const xtx = new Float64Array(p * p);
  const xty = new Float64Array(p);
  for (const i of fitRows) {
    rowVector(tr.cols, i);
    const y = target(tr.y[i])!;
    for (let a = 0; a < p; a++) {
      xty[a] += v[a] * y;
      for (let b = 0; b <= a; b++) xtx[a * p + b] += v[a] * v[b];
    }
  }
  for (let a = 0; a < p; a++) {
    xtx[a * p + a] += 1e-3;
    for (let b = 0; b < a; b++) xtx[b * p + a] = xtx[a * p + b];
  }
  const w = solve(xtx, xty, p);
  return (table) => {
    const { y, rows, cols } = design(table);
    const score = rows.map((i) => {
      rowVector(cols, i);
      let s = 0;
      for (let j = 0; j < p; j++) s += v[j] * w[j];
      return s;
    });
    return { score, y: rows.map((i) => y[i]) };
  };
}

/** Macro-F1 on `test` of a least-squares linear score of the label itself, cut into three classes at train's shares. */
function linearTercileF1(train: SynthTable, test: SynthTable, label: string): number {
  const fit = linearFit(train, label, (y) => y);
  const tr = fit(train);
  const sorted = [...tr.score].sort((a, b) => a - b);
  const share = (cls: number) => tr.y.filter((y) => y === cls).length / tr.y.length;
  const lo = sorted[Math.floor(share(-1) * sorted.length)];
  const hi = sorted[Math.floor((1 - share(1)) * sorted.length)];
  const te = fit(test);
  return macroF1(te.y, te.score.map((s) => (s < lo ? -1 : s > hi ? 1 : 0)));
}

/**
 * How well linear fits on one row tell a move from a 0 label, and an up move from a down one: the test AUC of a fit
 * to |label| (move vs 0), the test AUC of a fit to the label on moves only (up vs down, on moves), and the macro-F1
 * of predicting 0 where the move score is low and the direction score's side otherwise.
 */
function moveAndDirection(train: SynthTable, test: SynthTable, label: string): { moveAuc: number; directionAuc: number; f1: number } {
  const move = linearFit(train, label, (y) => Math.abs(y));
  const direction = linearFit(train, label, (y) => (y === 0 ? null : y));
  const m = move(test);
  const d = direction(test);
  // Cut each score where train's own shares fall: its 0 share of the move score, its down share of moves' direction score.
  const quantile = (values: number[], share: number) => [...values].sort((a, b) => a - b)[Math.floor(share * values.length)];
  const tm = move(train);
  const cut = quantile(tm.score, tm.y.filter((y) => y === 0).length / tm.y.length);
  const td = direction(train);
  const upDown = td.y.flatMap((y, k) => (y === 0 ? [] : [k]));
  const middle = quantile(upDown.map((k) => td.score[k]), upDown.filter((k) => td.y[k] < 0).length / upDown.length);
  const moves = d.y.flatMap((y, k) => (y === 0 ? [] : [k]));
  return {
    moveAuc: auc(m.score, m.y.map((y) => y !== 0)),
    directionAuc: auc(moves.map((k) => d.score[k]), moves.map((k) => d.y[k] > 0)),
    f1: macroF1(m.y, m.score.map((s, k) => (s < cut ? 0 : d.score[k] >= middle ? 1 : -1))),
  };
}

/** Area under the ROC curve of `score` for `positive` (the Mann-Whitney statistic; ties count half). */
function auc(score: number[], positive: boolean[]): number {
  const order = score.map((_, k) => k).sort((a, b) => score[a] - score[b]);
  let rankSum = 0;
  let positives = 0;
  for (let start = 0; start < order.length;) {
    let end = start;
    while (end < order.length && score[order[end]] === score[order[start]]) end++;
    const rank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) if (positive[order[k]]) (rankSum += rank), positives++;
    start = end;
  }
  const negatives = order.length - positives;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Macro-F1 over the classes -1, 0 and 1. */
function macroF1(truth: number[], predicted: number[]): number {
  const f1s = [-1, 0, 1].map((cls) => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let k = 0; k < truth.length; k++) {
      if (predicted[k] === cls && truth[k] === cls) tp++;
      else if (predicted[k] === cls) fp++;
      else if (truth[k] === cls) fn++;
    }
    return (2 * tp) / (2 * tp + fp + fn);
  });
  return (f1s[0] + f1s[1] + f1s[2]) / 3;
}

/** Solves the symmetric positive-definite system A x = b (Cholesky). */
function solve(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
      l[i * n + j] = i === j ? Math.sqrt(s) : s / l[j * n + j];
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i * n + k] * y[k];
    y[i] = s / l[i * n + i];
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < n; k++) s -= l[k * n + i] * x[k];
    x[i] = s / l[i * n + i];
  }
  return x;
}
