import type { ByteSource } from "../platform.ts";
import { detectColumns, SYMBOL_COLUMN, TIME_COLUMN } from "./columns.ts";
import { readChunks, readMetadata } from "./read_frame.ts";

/** How many rows of a label column hold each class, nothing, or something other than -1/0/1. */
export interface LabelCounts {
  short: number;
  neutral: number;
  long: number;
  missing: number;
  invalid: number;
}

/** What a person checks about one split file before training. */
export interface SplitSummary {
  file: string;
  bytes: number;
  rows: number;
  /** Rows per symbol, sorted by symbol. */
  symbols: { name: string; rows: number }[];
  /** First and last bar time in ms (NaN when the file has no rows). */
  start: number;
  end: number;
  features: string[];
  /** Counts per label column, e.g. `label_h5`. */
  labels: Record<string, LabelCounts>;
  /** Feature columns with NaN, null or infinite values, and how many. */
  nonFinite: Record<string, number>;
}

/**
 * Reads a Phase-1 file column by column (never the whole file at once) and counts what a data
 * summary shows: rows, symbols, time range, features, label classes, non-finite feature values.
 * @example const summary = await summarizeSplit(source); summary.labels.label_h5.long
 */
export async function summarizeSplit(source: ByteSource): Promise<SplitSummary> {
  const metadata = await readMetadata(source);
  const roles = detectColumns(source.name, metadata);
  const perSymbol = new Map<string, number>();
  const labels: Record<string, LabelCounts> = Object.fromEntries(roles.labels.map((c) => [c, { short: 0, neutral: 0, long: 0, missing: 0, invalid: 0 }]));
  const nonFinite: Record<string, number> = {};
  const features = new Set(roles.features);
  let start = Infinity, end = -Infinity;
  await readChunks(source, metadata, [TIME_COLUMN, SYMBOL_COLUMN, ...roles.labels, ...roles.features], (name, data) => {
    if (name === TIME_COLUMN) {
      for (let k = 0; k < data.length; k++) {
        const v = data[k];
        const ms = typeof v === "number" ? v : v instanceof Date ? v.getTime() : NaN;
        if (ms < start) start = ms;
        if (ms > end) end = ms;
      }
    } else if (name === SYMBOL_COLUMN) {
      for (let k = 0; k < data.length; k++) {
        const s = String(data[k]);
        perSymbol.set(s, (perSymbol.get(s) ?? 0) + 1);
      }
    } else if (name in labels) {
      const counts = labels[name];
      for (let k = 0; k < data.length; k++) {
        const v = data[k];
        if (v === null || v === undefined) counts.missing++;
        else if (Number(v) === -1) counts.short++;
        else if (Number(v) === 0) counts.neutral++;
        else if (Number(v) === 1) counts.long++;
        else counts.invalid++;
      }
    } else if (features.has(name)) {
      let bad = 0;
      for (let k = 0; k < data.length; k++) {
        const v = data[k];
        if (v === null || v === undefined || !Number.isFinite(Number(v))) bad++;
      }
      if (bad) nonFinite[name] = (nonFinite[name] ?? 0) + bad;
    }
  });
  const rows = Number(metadata.num_rows);
  return {
    file: source.name,
    bytes: source.byteLength,
    rows,
    symbols: [...perSymbol].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, n]) => ({ name, rows: n })),
    start: rows ? start : NaN,
    end: rows ? end : NaN,
    features: roles.features,
    labels,
    nonFinite,
  };
}

/** The three splits' summaries; a split not opened yet is absent. */
export type SplitSummaries = Partial<Record<"train" | "val" | "test", SplitSummary>>;

/**
 * Problems that would stop or weaken training at `horizon` with windows of `seqLen` rows: a missing
 * label column, rows without labels, labels other than -1/0/1, non-finite features, symbols too
 * short for the window, and feature columns that differ between splits. One readable line each.
 */
export function dataProblems(summaries: SplitSummaries, options: { horizon: number; seqLen: number }): string[] {
  const { horizon, seqLen } = options;
  const column = `label_h${horizon}`;
  const problems: string[] = [];
  const list = (names: string[]) => (names.length > 5 ? `${names.slice(0, 5).join(", ")}, ... (${names.length} in all)` : names.join(", "));
  // counts as a person reads them: 1,234,567
  const n = (count: number) => count.toLocaleString("en-US");
  for (const split of ["train", "val", "test"] as const) {
    const s = summaries[split];
    if (!s) {
      problems.push(`No ${split} file opened yet`);
      continue;
    }
    const counts = s.labels[column];
    if (!counts) problems.push(`${s.file} has no ${column} column; label columns: ${Object.keys(s.labels).join(", ") || "none"}`);
    else {
      if (counts.missing) problems.push(`${s.file}: ${n(counts.missing)} of ${n(s.rows)} rows have no ${column} (they serve as history, not samples)`);
      if (counts.invalid) problems.push(`${s.file}: ${n(counts.invalid)} rows of ${column} are not -1, 0, 1 or null`);
    }
    const bad = Object.entries(s.nonFinite);
    if (bad.length) {
      problems.push(
        `${s.file}: ${bad.length} feature column(s) have NaN or infinite values (${list(bad.map(([c, n]) => `${c}: ${n}`))}); choose nan_policy ffill or drop`,
      );
    }
    const short = s.symbols.filter((x) => x.rows < seqLen);
    if (short.length) problems.push(`${s.file}: symbols with fewer than ${seqLen} rows are skipped: ${list(short.map((x) => `${x.name} (${n(x.rows)})`))}`);
  }
  const train = summaries.train;
  for (const split of ["val", "test"] as const) {
    const other = summaries[split];
    if (train && other && train.features.join() !== other.features.join()) {
      const missing = train.features.filter((c) => !other.features.includes(c));
      const extra = other.features.filter((c) => !train.features.includes(c));
      problems.push(
        `Feature columns differ between ${train.file} and ${other.file}: ${
          [
            missing.length ? `missing ${list(missing)}` : "",
            extra.length ? `extra ${list(extra)}` : "",
            !missing.length && !extra.length ? "different order" : "",
          ].filter(Boolean).join("; ")
        }`,
      );
    }
  }
  return problems;
}
