import { Dictionary, Float32, Int32, Int8, type Table, TimestampMillisecond, Utf8, type Vector, vectorFromArray } from "apache-arrow";
import { parquetMetadata, parquetRead } from "hyparquet";
import { writeParquet } from "../data/parquet_write.ts";
import { arrowFile, column, groupRows, numberAt, readArrow, strings } from "./arrow.ts";

/**
 * The `predictions` section (only in a bundle made with predictions): every run's
 * predictions/<split>.parquet as one Arrow table with columns `run`, `split`, then the trainer's
 * columns: `datetime`, `symbol`, `horizon`, `prediction`, `prob_short`, `prob_neutral`, `prob_long`.
 */

/** The columns of a predictions file, in the trainer's order. */
export const PREDICTION_COLUMNS = ["datetime", "symbol", "horizon", "prediction", "prob_short", "prob_neutral", "prob_long"] as const;

/** One predictions file's columns. */
export interface PredictionColumns {
  datetime: number[];
  symbol: string[];
  horizon: number[];
  prediction: number[];
  prob_short: number[];
  prob_neutral: number[];
  prob_long: number[];
}

/**
 * A predictions Parquet file's columns, or undefined when its columns are not the trainer's (such a
 * file travels as it is, in the files section).
 */
export async function readPredictions(bytes: Uint8Array): Promise<PredictionColumns | undefined> {
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  let names: string[];
  try {
    names = parquetMetadata(file).schema.slice(1).map((s) => s.name);
  } catch {
    return undefined; // not Parquet: carried verbatim like any file the bundle does not type
  }
  if (names.join() !== PREDICTION_COLUMNS.join()) return undefined;
  const out: PredictionColumns = { datetime: [], symbol: [], horizon: [], prediction: [], prob_short: [], prob_neutral: [], prob_long: [] };
  await parquetRead({
    file,
    columns: [...PREDICTION_COLUMNS],
    parsers: { timestampFromMilliseconds: Number },
    onComplete: (rows: unknown[][]) => {
      for (const row of rows) PREDICTION_COLUMNS.forEach((name, c) => (out[name] as unknown[]).push(name === "symbol" ? String(row[c]) : Number(row[c])));
    },
  });
  return out;
}

/** The predictions of many runs (each split a file) as one Arrow IPC file. */
export function predictionsSection(files: readonly { id: string; split: string; columns: PredictionColumns }[]): Uint8Array {
  const all = (pick: (c: PredictionColumns) => (number | string)[]) => files.flatMap((f) => pick(f.columns));
  const runs = files.flatMap((f) => new Array<string>(f.columns.datetime.length).fill(f.id));
  const splits = files.flatMap((f) => new Array<string>(f.columns.datetime.length).fill(f.split));
  const columns: Record<string, Vector> = {
    run: vectorFromArray(runs, new Dictionary(new Utf8(), new Int32())),
    split: vectorFromArray(splits, new Dictionary(new Utf8(), new Int32())),
    datetime: vectorFromArray(all((c) => c.datetime) as number[], new TimestampMillisecond()),
    symbol: vectorFromArray(all((c) => c.symbol) as string[], new Dictionary(new Utf8(), new Int32())),
    horizon: vectorFromArray(all((c) => c.horizon) as number[], new Int32()),
    prediction: vectorFromArray(all((c) => c.prediction) as number[], new Int8()),
    prob_short: vectorFromArray(all((c) => c.prob_short) as number[], new Float32()),
    prob_neutral: vectorFromArray(all((c) => c.prob_neutral) as number[], new Float32()),
    prob_long: vectorFromArray(all((c) => c.prob_long) as number[], new Float32()),
  };
  return arrowFile(columns);
}

/** The predictions section read back: `predictions/<split>.parquet` of a run, rebuilt on demand. */
export class PredictionsTable {
  private readonly table: Table;
  /** Rows per "run\u0000split". */
  private readonly rows: Map<string, number[]>;
  private symbols?: string[];

  constructor(bytes: Uint8Array, where = "section predictions") {
    this.table = readArrow(bytes, where);
    const runs = strings(column(this.table, "run", "string", where), `${where}, column run`);
    const splits = strings(column(this.table, "split", "string", where), `${where}, column split`);
    this.rows = groupRows(runs.map((r, i) => `${r}\u0000${splits[i]}`));
    column(this.table, "datetime", "timestamp", where);
    column(this.table, "symbol", "string", where);
    for (const name of ["horizon", "prediction"]) column(this.table, name, "int", where);
    for (const name of ["prob_short", "prob_neutral", "prob_long"]) column(this.table, name, "float", where);
  }

  /** Whether the table holds a run's predictions of `split`. */
  has(runId: string, split: string): boolean {
    return this.rows.has(`${runId}\u0000${split}`);
  }

  /** A run's predictions of one split as a Parquet file (the trainer's column types), or undefined when absent. */
  parquet(runId: string, split: string): Uint8Array | undefined {
    const rows = this.rows.get(`${runId}\u0000${split}`);
    if (!rows) return undefined;
    const values = (name: string) => {
      const vector = this.table.getChild(name)!;
      return rows.map((row) => numberAt(vector, row));
    };
    const symbols = (this.symbols ??= strings(this.table.getChild("symbol")!, "section predictions, column symbol"));
    return writeParquet([
      { name: "datetime", type: "timestamp_ms", data: values("datetime") },
      { name: "symbol", type: "string", data: rows.map((row) => symbols[row]) },
      { name: "horizon", type: "int32", data: values("horizon") },
      { name: "prediction", type: "int8", data: values("prediction") },
      { name: "prob_short", type: "float32", data: values("prob_short") },
      { name: "prob_neutral", type: "float32", data: values("prob_neutral") },
      { name: "prob_long", type: "float32", data: values("prob_long") },
    ]);
  }
}
