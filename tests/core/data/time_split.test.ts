import { describe, expect, it } from "vitest";
import { DatasetConfig, TimeSplitConfig } from "../../../core/config/dataset.ts";
import { parseConfig } from "../../../core/config/parse.ts";
import { type Frame, NO_LABEL } from "../../../core/data/frame.ts";
import type { WriteColumn } from "../../../core/data/parquet_write.ts";
import { readFrame } from "../../../core/data/read_frame.ts";
import { loadSplits } from "../../../core/data/splits.ts";
import { readTimeIndex } from "../../../core/data/time_index.ts";
import { SPLIT_NAMES, splitFrameByTime } from "../../../core/data/time_split.ts";
import { summarizeTimeSplit } from "../../../core/data/time_split_summary.ts";
import { ConfigError, DataError } from "../../../core/errors.ts";
import { parquetSource } from "../../helpers.ts";

const T0 = Date.UTC(2024, 0, 1);
const BAR = 5 * 60_000;
const H = 5;
const at = (bar: number) => T0 + bar * BAR;
const iso = (bar: number) => new Date(at(bar)).toISOString();
/** val starts at bar 140, test at bar 170, the same instants for every symbol. */
const DATES: [string, string] = [iso(140), iso(170)];

/**
 * Three symbols on a 5-minute grid: A has bars 0..199; B bars 20..179 with bars 100..109 missing;
 * C bars 0..89 (it ends in train). Labels look H rows ahead in their symbol's series (the sign of
 * f_a's change), null in each symbol's last H rows; f_a is a trending walk, so its train mean differs
 * from the whole file's. Rows are written newest first, so the reader has to sort them.
 */
function dataset() {
  const bars: Record<string, number[]> = {
    A: Array.from({ length: 200 }, (_, i) => i),
    B: Array.from({ length: 160 }, (_, i) => 20 + i).filter((b) => b < 100 || b >= 110),
    C: Array.from({ length: 90 }, (_, i) => i),
  };
  const rows: { symbol: string; bar: number; fa: number; fb: number; label: number | null }[] = [];
  let seed = 3;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (const [symbol, list] of Object.entries(bars)) {
    const walk: number[] = [];
    let x = 0;
    for (let i = 0; i < list.length; i++) walk.push(x += 0.1 + rand() - 0.5);
    list.forEach((bar, i) => rows.push({ symbol, bar, fa: walk[i], fb: i % 7, label: i + H < list.length ? Math.sign(walk[i + H] - walk[i]) : null }));
  }
  rows.reverse();
  const columns: WriteColumn[] = [
    { name: "datetime", type: "timestamp_ms", data: rows.map((r) => at(r.bar)) },
    { name: "symbol", type: "string", data: rows.map((r) => r.symbol) },
    { name: "f_a", type: "float64", data: rows.map((r) => r.fa) },
    { name: "f_b", type: "float64", data: rows.map((r) => r.fb) },
    { name: "label_h5", type: "int8", data: rows.map((r) => r.label), nullable: true },
    { name: "fwd_ret_h5", type: "float32", data: rows.map(() => 0.001) },
  ];
  return { rows, source: parquetSource("data.parquet", columns) };
}

const readOpts = { labelColumn: "label_h5", fwdReturnColumn: "fwd_ret_h5", requireLabel: true };
const config = (split: Partial<TimeSplitConfig>) => TimeSplitConfig.parse(split);
const dataset5 = (split: Partial<TimeSplitConfig>, seqLen = 10) => ({ ...DatasetConfig.parse({ horizon: H, split }), seq_len: seqLen });

/** Time range [lo, hi) of a split. */
function range(split: (typeof SPLIT_NAMES)[number], valStart: number, testStart: number): [number, number] {
  return split === "train" ? [-Infinity, valStart] : split === "val" ? [valStart, testStart] : [testStart, Infinity];
}

