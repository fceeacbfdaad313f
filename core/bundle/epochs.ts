import { Bool, Dictionary, Float64, Int32, type Table, Utf8, type Vector, vectorFromArray } from "apache-arrow";
import { DataError } from "../errors.ts";
import { arrowFile, column, groupRows, isKind, numberAt, readArrow, strings } from "./arrow.ts";

/**
 * The `epochs` section: every line of every run's metrics.jsonl as one Arrow table. Columns: `run`,
 * `epoch`, one column per key (float64 for numbers, bool for booleans, in the order keys first
 * appear), and `extra`: the JSON of whatever a line holds that fits no column, so nothing is lost.
 */

/** One line of metrics.jsonl: an object with an integer `epoch`. */
export type EpochLine = Record<string, unknown> & { epoch: number };

const RESERVED = new Set(["run", "epoch", "extra"]);

/** Parses metrics.jsonl; a line that is not a JSON object with an integer `epoch` is a DataError naming the run and line. */
export function parseMetricsJsonl(text: string, runId: string): EpochLine[] {
  return text.split("\n").flatMap((line, i) => {
    if (!line.trim()) return [];
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new DataError(`Run ${runId}: metrics.jsonl line ${i + 1} is not valid JSON: ${(error as Error).message}`, { file: "metrics.jsonl", row: i + 1 });
    }
    if (typeof value !== "object" || value === null || Array.isArray(value) || !Number.isSafeInteger((value as { epoch?: unknown }).epoch)) {
      throw new DataError(`Run ${runId}: metrics.jsonl line ${i + 1} is not an object with an integer "epoch": ${line.slice(0, 120)}`, {
        file: "metrics.jsonl",
        row: i + 1,
      });
    }
    return [value as EpochLine];
  });
}

/** The epochs of many runs as one Arrow IPC file. */
export function epochsSection(runs: readonly { id: string; lines: readonly EpochLine[] }[]): Uint8Array {
  const kinds = new Map<string, "number" | "boolean">();
  for (const { lines } of runs) {
    for (const line of lines) {
      for (const [key, value] of Object.entries(line)) {
        if (!RESERVED.has(key) && !kinds.has(key) && (typeof value === "number" || typeof value === "boolean")) {
          kinds.set(key, typeof value as "number" | "boolean");
        }
      }
    }
  }
  const rows = runs.flatMap(({ id, lines }) => lines.map((line) => ({ id, line })));
  const fits = (key: string, value: unknown) => {
    const kind: string = typeof value;
    return kinds.get(key) === kind;
  };
  const columns: Record<string, Vector> = {
    run: vectorFromArray(rows.map((r) => r.id), new Dictionary(new Utf8(), new Int32())),
    epoch: vectorFromArray(rows.map((r) => r.line.epoch), new Int32()),
  };
  for (const [key, kind] of kinds) {
    const values = rows.map(({ line }) => (fits(key, line[key]) ? line[key] : null));
    columns[key] = kind === "number" ? vectorFromArray(values as (number | null)[], new Float64()) : vectorFromArray(values as (boolean | null)[], new Bool());
  }
  columns.extra = vectorFromArray(
    rows.map(({ line }) => {
      const rest = Object.entries(line).filter(([key, value]) => key !== "epoch" && !fits(key, value));
      return rest.length ? JSON.stringify(Object.fromEntries(rest)) : null;
    }),
    new Utf8(),
  );
  return arrowFile(columns);
}

/** The epochs section read back: each run's metrics.jsonl, rebuilt on demand. */
export class EpochsTable {
  private readonly table: Table;
  private readonly rows: Map<string, number[]>;
  private readonly epoch: Vector;
  private readonly metrics: [string, Vector][];
  private readonly extra?: Vector;

  constructor(bytes: Uint8Array, where = "section epochs") {
    this.table = readArrow(bytes, where);
    this.rows = groupRows(strings(column(this.table, "run", "string", where), `${where}, column run`));
    this.epoch = column(this.table, "epoch", "int", where);
    // columns of other kinds are a later writer's additions, which this version leaves alone
    this.metrics = this.table.schema.fields
      .filter((f) => !RESERVED.has(f.name))
      .map((f): [string, Vector] => [f.name, this.table.getChild(f.name)!])
      .filter(([, v]) => isKind(v, "float") || isKind(v, "int") || isKind(v, "bool"));
    this.extra = this.table.getChild("extra") ? column(this.table, "extra", "string", where) : undefined;
  }

  /** Ids of the runs with at least one epoch. */
  runs(): string[] {
    return [...this.rows.keys()];
  }

  /** Whether a run has rows here. */
  has(runId: string): boolean {
    return this.rows.has(runId);
  }

  /** A run's metrics.jsonl text (one JSON object per line, in table order), or undefined when it has no rows. */
  jsonl(runId: string): string | undefined {
    const rows = this.rows.get(runId);
    if (!rows) return undefined;
    return rows.map((row) => {
      const line: Record<string, unknown> = { epoch: numberAt(this.epoch, row) };
      for (const [name, vector] of this.metrics) {
        const value = vector.get(row) as number | bigint | boolean | null;
        if (value !== null) line[name] = typeof value === "bigint" ? Number(value) : value;
      }
      const extra = this.extra?.get(row) as string | null | undefined;
      if (extra) Object.assign(line, parseExtra(extra, runId, row));
      return JSON.stringify(line) + "\n";
    }).join("");
  }
}

function parseExtra(text: string, runId: string, row: number): Record<string, unknown> {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new DataError(`section epochs: column extra of run ${runId} (row ${row}) is not valid JSON: ${(error as Error).message}`);
  }
}
