// Data-path benchmark (issue 2): Parquet -> Float32 frame, window index, batch gather.
// Usage: npm run bench:data [-- --data DIR]   (DIR holds train.parquet; default: synth defaults in experiments/demo-data)
// Writes experiments/benchmarks/data.json and data.md. Times are medians; references run in the same process tree.
import { parseArgs } from "node:util";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { parquetReadObjects } from "hyparquet";
import { selectBackend } from "../models/tfjs/backend.ts";
import { readFrame } from "../core/data/read_frame.ts";
import { Windows } from "../core/data/windows.ts";
import { createRng } from "../core/random.ts";
import { openFile } from "../cli/file_source.ts";
import { synthCommand } from "../cli/commands/synth.ts";
import { machine, median, writeResult } from "./machine.ts";

const { values } = parseArgs({ args: Deno.args, options: { data: { type: "string" }, repeats: { type: "string" } } });
const dir = values.data ?? join("experiments", "demo-data");
const repeats = Number(values.repeats ?? 5);
const path = join(dir, "train.parquet");
if (!(await Deno.stat(path).then(() => true, () => false))) await synthCommand(["--out", dir]);

async function timed<T>(n: number, fn: () => Promise<T> | T): Promise<{ median_ms: number; times_ms: number[]; last: T }> {
  let last!: T;
  const times: number[] = [];
  for (let i = 0; i < n + 1; i++) {
    const t0 = performance.now();
    last = await fn();
    if (i > 0) times.push(performance.now() - t0); // the first run warms caches and the JIT
  }
  return { median_ms: median(times), times_ms: times, last };
}

const source = await openFile(path);
const read = await timed(repeats, () => readFrame(source, { labelColumn: "label_h5", fwdReturnColumn: "fwd_ret_h5", requireLabel: true }));
const frame = read.last;
const objects = await timed(Math.min(repeats, 3), () => parquetReadObjects({ file: source }));

const duck = new Deno.Command("node", { args: [join("bench", "duckdb_reference.mjs"), path, String(repeats)], stdout: "piped", stderr: "piped" }).outputSync();
const duckdb: { median_ms: number } | { skipped: string } = duck.success ? JSON.parse(new TextDecoder().decode(duck.stdout).trim().split("\n").at(-1)!) : {
  skipped: `DuckDB reference did not run (install it with npm i --no-save @duckdb/node-api): ${
    new TextDecoder().decode(duck.stderr).trim().split("\n").slice(-3).join(" ")
  }`,
};

const index = await timed(repeats, () => new Windows(frame, { seqLen: 60, requireLabel: true }));
const windows = index.last;
const batch = 256, batches = 200;
const rng = createRng(1);
const picks = Array.from({ length: batches }, () => Int32Array.from({ length: batch }, () => rng.int(windows.size)));
const out = new Float32Array(batch * 60 * frame.featureNames.length);
const gather = await timed(repeats, () => {
  for (const p of picks) windows.gather(p, out);
});

await selectBackend("wasm");
const matrix = tf.tensor2d(frame.features, [frame.rows, frame.featureNames.length]);
// what a GPU backend does (gather from the uploaded split); on wasm it is the slow path the models avoid
const device = await timed(repeats, async () => {
  for (const p of picks.slice(0, 50)) {
    const x = tf.tidy(() => tf.gather(matrix, tf.tensor1d(windows.rowIndices(p), "int32")));
    await x.data();
    x.dispose();
  }
});
matrix.dispose();
source.close();

const result = {
  benchmark: "data",
  date: new Date().toISOString(),
  machine: machine(),
  file: { path, bytes: source.byteLength, rows: frame.rows, features: frame.featureNames.length },
  parquet_to_frame_ms: read.median_ms,
  reference_hyparquet_row_objects_ms: objects.median_ms,
  reference_duckdb_node_ms: "median_ms" in duckdb ? duckdb.median_ms : duckdb.skipped,
  ratio_frame_vs_duckdb: "median_ms" in duckdb ? read.median_ms / duckdb.median_ms : null,
  ratio_frame_vs_row_objects: read.median_ms / objects.median_ms,
  window_index_ms: index.median_ms,
  window_samples: windows.size,
  gather_host_samples_per_s: (batch * batches) / (gather.median_ms / 1000),
  gather_wasm_tensor_samples_per_s: (batch * 50) / (device.median_ms / 1000),
  batch_shape: [batch, 60, frame.featureNames.length],
  raw: { read: read.times_ms, objects: objects.times_ms, index: index.times_ms, gather: gather.times_ms, device: device.times_ms, duckdb },
};
await writeResult("data", result, [
  ["Parquet -> Float32 frame (train split)", `${read.median_ms.toFixed(0)} ms`],
  [
    "reference: DuckDB Node client, same file",
    typeof result.reference_duckdb_node_ms === "number"
      ? `${result.reference_duckdb_node_ms.toFixed(0)} ms (ratio ${result.ratio_frame_vs_duckdb!.toFixed(2)})`
      : String(result.reference_duckdb_node_ms),
  ],
  ["reference: hyparquet row objects, same file", `${objects.median_ms.toFixed(0)} ms (ratio ${result.ratio_frame_vs_row_objects.toFixed(2)})`],
  ["window index, L = 60", `${index.median_ms.toFixed(1)} ms for ${windows.size} samples`],
  ["batch gather on the host, 256 x 60 x F", `${(result.gather_host_samples_per_s / 1e3).toFixed(0)}k samples/s`],
  ["batch gather as a tfjs tensor (wasm)", `${(result.gather_wasm_tensor_samples_per_s / 1e3).toFixed(0)}k samples/s`],
]);
Deno.exit(0);
