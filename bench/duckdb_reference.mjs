// Reference for bench/data.ts: DuckDB's Node client reading a Parquet file into JS columns.
// Not a project dependency: install it for a benchmark run with `npm i --no-save @duckdb/node-api`.
// Prints one JSON line: {"median_ms", "times_ms", "rows", "columns"}.
import { DuckDBInstance } from "@duckdb/node-api";

const [file, repeats = "5"] = process.argv.slice(2);
const instance = await DuckDBInstance.create(":memory:", { threads: "2" });
const connection = await instance.connect();
const times = [];
let shape;
for (let i = 0; i < Number(repeats) + 1; i++) {
  const t0 = performance.now();
  const reader = await connection.runAndReadAll(`SELECT * FROM read_parquet('${file.replaceAll("'", "''")}')`);
  const columns = reader.getColumnsJS();
  const ms = performance.now() - t0;
  if (i > 0) times.push(ms); // the first read warms the file cache and the engine
  shape = { rows: columns[0].length, columns: columns.length };
}
const sorted = [...times].sort((a, b) => a - b);
console.log(JSON.stringify({ median_ms: sorted[Math.floor(sorted.length / 2)], times_ms: times, ...shape }));
