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
  status: "status",
  epochs: "epochs",
  best_epoch: "best epoch",
  backend: "backend",
  seed: "seed",
  created: "created",
  total_s: "time (s)",
};

/** Shown until a person chooses: what the runs table always showed. */
export const DEFAULT_COLUMNS = ["model", "horizon", "seq_len", "status", "epochs", "backend", "val.f1_macro", "test.accuracy", "test.f1_macro", "test.sharpe"];

/** Flattens a run: record fields, `val.<metric>` and `test.<metric>`, and `params.`/`dataset.`/`trainer.` settings. */
export function flattenRun(row: RunRow): FlatRun {
  const r = row.record;
  const cells: Record<string, Cell> = {
    id: row.id,
    model: r?.model,
    horizon: r?.horizon,
    seq_len: r?.seq_len,
    status: r?.status ?? "unreadable",
    epochs: r?.epochs_run,
    best_epoch: r?.best_epoch,
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
