import { Binary, Dictionary, Int32, type Table, Utf8, type Vector, vectorFromArray } from "apache-arrow";
import { DataError } from "../errors.ts";
import { arrowFile, column, readArrow, strings } from "./arrow.ts";

/**
 * The `files` section: the run files the bundle carries byte for byte (run.json, metrics.json,
 * feature_importance.json, prepare.json, model/..., and any file of a shape the typed sections do not
 * hold) as one Arrow table with columns `run`, `path`, `data` (binary). The `experiments` section has
 * the same shape with an `experiment` column in place of `run`.
 */

/** One file of one run. */
export interface RunFile {
  id: string;
  path: string;
  data: Uint8Array;
}

/** Files of many runs (or experiments, `key` "experiment") as one Arrow IPC file. */
export function filesSection(files: readonly RunFile[], key = "run"): Uint8Array {
  const columns: Record<string, Vector> = {
    [key]: vectorFromArray(files.map((f) => f.id), new Dictionary(new Utf8(), new Int32())),
    path: vectorFromArray(files.map((f) => f.path), new Utf8()),
    data: vectorFromArray(files.map((f) => f.data), new Binary()),
  };
  return arrowFile(columns);
}

/** The files section read back: (run, path) -> bytes; the experiments section with `key` "experiment". */
export class FilesTable {
  private readonly data: Vector;
  /** Row of each file, by run then path. */
  private readonly rows = new Map<string, Map<string, number>>();

  constructor(bytes: Uint8Array, where = "section files", key = "run") {
    const table: Table = readArrow(bytes, where);
    const runs = strings(column(table, key, "string", where), `${where}, column ${key}`);
    const paths = strings(column(table, "path", "string", where), `${where}, column path`);
    this.data = column(table, "data", "binary", where);
    runs.forEach((run, row) => {
      const files = this.rows.get(run) ?? new Map<string, number>();
      if (files.has(paths[row])) throw new DataError(`${where}: ${key} ${run} has ${paths[row]} twice (rows ${files.get(paths[row])} and ${row})`);
      files.set(paths[row], row);
      this.rows.set(run, files);
    });
  }

  /** Every (run, path) the table holds. */
  *entries(): Iterable<[string, string]> {
    for (const [run, files] of this.rows) for (const path of files.keys()) yield [run, path];
  }

  /** Whether the table holds a run's file. */
  has(runId: string, path: string): boolean {
    return this.rows.get(runId)?.has(path) ?? false;
  }

  /** A copy of a run file's bytes, or undefined when the table does not hold it. */
  get(runId: string, path: string): Uint8Array | undefined {
    const row = this.rows.get(runId)?.get(path);
    if (row === undefined) return undefined;
    const bytes = this.data.get(row) as Uint8Array | null;
    return bytes ? bytes.slice() : new Uint8Array(0);
  }
}