/** Rows of `part` whose label looks at a row (H rows ahead in the whole frame, same symbol) outside the part's time range. */
function crossings(whole: Frame, part: Frame, lo: number, hi: number): string[] {
  const position = new Map<string, number>();
  for (let r = 0; r < whole.rows; r++) position.set(`${whole.symbols[whole.symbol[r]]}@${whole.time[r]}`, r);
  const out: string[] = [];
  for (let r = 0; r < part.rows; r++) {
    if (part.label![r] === NO_LABEL) continue;
    const i = position.get(`${part.symbols[part.symbol[r]]}@${part.time[r]}`)!;
    for (let k = 1; k <= H && i + k < whole.rows && whole.symbol[i + k] === whole.symbol[i]; k++) {
      const t = whole.time[i + k];
      if (t < lo || t >= hi) out.push(`${part.symbols[part.symbol[r]]} ${new Date(part.time[r]).toISOString()} sees ${new Date(t).toISOString()}`);
    }
  }
  return out;
}

describe("time split of one file", () => {
  it("purges every row whose label horizon reaches across a boundary (and without the purge some would)", async () => {
    const { source } = dataset();
    const whole = await readFrame(source, readOpts);
    const cut = splitFrameByTime(whole, config({ dates: DATES }), { purge: H, source: "data.parquet" });
    const [valStart, testStart] = DATES.map(Date.parse);
    for (const split of SPLIT_NAMES) expect(crossings(whole, cut[split], ...range(split, valStart, testStart)), split).toEqual([]);
    const leaky = splitFrameByTime(whole, config({ dates: DATES, purge: 0 }), { purge: H, source: "data.parquet" });
    expect(crossings(whole, leaky.train, -Infinity, valStart).length).toBeGreaterThan(0);
    expect(crossings(whole, leaky.val, valStart, testStart).length).toBeGreaterThan(0);
  });

  it("cuts every symbol at the same instants, dropping `purge` rows before each boundary (per symbol) and `embargo` after", async () => {
    const { source } = dataset();
    const whole = await readFrame(source, readOpts);
    const cut = splitFrameByTime(whole, config({ dates: DATES, embargo: 3 }), { purge: H, source: "data.parquet" });
    const rowsOf = (f: Frame, s: string) => Array.from(f.time).filter((_, r) => f.symbols[f.symbol[r]] === s);
    // A: bars 0..139 | 140..169 | 170..199; B: 20..99 + 110..139 | 140..169 | 170..179; C: 0..89 (train only, no boundary to purge)
    expect(rowsOf(cut.train, "A")).toEqual(Array.from({ length: 140 - H }, (_, i) => at(i)));
    expect(rowsOf(cut.val, "A")).toEqual(Array.from({ length: 30 - H - 3 }, (_, i) => at(143 + i)));
    expect(rowsOf(cut.test, "A")).toEqual(Array.from({ length: 30 - 3 }, (_, i) => at(173 + i)));
    expect(rowsOf(cut.train, "B").at(-1)).toBe(at(139 - H));
    expect(rowsOf(cut.val, "B")[0]).toBe(at(143));
    expect(rowsOf(cut.test, "B")).toEqual(Array.from({ length: 10 - 3 }, (_, i) => at(173 + i)));
    expect(rowsOf(cut.train, "C")).toHaveLength(90);
    expect(cut.val.symbols).toEqual(["A", "B"]);
    for (const s of ["A", "B", "C"]) {
      expect(Math.max(...rowsOf(cut.train, s))).toBeLessThan(Date.parse(DATES[0]));
      if (s === "C") continue;
      expect(Math.min(...rowsOf(cut.val, s))).toBeGreaterThanOrEqual(Date.parse(DATES[0]));
      expect(Math.max(...rowsOf(cut.val, s))).toBeLessThan(Date.parse(DATES[1]));
      expect(Math.min(...rowsOf(cut.test, s))).toBeGreaterThanOrEqual(Date.parse(DATES[1]));
    }
    expect(cut.record).toEqual({
      file: "data.parquet",
      val_start: DATES[0],
      test_start: DATES[1],
      purge: H,
      embargo: 3,
      rows: { train: 135 + 105 + 90, val: 22 + 22, test: 27 + 7 },
      dropped: 2 * (5 + 3) * 2,
    });
    expect(cut.val.source).toBe("data.parquet (val part)");
  });

  it("builds windows per split: every window's rows lie in its split's time range and its own symbol", async () => {
    const { source } = dataset();
    const splits = await loadSplits({ file: source }, dataset5({ dates: DATES }, 12));
    const [valStart, testStart] = DATES.map(Date.parse);
    for (const split of SPLIT_NAMES) {
      const w = splits[split];
      const [lo, hi] = range(split, valStart, testStart);
      const rows = w.rowIndices(Int32Array.from({ length: w.size }, (_, k) => k));
      expect(w.size).toBeGreaterThan(0);
      for (let k = 0; k < rows.length; k++) {
        const t = w.frame.time[rows[k]];
        expect(t >= lo && t < hi, `${split} window row at ${new Date(t).toISOString()}`).toBe(true);
        expect(w.frame.symbol[rows[k]]).toBe(w.frame.symbol[rows[k - (k % 12)]]);
      }
    }
    expect(splits.fingerprint.split).toMatchObject({ file: "data.parquet", val_start: DATES[0], test_start: DATES[1], purge: H, embargo: 0 });
    expect(splits.fingerprint.files.val).toMatchObject({ name: "data.parquet", rows: 25 + 25, samples: splits.val.size });
  });

  it("fits the scaler on the kept train rows only", async () => {
    const { rows, source } = dataset();
    const splits = await loadSplits({ file: source }, dataset5({ dates: DATES }));
    // independently: train rows are those before val starts, less each crossing symbol's last H of them
    const train = rows.filter((r) => r.bar < 140).sort((a, b) => a.symbol.localeCompare(b.symbol) || a.bar - b.bar);
    const kept = train.filter((r, i) => {
      const crossing = r.symbol !== "C";
      const fromEnd = train.filter((x) => x.symbol === r.symbol).length - train.slice(0, i + 1).filter((x) => x.symbol === r.symbol).length;
      return !crossing || fromEnd >= H;
    });
    const mean = kept.reduce((s, r) => s + r.fa, 0) / kept.length;
    const allMean = rows.reduce((s, r) => s + r.fa, 0) / rows.length;
    expect(kept).toHaveLength(330);
    expect(splits.scaler!.mean[0]).toBeCloseTo(mean, 5);
    // neither the whole file nor train with its purged rows gives that number
    expect(Math.abs(allMean - mean)).toBeGreaterThan(0.5);
    expect(Math.abs(train.reduce((s, r) => s + r.fa, 0) / train.length - mean)).toBeGreaterThan(1e-3);
    // val is standardised with train's numbers, not its own
    const valMean = Array.from({ length: splits.val.frame.rows }, (_, r) => splits.val.frame.features[r * 2]).reduce((a, b) => a + b) / splits.val.frame.rows;
    expect(Math.abs(valMean)).toBeGreaterThan(0.5);
  });

  it("defaults to 70/15/15 of the time range with a purge of the horizon", async () => {
    const { source } = dataset();
    const splits = await loadSplits({ file: source }, { ...DatasetConfig.parse({ horizon: H }), seq_len: 4 });
    expect(splits.fingerprint.split).toMatchObject({
      val_start: new Date(at(199 * 0.7)).toISOString(),
      test_start: new Date(at(199 * 0.85)).toISOString(),
      purge: H,
      embargo: 0,
    });
  });

  it("rejects a boundary outside the data, naming the date and the range", async () => {
    const { source } = dataset();
    const load = (dates: [string, string]) => loadSplits({ file: source }, dataset5({ dates }));
    await expect(load(["2023-12-01", DATES[1]])).rejects.toThrow(
      `dataset.split.dates[0] "2023-12-01" (validation start) leaves train without rows: it must be after the first bar; data.parquet spans ${iso(0)} to ${
        iso(199)
      }`,
    );
    await expect(load(["2023-12-01", DATES[1]])).rejects.toBeInstanceOf(ConfigError);
    await expect(load([DATES[0], "2024-02-01"])).rejects.toThrow(
      /^dataset\.split\.dates\[1\] "2024-02-01" \(test start\) leaves test without rows: it must be at or before the last bar; data\.parquet spans/,
    );
  });

  it("rejects boundaries out of order, naming both", async () => {
    const { source } = dataset();
    await expect(loadSplits({ file: source }, dataset5({ dates: [DATES[1], DATES[0]] }))).rejects.toThrow(
      `dataset.split.dates must be increasing: validation starts at "${DATES[1]}" but test starts at "${DATES[0]}"`,
    );
  });

  it("rejects a split left without rows by the purge, naming its range", async () => {
    const { source } = dataset();
    // val is 4 bars wide; each symbol's last 5 val rows are purged before test starts
    const error = await loadSplits({ file: source }, dataset5({ dates: [iso(140), iso(144)] })).catch((e: Error) => e);
    expect(error).toBeInstanceOf(DataError);
    expect((error as Error).message).toBe(
      `data.parquet: the val split (from ${iso(140)} to ${
        iso(144)
      }) has no rows left after purging 5 row(s) before each boundary and an embargo of 0; move the boundaries apart`,
    );
  });

  it("rejects a time that is not ISO 8601, and a split with three split files", async () => {
    expect(() => parseConfig(DatasetConfig, { split: { dates: ["last week", "2024-01-02"] } }, "dataset config")).toThrow(
      /split\.dates\.0: .*\(got "last week"\)/,
    );
    const { source } = dataset();
    await expect(loadSplits({ train: source, val: source, test: source }, dataset5({ dates: DATES }))).rejects.toThrow(
      "dataset.split cuts one data file by time, but three split files were given (data.parquet, data.parquet, data.parquet); remove dataset.split or give one file",
    );
  });

  it("summarises each split with exactly the rows and labels training reads", async () => {
    const { source } = dataset();
    const index = await readTimeIndex(source);
    const view = summarizeTimeSplit(index, config({ dates: DATES, embargo: 2 }), { purge: H });
    const whole = await readFrame(source, readOpts);
    const cut = splitFrameByTime(whole, config({ dates: DATES, embargo: 2 }), { purge: H, source: "data.parquet" });
    for (const split of SPLIT_NAMES) {
      const s = view.summaries[split], f = cut[split];
      expect(s.rows).toBe(f.rows);
      expect(s.file).toBe(f.source);
      expect(s.symbols.map((x) => x.name)).toEqual(f.symbols);
      expect([s.start, s.end]).toEqual([Math.min(...f.time), Math.max(...f.time)]);
      const count = (v: number) => Array.from(f.label!).filter((x) => x === v).length;
      expect(s.labels.label_h5).toEqual({ short: count(-1), neutral: count(0), long: count(1), missing: count(NO_LABEL), invalid: 0 });
    }
    expect(view.counts.dropped).toBe(cut.record.dropped);
    expect(() => summarizeTimeSplit(index, config({ dates: [DATES[1], DATES[0]] }), { purge: H })).toThrow(/must be increasing/);
  });

  it("indexes a file's times, labels and non-finite features in training's row order", async () => {
    const columns: WriteColumn[] = [
      { name: "datetime", type: "timestamp_ms", data: [at(1), at(0), at(0), at(1)] },
      { name: "symbol", type: "string", data: ["B", "B", "A", "A"] },
      { name: "f_a", type: "float64", data: [1, NaN, 2, Infinity] },
      { name: "label_h5", type: "int32", data: [1, null, 3, -1], nullable: true },
    ];
    const index = await readTimeIndex(parquetSource("i.parquet", columns));
    expect(index.symbols).toEqual(["A", "B"]);
    expect([...index.time]).toEqual([at(0), at(1), at(0), at(1)]);
    expect([...index.segments]).toEqual([0, 2, 2, 4]);
    expect([...index.labels.label_h5]).toEqual([127, -1, NO_LABEL, 1]);
    expect(Object.fromEntries(Object.entries(index.nonFinite).map(([k, v]) => [k, [...v]]))).toEqual({ f_a: [1, 2] });
  });
});
