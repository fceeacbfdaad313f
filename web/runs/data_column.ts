import { dataId } from "../../core/data/fingerprint_id.ts";
import type { DatasetFingerprint } from "../../core/data/fingerprint.ts";
import type { RunRecord } from "../../core/train/run_record.ts";
import { count } from "../format.ts";

/** The file names of a fingerprint in split order, each once (a file cut by time serves all three splits). */
function fileNames(fingerprint: DatasetFingerprint): string[] {
  return [...new Set(Object.values(fingerprint.files).map((f) => f.name))];
}

/**
 * A run's data in one line for the runs table: its files, rows over all splits, symbols and short data id.
 * @example dataSummary(record.dataset) // "train.parquet + val.parquet + test.parquet · 1,200 rows · 2 symbols · 3fa9c2e5"
 */
export function dataSummary(fingerprint: DatasetFingerprint): string {
  const rows = Object.values(fingerprint.files).reduce((n, f) => n + f.rows, 0);
  const symbols = fingerprint.symbols.length;
  return `${fileNames(fingerprint).join(" + ")} · ${count(rows)} rows · ${count(symbols)} symbol${symbols === 1 ? "" : "s"} · ${dataId(fingerprint)}`;
}

/** A list shown whole when short, else its first items and how many there are. */
function shortList(items: readonly string[], keep = 4): string {
  return items.length <= keep ? items.join(", ") : `${items.slice(0, keep).join(", ")}, ... (${count(items.length)})`;
}

/** What the comparison checks of each run's data, with how each is shown. */
const ASPECTS: [string, (r: RunRecord) => string][] = [
  ["files", (r) => fileNames(r.dataset).join(", ")],
  ["file sizes", (r) => Object.entries(r.dataset.files).map(([s, f]) => `${s} ${f.bytes === undefined ? "?" : count(f.bytes)} B`).join(" · ")],
  ["rows", (r) => Object.entries(r.dataset.files).map(([s, f]) => `${s} ${count(f.rows)}`).join(" · ")],
  ["symbols", (r) => shortList(r.dataset.symbols)],
  ["features", (r) => `${count(r.dataset.features.length)}: ${shortList(r.dataset.features, 3)}`],
  ["time split", (r) => {
    const s = r.dataset.split;
    return s ? `val from ${s.val_start}, test from ${s.test_start}, purge ${s.purge}, embargo ${s.embargo}` : "three split files";
  }],
  ["horizon", (r) => String(r.horizon)],
  ["data id", (r) => dataId(r.dataset)],
];

/** One aspect of the runs' data and each run's value of it. */
export interface DataDifference {
  what: string;
  values: string[];
}

/**
 * What differs between the data of these runs (files, file sizes, rows per split, symbols, features, time split, horizon,
 * data id), each with every run's value; empty when they were trained and scored on the same data and labels.
 * Runs that differ here are not measured on the same samples, so their metrics do not compare as equals.
 */
export function dataDifferences(records: readonly RunRecord[]): DataDifference[] {
  return ASPECTS.map(([what, show]) => ({ what, values: records.map(show) })).filter((d) => new Set(d.values).size > 1);
}
