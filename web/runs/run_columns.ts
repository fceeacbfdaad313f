import { dataId } from "../../core/data/fingerprint_id.ts";
import { count, num } from "../format.ts";
import { dataSummary } from "./data_column.ts";
import type { RunRow } from "./run_data.ts";

/** A cell of the runs table: a number, a text, or nothing. */
export type Cell = string | number | undefined;

/** A run flattened once for the table: every column's value, and the lowercase text a search matches. */
export interface FlatRun {
  row: RunRow;
  cells: Record<string, Cell>;
  text: string;
}

/** A column of the runs table. */
export interface Column {
  key: string;
  label: string;
  numeric: boolean;
}

/** Final metrics a table can show, and which way is better (none for counts such as trades). */
export const METRICS: Record<string, "higher" | "lower" | undefined> = {
  accuracy: "higher",
  f1_macro: "higher",
  f1_weighted: "higher",
  log_loss: "lower",
  sharpe: "higher",
  max_drawdown: "lower",
  win_rate: "higher",
  profit_factor: "higher",
  total_return: "higher",
  n_trades: undefined,
  turnover: undefined,
  exposure: undefined,
  n: undefined,
};

/** Columns of a run's record, in this order, before metrics and settings. */
const RECORD_LABELS: Record<string, string> = {
  model: "model",
  horizon: "horizon",
  seq_len: "window",
  data: "data",
  status: "status",
  epochs: "epochs",
  best_epoch: "best epoch",
  backend: "backend",
  seed: "seed",
  created: "created",
  total_s: "time (s)",
};

/** Shown until a person chooses: what the runs table always showed, and the data last. */
export const DEFAULT_COLUMNS = [
  "model",
  "horizon",
  "seq_len",
  "status",
  "epochs",
  "backend",
  "val.f1_macro",
  "test.accuracy",
  "test.f1_macro",
  "test.sharpe",
  "data",
];

/** How the Sharpe ratio is annualised (core/train/metrics/trading.ts), for headers and tooltips. */
export const SHARPE_NOTE =
  "Sharpe ratio, annualised: mean / std of the portfolio's bar returns x sqrt(bars per year), bars per year = 365.25 days / the median bar spacing";

/** A column's tooltip: what a Sharpe column means, the data's parts; none for the rest. */
export function columnTitle(key: string): string | undefined {
  if (/^(val|test)\.sharpe$/.test(key)) return SHARPE_NOTE;
  if (key === "data") return "files · rows over all splits · symbols · data id (the same for runs on the same files, rows, symbols, features and split)";
  return undefined;
}

/** Flattens a run: record fields, its data in one line (data_column.ts), `val.<metric>` and `test.<metric>`, and `params.`/`dataset.`/`trainer.` settings. */
export function flattenRun(row: RunRow): FlatRun {
  const r = row.record;
  const cells: Record<string, Cell> = {
    id: row.id,
    model: r?.model,
    horizon: r?.horizon,
    seq_len: r?.seq_len,
    data: r ? dataSummary(r.dataset) : undefined,
    status: r?.status ?? "unreadable",
    epochs: r?.epochs_run,
    // counted from 1, as mf train, mf runs and the run page say it
    best_epoch: r?.best_epoch === undefined || r.best_epoch < 0 ? undefined : r.best_epoch + 1,
    backend: r?.backend.name,
    seed: r?.seed,
    created: r?.created_at,
    total_s: r?.timings.total_s,
  };
  for (const split of ["val", "test"] as const) {
    const m = row.metrics?.[split] as Record<string, unknown> | undefined;
    for (const key of Object.keys(METRICS)) cells[`${split}.${key}`] = finite(m?.[key]);
  }
  for (const part of ["params", "dataset", "trainer"] as const) {
    for (const [k, v] of Object.entries(r?.config[part] ?? {})) cells[`${part}.${k}`] = typeof v === "number" || typeof v === "string" ? v : JSON.stringify(v);
  }
  const text = [
    row.id,
    r?.model,
    r?.status,
    r?.backend.name,
    // the data id and file names: searching a run's data id lists the runs on the same data
    ...(r ? [dataId(r.dataset), ...Object.values(r.dataset.files).map((f) => f.name)] : []),
    ...Object.entries(r?.config.params ?? {}).map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`),
  ].join(" ").toLowerCase();
  return { row, cells, text };
}

/** Every column some run has a value for: record fields, then metrics, then settings (sorted). */
export function columnsOf(runs: FlatRun[]): Column[] {
  const seen = new Map<string, boolean>();
  for (const run of runs) {
    for (const [key, value] of Object.entries(run.cells)) {
      if (value === undefined || key === "id") continue;
      seen.set(key, (seen.get(key) ?? true) && typeof value === "number");
    }
  }
  return [...seen].map(([key, numeric]) => ({ key, numeric, label: RECORD_LABELS[key] ?? key.replace(/^(val|test)\./, "$1 ") }))
    .sort((a, b) => rank(a.key) - rank(b.key) || a.key.localeCompare(b.key));
}

/** Record fields in their order, then val and test metrics in METRICS order, then settings (by name). */
function rank(key: string): number {
  if (key in RECORD_LABELS) return Object.keys(RECORD_LABELS).indexOf(key);
  const metric = /^(val|test)\.(.+)$/.exec(key);
  return metric ? 100 + (metric[1] === "val" ? 0 : 50) + Object.keys(METRICS).indexOf(metric[2]) : 1000;
}

/** A cell as the table shows it: fractions to 3 decimals, whole metrics (counts such as trades) with thousands separators, "-" for none. */
export function cellText(key: string, value: Cell): string {
  if (typeof value !== "number") return value ?? "-";
  if (!Number.isInteger(value)) return num(value);
  // settings (a seed, a batch size) read as typed
  return /^(val|test)\./.test(key) ? count(value) : String(value);
}

const collator = new Intl.Collator("en", { numeric: true });

/** Orders two cells: missing values first, numbers by value, text naturally ("run-2" before "run-10"). */
export function compareCells(a: Cell, b: Cell): number {
  if (a === b) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  return typeof a === "number" && typeof b === "number" ? a - b : collator.compare(String(a), String(b));
}

/** Which way is better for a column: `val.log_loss` is lower, `test.sharpe` higher, settings neither. */
export function betterOf(key: string): "higher" | "lower" | undefined {
  const match = /^(val|test)\.(.+)$/.exec(key);
  return match ? METRICS[match[2]] : undefined;
}

function finite(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}
