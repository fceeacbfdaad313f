import { Dictionary, Float64, Int32, type Table, TimestampMillisecond, Utf8, type Vector, vectorFromArray } from "apache-arrow";
import { z } from "zod";
import { arrowFile, column, groupRows, numberAt, readArrow, strings } from "./arrow.ts";

/**
 * The `equity` section: every run's equity.json (per split: time, equity, drawdown) as one Arrow
 * table with columns `run`, `split`, `time` (timestamp, ms, UTC), `equity`, `drawdown`.
 */

const Curve = z.strictObject({
  time: z.array(z.number().int()),
  equity: z.array(z.number().nullable()),
  drawdown: z.array(z.number().nullable()),
}).refine((c) => c.equity.length === c.time.length && c.drawdown.length === c.time.length, "time, equity and drawdown differ in length");
/** equity.json in the shape the table holds: split name -> curve. */
export type EquityCurves = Record<string, z.output<typeof Curve>>;

/**
 * equity.json as curves, or undefined when it has another shape (an older or newer trainer's): such
 * a file travels as it is, in the files section, so the bundle never drops or bends what it cannot type.
 */
export function equityCurves(text: string): EquityCurves | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined; // carried verbatim: the bundle copies what it cannot read, the views report it
  }
  const parsed = z.record(z.string(), Curve).safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/** The curves of many runs as one Arrow IPC file. */
export function equitySection(runs: readonly { id: string; curves: EquityCurves }[]): Uint8Array {
  const run: string[] = [], split: string[] = [], time: number[] = [], equity: (number | null)[] = [], drawdown: (number | null)[] = [];
  for (const { id, curves } of runs) {
    for (const [name, curve] of Object.entries(curves)) {
      for (let i = 0; i < curve.time.length; i++) {
        run.push(id);
        split.push(name);
        time.push(curve.time[i]);
        equity.push(curve.equity[i]);
        drawdown.push(curve.drawdown[i]);
      }
    }
  }
  const columns: Record<string, Vector> = {
    run: vectorFromArray(run, new Dictionary(new Utf8(), new Int32())),
    split: vectorFromArray(split, new Dictionary(new Utf8(), new Int32())),
    time: vectorFromArray(time, new TimestampMillisecond()),
    equity: vectorFromArray(equity, new Float64()),
    drawdown: vectorFromArray(drawdown, new Float64()),
  };
  return arrowFile(columns);
}

/** The equity section read back: each run's equity.json, rebuilt on demand. */
export class EquityTable {
  private readonly table: Table;
  private readonly rows: Map<string, number[]>;
  private readonly split: string[];

  constructor(bytes: Uint8Array, where = "section equity") {
    this.table = readArrow(bytes, where);
    this.rows = groupRows(strings(column(this.table, "run", "string", where), `${where}, column run`));
    this.split = strings(column(this.table, "split", "string", where), `${where}, column split`);
    column(this.table, "time", "timestamp", where);
    column(this.table, "equity", "float", where);
    column(this.table, "drawdown", "float", where);
  }

  /** Ids of the runs with a curve. */
  runs(): string[] {
    return [...this.rows.keys()];
  }

  /** Whether a run has rows here. */
  has(runId: string): boolean {
    return this.rows.has(runId);
  }

  /** A run's equity.json text, or undefined when it has no rows. */
  json(runId: string): string | undefined {
    const rows = this.rows.get(runId);
    if (!rows) return undefined;
    const [time, equity, drawdown] = ["time", "equity", "drawdown"].map((name) => this.table.getChild(name)!);
    const curves: EquityCurves = {};
    for (const row of rows) {
      const curve = (curves[this.split[row]] ??= { time: [], equity: [], drawdown: [] });
      curve.time.push(numberAt(time, row)!);
      curve.equity.push(numberAt(equity, row));
      curve.drawdown.push(numberAt(drawdown, row));
    }
    return JSON.stringify(curves);
  }
}
